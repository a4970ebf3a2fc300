"""The leader's workflows behind Overblik: læreplanstemaer per period with thin themes and the evaluation
workbook, own themes (tagged at once, stored, edited, removed, in the .qdc codebook, given to a narrative
saved later) and the effect view before/after a date. Real invented Danish narratives in a temp store,
stored through ``import_files`` (the same ``enrich()`` as the app's save)."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from contextlib import closing
from pathlib import Path

import pytest

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.store import NarrativeStore
from narrativ_nlp.workflows import ImportRequest, SaveRequest, detect_for_review, import_files, save_reviewed
from narrativ_nlp.workflows import themes as wf

#: (date, group, text): invented, realistic day-care observations
NARRATIVES = [
    ("2026-01-12", "Myretuen", "Ved morgenmaden fortalte Liva om sin weekend. Hun brugte mange nye ord og spurgte, "
     "hvad 'fyrtårn' betyder. Vi slog ordet op sammen og talte om lys og skibe."),
    ("2026-01-20", "Myretuen", "På legepladsen klatrede Noah op ad klatrevæggen for første gang. Han prøvede tre "
     "gange, holdt fast med begge hænder og råbte stolt, da han nåede toppen."),
    ("2026-02-03", "Myretuen", "I skoven fandt Ellen og Ahmed en død mus under et træ. De undersøgte den med en "
     "pind og spurgte, hvor musen skulle hen nu. Vi talte om, hvad der sker i naturen."),
    ("2026-02-18", "Myretuen", "Under samling sang vi en sang fra Syrien, som Ahmeds far havde lært os. Børnene "
     "klappede i takt, og Sofie ville synge den igen ved frokosten."),
    ("2026-03-02", "Myretuen", "To piger skændtes om den røde cykel. Efter lidt tid foreslog Ida selv, at de kunne "
     "skiftes, og hun holdt øje med uret, så de fik lige lang tid."),
    ("2026-03-16", "Myretuen", "Oskar hældte vand i baljen og fik det til at plaske. Han undersøgte, hvilke ting "
     "der kunne flyde, og lagde en kogle, en sten og et blad i vandet."),
    ("2026-04-07", "Myretuen", "Ved afleveringen græd Maja, da mor gik. Hun satte sig på skødet og fik en bog. "
     "Efter et stykke tid pegede hun på billederne og fortalte om hunden i bogen."),
    ("2026-04-21", "Myretuen", "Emil legede med vand ved vandrenden og byggede en dæmning af sand. Han fulgte "
     "vandet med øjnene og jublede, da det løb over kanten og videre ned i baljen."),
    ("2026-05-05", "Myretuen", "På tur til stranden samlede børnene muslingeskaller. Freja sorterede dem efter "
     "størrelse og farve og fortalte de andre, hvilke der var størst."),
    ("2026-05-19", "Myretuen", "I puderummet byggede Malthe og Lucas en hule. De aftalte, hvem der skulle være "
     "far, og Malthe hentede en dyne, så der blev plads til alle tre."),
]


def _import(tmp: Path, db: Path, items=NARRATIVES) -> None:
    rows = [{"tekst": t, "dato": d, "gruppe": g} for d, g, t in items]
    src = tmp / "stue.jsonl"
    src.write_text("".join(json.dumps({"id": f"n{i}", "text": r["tekst"], "date": r["dato"], "group": r["gruppe"]},
                                      ensure_ascii=False) + "\n" for i, r in enumerate(rows)), encoding="utf-8")
    report = import_files(ImportRequest([src]), db)
    assert report.stored == len(items), report.to_dict()


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("leader")
    path = tmp / "n.sqlite3"
    _import(tmp, path)
    return path


def test_curriculum_overview_per_period_with_resource_share_and_thin_themes(db):
    cur = wf.curriculum_overview(db=db, period="quarter")
    assert cur.n == len(NARRATIVES) and 0 < cur.n_tagged <= cur.n
    summary = cur.summary.set_index("theme")
    assert set(summary.index) == {"personal", "social", "communication", "body", "nature", "culture"}
    assert summary["narratives"].sum() >= cur.n_tagged  # a narrative may document more than one theme
    # the nature narratives (the mouse, the floating things, the beach) document "nature"
    assert summary.loc["nature", "narratives"] >= 2
    assert list(dict.fromkeys(cur.table["period"])) == ["2026-K1", "2026-K2"]
    per = cur.table.set_index(["period", "theme"])
    for (period, theme), row in per.iterrows():
        assert row["thin"] == (row["narratives"] < 3)
    sentences = cur.thin_sentences()
    assert sentences and all(s.endswith(".") for s in sentences)
    thin_q1 = [t for t in cur.thin["2026-K1"]]
    if thin_q1:
        label = dict(zip(cur.summary["theme"], cur.summary["label"]))[thin_q1[0]]
        assert any(label in s for s in sentences)
    assert any("1. kvartal 2026" in s or "Ingen narrativer" in s for s in sentences)
    month = wf.curriculum_overview(db=db, period="month", since="2026-02-01", until="2026-03-31")
    assert month.n == 4 and list(dict.fromkeys(month.table["period"])) == ["2026-02", "2026-03"]
    empty = wf.curriculum_overview(group="Ingen stue", db=db)
    assert empty.n == 0 and empty.thin_sentences() == []


def test_curriculum_candidates_and_workbook_with_the_examples_the_leader_picked(db, tmp_path):
    import openpyxl

    cands = wf.curriculum_candidates(db=db)
    nature = cands["nature"]
    assert nature and all(caption.startswith(f"nr. {i}, ") for i, caption in nature)
    picked = [nature[0][0]]
    path, thin = wf.curriculum_workbook(tmp_path / "laereplan.xlsx", examples={"nature": picked}, db=db)
    wb = openpyxl.load_workbook(path)
    sheet = wb["Natur, udeliv og science"]
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert str(picked[0]) in cells and "udvikling" in cells
    texts = [c for c in cells if len(c) > 40]
    assert texts and not any(name in " ".join(texts) for name in ("Ellen", "Ahmed", "Oskar", "Freja"))
    assert {"Om rapporten", "Oversigt"} <= set(wb.sheetnames) and len(wb.sheetnames) == 8
    assert set(thin) == {"2026-K1", "2026-K2"}
    with pytest.raises(NarrativError, match="findes allerede"):
        wf.curriculum_workbook(tmp_path / "laereplan.xlsx", db=db)


def _tags_of(db, theme_id):
    with closing(NarrativeStore(db)) as store:
        return {i for i, ts in store.user_tags().items() if any(t["theme_id"] == theme_id for t in ts)}


def _ids_with(db, word):
    with closing(NarrativeStore(db)) as store:
        return {n.id for n in store.narratives() if word in n.text}


def test_own_theme_is_tagged_at_once_stored_edited_removed_and_in_the_codebook(tmp_path):
    db = tmp_path / "n.sqlite3"
    _import(tmp_path, db)
    saved = wf.save_user_theme("Vandleg", "Leg med vand: hælde, plaske, flyde",
                               "vandleg\nplaske med vand\nBørnene hældte vand fra spand til spand\nflyde og synke\n"
                               "vandrende", db=db)
    assert saved.new and saved.theme_id == "egen_vandleg" and saved.stored == len(NARRATIVES)
    tagged = _tags_of(db, "egen_vandleg")
    water = _ids_with(db, "vand") - _ids_with(db, "morgenmaden")
    assert len(tagged) == saved.tagged and tagged & water  # the water play narratives are found …
    assert len(tagged - water) <= 1  # … and not every narrative
    themes, tags, narratives = wf.user_theme_tags(db=db)
    assert [t.label for t in themes] == ["Vandleg"]
    some = next(iter(tagged))
    assert tags[some][0]["label"] == "Vandleg" and tags[some][0]["score"] >= 0.5 and tags[some][0]["words"]
    # the .qdc codebook: the own theme in its group, applied to the selection
    qdc = wf.export_codebook(tmp_path / "kodebog.qdc", db=db)
    root = ET.parse(qdc).getroot()
    ns = {"q": "urn:QDA-XML:codebook:1.0"}
    groups = {c.get("name"): c for c in root.find("q:Codes", ns)}
    assert "Egne temaer" in groups
    own = groups["Egne temaer"].find("q:Code", ns)
    assert own.get("name") == "Vandleg"
    members = {m.get("guidTargetRef") for m in root.iter("{urn:QDA-XML:codebook:1.0}MemberCode")}
    assert own.get("guid") in members
    text = qdc.read_text(encoding="utf-8")
    assert "klatrevæggen" not in text and "Noah" not in text  # no narrative text
    # a second theme with the same label gets its own id; editing keeps the id; removing removes its tags
    other = wf.save_user_theme("Vandleg", "", ["vand"], db=db)
    assert other.theme_id == "egen_vandleg_2"
    edited = wf.save_user_theme("Klatring", "At klatre højt op", ["klatrevæg", "klatre op i træet"],
                                theme_id="egen_vandleg_2", db=db)
    assert edited.theme_id == "egen_vandleg_2" and not edited.new
    assert _tags_of(db, "egen_vandleg_2") & _ids_with(db, "klatrevæggen")
    assert wf.delete_user_theme("egen_vandleg_2", db=db) and not _tags_of(db, "egen_vandleg_2")
    assert not wf.delete_user_theme("egen_vandleg_2", db=db)
    with pytest.raises(NarrativError, match="mangler eksempler"):
        wf.save_user_theme("Tomt tema", "", "  \n ", db=db)
    with pytest.raises(NarrativError, match="mangler en betegnelse"):
        wf.save_user_theme("  ", "", ["vand"], db=db)
    with pytest.raises(NarrativError, match="findes ikke"):
        wf.save_user_theme("Findes ikke", "", ["vand"], theme_id="egen_findes_ikke", db=db)
    assert [t.label for t in wf.list_user_themes(db)] == ["Vandleg"]


def test_a_narrative_saved_later_gets_the_existing_own_themes_tags(tmp_path):
    db = tmp_path / "n.sqlite3"
    _import(tmp_path, db, NARRATIVES[:6])
    wf.save_user_theme("Vandleg", "", ["vandleg", "plaske med vand", "hælde vand i baljen", "flyde og synke"],
                       db=db)
    text = ("Karla stod ved vandbaljen og hældte vand fra en kande over i en skål. Hun plaskede med hænderne "
            "og grinede, da vandet sprøjtede op på Viggo.")
    review = detect_for_review(text)
    saved = save_reviewed(SaveRequest(text, review.spans_for(), detected=review.spans_for(), group="Myretuen",
                                      date="2026-06-02"), db)
    assert saved.id is not None and saved.id not in _tags_of(db, "egen_vandleg")  # the save path knows nothing yet
    themes, tags, _ = wf.user_theme_tags(db=db)  # what the app shows: synchronised first
    assert any(t["theme_id"] == "egen_vandleg" for t in tags.get(saved.id, []))
    assert saved.id in _tags_of(db, "egen_vandleg")
    time.sleep(1.1)  # times are kept to the second: a narrative of the same second is tagged once more, then not
    wf.sync_user_tags(db)
    assert wf.sync_user_tags(db) == 0
    # the explicit call for the save/import path gives the same
    review = detect_for_review("Aske plaskede i vandpytten og hældte vand i sin spand.")
    again = save_reviewed(SaveRequest("Aske plaskede i vandpytten og hældte vand i sin spand.", review.spans_for(),
                                      detected=review.spans_for(), group="Myretuen", date="2026-06-03"), db)
    assert wf.tag_new_narratives([again.id], db) == 1 and again.id in _tags_of(db, "egen_vandleg")


def test_effect_before_and_after_a_date_per_group_without_writers(db):
    view = wf.effect_tables("2026-03-01", db=db)
    res = view["resource"].set_index("gruppe")
    assert set(res.index) == {"Myretuen", "alle grupper"}
    assert res.loc["alle grupper", "narrativer før"] == 4 and res.loc["alle grupper", "narrativer efter"] == 6
    assert "95 %-interval, fra" in res.columns and "forfatter" not in " ".join(res.columns)
    low, high = res.loc["alle grupper", ["95 %-interval, fra", "95 %-interval, til"]]
    assert low <= res.loc["alle grupper", "forskel (procentpoint)"] <= high
    assert not view["deficit"].empty and "kategori" in view["deficit"].columns
    assert view["notes"] and "årsag" in view["notes"][0]
