"""Overblik's leader views, called as the app calls them: læreplanstemaer (tables, thin themes, the workbook
with picked examples), egne temaer (add, see the tags, edit, remove; in the .qdc) and effekt (before/after a
date). Invented Danish narratives imported into a temp store."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pytest

from narrativ_nlp.app import overview as over_h
from narrativ_nlp.app.common import AppMessage

from ..workflows.test_leader import NARRATIVES, _import

pytestmark = pytest.mark.usefixtures("warm")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("leaderapp")
    path = tmp / "n.sqlite3"
    _import(tmp, path)
    return str(path)


def test_curriculum_view_danish_tables_thin_sentence_and_examples_to_pick(db):
    r = over_h.curriculum(db, over_h.ALL_GROUPS, "1.1.2026", "30.6.2026", "Kvartal")
    assert r["n"] == len(NARRATIVES)
    assert r["status"].startswith(f"{len(NARRATIVES)} narrativer i udvalget;")
    assert "tyndt dokumenteret" in r["status"] or "Ingen narrativer i udvalget dokumenterer" in r["status"]
    summary = r["summary"].set_index("læreplanstema")
    assert len(summary) == 6 and summary.loc["Natur, udeliv og science", "narrativer"] >= 2
    shares = [v for v in summary["ressourceandel (%)"] if v != "–"]
    assert shares and all("," in v and "." not in v for v in shares)  # decimal comma
    table = r["table"]
    assert set(table["periode"]) == {"1. kvartal 2026", "2. kvartal 2026"}
    assert set(table["tyndt dokumenteret"]) <= {"ja", "nej"}
    assert list(table.columns) == ["periode", "læreplanstema", "narrativer", "ressourceandel (%)",
                                   "tyndt dokumenteret"]
    nature = r["choices"]["nature"]
    assert nature and all(caption.startswith(f"nr. {nid}") for caption, nid in nature)
    assert over_h.curriculum(db, None, "2026-01-01", "2026-06-30", "Kvartal") is r  # cached per selection
    month = over_h.curriculum(db, None, "1.2.2026", "31.3.2026", "Måned")
    assert set(month["table"]["periode"]) == {"februar 2026", "marts 2026"}
    with pytest.raises(AppMessage, match="Perioden er vendt om"):
        over_h.curriculum(db, None, "31.3.2026", "1.2.2026")
    empty = over_h.curriculum(db, "Ingen stue")
    assert empty["n"] == 0 and "ingen gemte narrativer" in empty["status"]


def test_curriculum_workbook_holds_the_picked_examples_anonymised(db):
    r = over_h.curriculum(db, None, None, None)
    nid = r["choices"]["nature"][0][1]
    path, msg = over_h.curriculum_workbook_file(db, None, None, None, "Kvartal", {"nature": [nid], "body": []})
    assert Path(path).name == "laereplan_evaluering.xlsx" and "1 valgt eksempel" in msg
    wb = openpyxl.load_workbook(path)
    rows = [[c.value for c in row] for row in wb["Natur, udeliv og science"].iter_rows()]
    example = [row for row in rows if row[0] == nid]
    assert example and "[Person" in str(example[0][3])  # the text, anonymised
    with pytest.raises(AppMessage, match="ingen narrativer i udvalget"):
        over_h.curriculum_workbook_file(db, "Ingen stue", None, None, "Kvartal", {})


def test_own_theme_added_tags_shown_edited_in_the_codebook_and_removed(tmp_path):
    db = str(tmp_path / "n.sqlite3")
    _import(tmp_path, Path(db))
    counts, tags, status = over_h.own_theme_tables(db)
    assert counts.empty and "ingen egne temaer" in status
    with pytest.raises(AppMessage, match="mindst ét eksempel"):
        over_h.own_theme_save(db, "", "Vandleg", "", " \n ")
    msg = over_h.own_theme_save(db, "", "Vandleg", "Leg med vand",
                                "vandleg\nplaske med vand\nhælde vand i baljen\nflyde og synke\nvandrende")
    assert msg.startswith("Temaet »Vandleg« er gemt. Det passer på ")
    choices = over_h.own_theme_choices(db)
    assert choices[0] == ("Nyt tema", "") and ("Vandleg", "egen_vandleg") in choices
    assert over_h.own_theme_fields(db, "egen_vandleg")[2].splitlines()[0] == "vandleg"
    counts, tags, status = over_h.own_theme_tables(db, over_h.ALL_GROUPS, "", "")
    n_tagged = int(counts.set_index("eget tema").loc["Vandleg", "narrativer i udvalget"])
    assert n_tagged == len(tags) >= 1
    assert any("vandrenden" in b or "plaske" in b or "baljen" in b for b in tags["begyndelse"])
    assert all("Vandleg (" in t and "." not in t.split("(")[1] for t in tags["egne temaer"])  # score 0,xx
    assert all(w for w in tags["ord, der gav mærket"])
    # the export's codebook has the own theme, applied to the selection
    files = over_h.exports_for(db, over_h.ALL_GROUPS)
    root = ET.parse(files["qdc"]).getroot()
    names = [c.get("name") for c in root.iter("{urn:QDA-XML:codebook:1.0}Code")]
    assert "Egne temaer" in names and "Vandleg" in names and "Læreplanstemaer" in names
    # edit: a new label, the same id; the export is made again
    msg = over_h.own_theme_save(db, "egen_vandleg", "Leg med vand", "", "vandleg\nplaske\nvandrende")
    assert "er ændret" in msg
    assert ("Leg med vand", "egen_vandleg") in over_h.own_theme_choices(db)
    again = over_h.exports_for(db, over_h.ALL_GROUPS)
    assert "Leg med vand" in Path(again["qdc"]).read_text(encoding="utf-8")
    assert "Tema-gruppe" not in msg
    # remove
    assert "er slettet" in over_h.own_theme_delete(db, "egen_vandleg")
    assert over_h.own_theme_choices(db) == [("Nyt tema", "")]
    with pytest.raises(AppMessage, match="Vælg først"):
        over_h.own_theme_delete(db, "")


def test_effect_view_before_and_after_a_danish_date(db):
    r = over_h.effect(db, "1.3.2026", over_h.ALL_GROUPS)
    assert r["status"].startswith("Før 1.3.2026: 4 narrativer; fra og med 1.3.2026: 6 narrativer.")
    res = r["resource"].set_index("gruppe")
    assert "Alle grupper" in res.index and "Myretuen" in res.index
    interval = res.loc["Alle grupper", "95 %-interval (procentpoint)"]
    assert " til " in interval and "." not in interval
    deficit = r["deficit"]
    assert {"kategori", "narrativer før", "narrativer efter", "før (%)", "efter (%)"} <= set(deficit.columns)
    assert not any("forfatter" in c or "medarbejder" in c for c in deficit.columns)  # no figures per writer
    one = over_h.effect(db, "2026-03-01", "Myretuen")
    assert one["status"] == r["status"] and set(one["resource"]["gruppe"]) == {"Myretuen"}
    assert set(one["deficit"]["gruppe"]) == {"Myretuen"}
    with pytest.raises(AppMessage, match="Vælg datoen"):
        over_h.effect(db, "", None)
    with pytest.raises(AppMessage, match="Ugyldig dato"):
        over_h.effect(db, "første marts", None)
