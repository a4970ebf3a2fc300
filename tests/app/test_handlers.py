"""The app's handlers, called directly: plain values in, plain values out."""

from __future__ import annotations

import csv
import json
import logging
import sqlite3
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from narrativ_nlp.app import files as files_h
from narrativ_nlp.app import learning as learn_h
from narrativ_nlp.app import overview as over_h
from narrativ_nlp.app import write as write_h
from narrativ_nlp.app.common import (
    MAX_CHARS,
    AppMessage,
    check_length,
    date_da,
    esc,
    guarded,
    num,
    parse_date_da,
    plural,
    rule_name,
)
from narrativ_nlp.errors import NarrativError
from narrativ_nlp.store import NarrativeStore

from .conftest import NARRATIVE

pytestmark = pytest.mark.usefixtures("warm")


# ------------------------------------------------------------------ Skriv narrativ


@pytest.fixture(scope="module")
def view():
    return write_h.analyse_narrative(NARRATIVE)


def test_analyse_finds_deficit_and_resource(view):
    kinds = {f["kind"] for f in view["findings"]}
    assert kinds == {"deficit", "resource"}
    f = next(f for f in view["findings"] if f["kind"] == "deficit")
    assert f["explanation"] and f["suggestions"] and NARRATIVE[f["start"]:f["end"]] == f["text"]
    assert "#E69F00" in view["html"] and "#0072B2" in view["html"]  # colour-blind-safe pair
    assert "Underskudsfokuseret" in view["html"] and "Ressourcefokuseret" in view["html"]  # the legend
    assert "Tjekliste" in view["profile_html"]


def test_html_in_narrative_is_escaped(view):
    for html in (view["html"], view["profile_html"], *(write_h.card_html(f) for f in view["findings"])):
        assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;" in view["html"] and "&lt;img src=x onerror=alert(1)&gt;" in view["html"]
    assert esc("${x}`") == "&#36;&#123;x&#125;&#96;"


def test_too_long_text_is_refused_in_danish():
    assert check_length("a" * MAX_CHARS) == "a" * MAX_CHARS
    with pytest.raises(NarrativError, match="Teksten er for lang: 50001 tegn"):
        write_h.analyse_narrative("a" * (MAX_CHARS + 1))
    with pytest.raises(NarrativError, match="for lang"):
        write_h.review_persons("Emma leger. " * 5000)


def test_empty_text_gives_a_hint():
    v = write_h.analyse_narrative("   ")
    assert v["findings"] == [] and "Skriv" in v["status"]


def test_more_suggestions_shows_at_least_as_many(view):
    more = write_h.analyse_narrative(NARRATIVE, more=True)
    assert len(more["findings"]) >= len(view["findings"])


def test_ignored_finding_stays_hidden_for_the_text(view):
    first = view["findings"][0]
    again = write_h.analyse_narrative(NARRATIVE, ignored=[first["key"]])
    assert first["key"] not in {f["key"] for f in again["findings"]} and again["n_ignored"] >= 1
    # still hidden after an edit elsewhere in the text (the key does not depend on offsets)
    edited = "Det var en grå dag. " + NARRATIVE
    assert first["key"] not in {f["key"] for f in write_h.analyse_narrative(edited, ignored=[first["key"]])["findings"]}


def test_using_a_suggestion_opens_the_sentence_and_replaces_it_only_when_confirmed(view):
    f = next(f for f in view["findings"] if f["rule_id"] == "inability.kan_ikke")
    # the edit field gets the whole sentence the finding lies in; the suggestion is guidance, not text
    assert f["sentence"] == "Emma er altid umulig ved frokosten, og hun kan ikke sidde stille."
    assert NARRATIVE[f["sent_start"]:f["sent_end"]] == f["sentence"] and f["sent_start"] <= f["start"] < f["end"] <= f["sent_end"]
    guide = write_h.guidance_html(f, 0)
    assert "Forslag 1:" in guide and "Emma" in guide and "ændres ikke" in guide
    assert "Ret selv:" in write_h.guidance_html(f, None)
    rewrite = "I dag ved frokosten rejste Emma sig to gange og hentede selv kanden."
    new, action = write_h.replace_span(NARRATIVE, f, rewrite, "accepted")
    assert action == "accepted" and new == rewrite + NARRATIVE[f["sent_end"]:]
    new, action = write_h.replace_span(NARRATIVE, f, "Emma sad på skødet ved frokosten.")
    assert action == "edited" and new.startswith("Emma sad på skødet ved frokosten. Mor siger")
    # text added before the sentence: the unchanged sentence is found where it now is and replaced there
    moved, _ = write_h.replace_span("Det regnede. " + NARRATIVE, f, rewrite, "accepted")
    assert moved == "Det regnede. " + rewrite + NARRATIVE[f["sent_end"]:]
    # the sentence itself was edited since the analysis: refused with a message that the rewrite is kept
    edited = NARRATIVE.replace("umulig ved frokosten", "urolig ved frokosten")
    with pytest.raises(write_h.StaleText, match="rettet i teksten siden analysen.*omskrivning er bevaret"):
        write_h.replace_span(edited, f, rewrite, "accepted")
    assert write_h.locate_sentence(edited, f) is None
    twice = NARRATIVE + " " + f["sentence"]  # the same sentence twice after an edit: not guessed
    assert write_h.locate_sentence("Ny start. " + twice, f) is None
    with pytest.raises(AppMessage, match="Skriv din nye formulering"):
        write_h.replace_span(NARRATIVE, f, "   ", "accepted")
    with pytest.raises(AppMessage, match="ikke ændret"):  # confirming the unchanged sentence does nothing
        write_h.replace_span(NARRATIVE, f, f["sentence"], "accepted")
    # the rule's suggestions are questions and prompts, never text to paste in
    assert all("?" in s or s.startswith(("Beskriv", "Skriv", "Godt")) for s in f["suggestions"])


def test_feedback_counts_accept_and_ignore_and_are_text_free(tmp_path, view):
    db = tmp_path / "n.sqlite3"
    f = next(f for f in view["findings"] if f["rule_id"])
    write_h.record_feedback(str(db), f["rule_id"], "accepted")
    write_h.record_feedback(str(db), f["rule_id"], "ignored")
    write_h.record_feedback(str(db), f["rule_id"], "ignored")
    write_h.record_feedback(str(db), None, "edited")
    fb = NarrativeStore(db).feedback()
    assert fb[f["rule_id"]] == {"accepted": 1, "ignored": 2} and fb["classifier"] == {"edited": 1}
    rows = learn_h.feedback_table(str(db))
    # the rule ignored most often comes first, by its Danish name, with a decimal comma
    assert rows[0] == [rule_name(f["rule_id"]), 1, 0, 2, "66,7"] and "." not in rows[0][0].split("»")[0]
    assert rule_name("generalisation.altid_aldrig") == "Generalisering: »altid/aldrig«"
    dump = "\n".join(sqlite3.connect(db).iterdump())
    assert "Emma" not in dump and "umulig" not in dump and f["sentence"] not in dump
    with pytest.raises(ValueError):
        write_h.record_feedback(str(db), f["rule_id"], "deleted")


PERSONS = ("Oliver Hansen kom glad ind ad døren. Olivers CPR-nummer står i mappen: 010203-1234. Bagefter legede "
           "Oliver med bamsen Trofast og Emma i Vanløse, og Oliver lo.")


def test_review_has_one_row_per_person_with_all_its_occurrences():
    review = write_h.review_persons(PERSONS)
    oliver = next(p for p in review["persons"] if p["display"] == "Oliver Hansen")
    assert set(oliver["forms"]) == {"Oliver Hansen", "Olivers", "Oliver"} and oliver["n"] == 4
    # the possessive never swallows the next noun
    assert all(PERSONS[s[0]:s[1]] in {"Oliver Hansen", "Olivers", "Oliver"} for s in oliver["spans"])
    choices, ticked = write_h.person_choices(review)
    label = next(lbl for lbl, pid in choices if pid == oliver["id"])
    assert label.startswith("Person: Oliver Hansen (") and "4 forekomster" in label and "sikkerhed 0," in label
    assert sum("Oliver" in lbl for lbl, _ in choices) == 1  # one row, one decision
    # one decision covers every occurrence: one pseudonym for all of them
    prev = write_h.preview(PERSONS, review, ticked)
    assert "Oliver" not in prev["text"] and "010203-1234" not in prev["text"]
    assert prev["text"].startswith("[Person 1] kom glad ind") and "[Person 1]s CPR-nummer" in prev["text"]
    assert prev["text"].count("[Person 1]") == 4
    with pytest.raises(AppMessage, match="ændret efter gennemgangen"):
        write_h.preview("Hej. " + PERSONS, review, ticked)


def test_missed_words_get_a_type_and_not_a_name_applies_once_for_the_text():
    review = write_h.review_persons(PERSONS, keep=["Trofast"], add=[["Vanløse", "PLACE"], ["døren", "OTHER"]])
    by_display = {p["display"]: p for p in review["persons"]}
    assert "Trofast" not in by_display  # "ikke et navn": dropped, for the whole text
    assert by_display["Vanløse"]["label"] == "PLACE" and by_display["døren"]["label"] == "OTHER"
    choices, ticked = write_h.person_choices(review)
    assert any(lbl.startswith("Sted: Vanløse – 1 forekomst, tilføjet af dig") for lbl, _ in choices)
    assert set(write_h.ADD_TYPES[:4]) == {"PERSON", "PLACE", "INSTITUTION", "OTHER"}
    text = write_h.preview(PERSONS, review, ticked)["text"]
    assert "[Sted 1]" in text and "Vanløse" not in text and "Trofast" in text and "[Andet 1]" in text
    # the user's earlier choice survives a new detection; a suggestion is offered unticked
    mine = [pid for pid in ticked if pid != by_display["Oliver Hansen"]["id"]]
    _, again = write_h.person_choices(review, mine)
    assert by_display["Oliver Hansen"]["id"] not in again and by_display["Vanløse"]["id"] in again


def test_preview_and_save_store_only_the_pseudonymised_text(tmp_path):
    db = str(tmp_path / "n.sqlite3")
    review = write_h.review_persons(NARRATIVE)
    _, ticked = write_h.person_choices(review)
    with pytest.raises(AppMessage, match="forhåndsvisning"):
        write_h.save(db, NARRATIVE, review, None, "Myretuen", "2026-03-04")  # nothing saved without the review step
    prev = write_h.preview(NARRATIVE, review, ticked, "placeholder")
    assert "Emma" not in prev["text"] and "[Person 1]" in prev["text"]
    with pytest.raises(AppMessage, match="ændret"):
        write_h.save(db, NARRATIVE + " Mere.", review, prev, "Myretuen", "2026-03-04")
    with pytest.raises(AppMessage, match="Ugyldig dato: »4. marts«. Skriv datoen som fx 1.9.2025"):
        write_h.save(db, NARRATIVE, review, prev, "Myretuen", "4. marts")
    # an unticked person is kept only when the user confirms it
    jonas = next(p["id"] for p in review["persons"] if p["display"] == "Jonas")
    less = write_h.preview(NARRATIVE, review, [i for i in ticked if i != jonas])
    with pytest.raises(NarrativError, match="ikke sat til at blive erstattet"):
        write_h.save(db, NARRATIVE, review, less, "Myretuen", "4.3.2026")
    nid, msg = write_h.save(db, NARRATIVE, review, prev, "Myretuen", "4.3.2026")  # a Danish date
    assert nid and "Gemt" in msg and "den 4.3.2026" in msg
    (stored,) = NarrativeStore(db).narratives()
    assert stored.date == "2026-03-04" and stored.text == prev["text"] and stored.anonymised
    assert stored.group == "Myretuen" and stored.themes and stored.profile
    assert write_h.save(db, NARRATIVE, review, prev, "Myretuen", "2026-03-04")[0] is None  # duplicate
    con = sqlite3.connect(db)
    dump = "\n".join(con.iterdump())
    assert "Emma" not in dump and "Jonas" not in dump


# ------------------------------------------------------------------ Anonymisér filer


def test_files_per_file_counts_zip_and_mapping_only_when_asked(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("Emma legede med Jonas. Emma lo.", encoding="utf-8")
    b = tmp_path / "b.csv"
    with b.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["id", "text"], ["1", "Sofie hjalp Ali."]])
    bad = tmp_path / "c.pdf"
    bad.write_text("x", encoding="utf-8")
    r = files_h.anonymise_uploads([str(a), str(b), str(bad)], workdir=str(tmp_path / "w1"))
    by_name = {row[0]: row for row in r["rows"]}
    assert by_name["a.txt"][1] == "Anonymiseret" and by_name["a.txt"][-1] >= 3
    assert by_name["b.csv"][1] == "Anonymiseret" and by_name["b.csv"][-1] >= 1
    assert by_name["c.pdf"][1].startswith("Fejl: Filtypen .pdf") and str(tmp_path) not in by_name["c.pdf"][1]
    # one of three failed: the status says so in words and is a warning, not a success
    assert r["level"] == "warn" and r["status"].startswith("2 af 3 filer er anonymiseret; 1 fil kunne ikke")
    assert r["mapping"] is None
    with zipfile.ZipFile(r["zip"]) as zf:
        assert sorted(zf.namelist()) == ["a.txt", "b.csv"]
        assert "Emma" not in zf.read("a.txt").decode("utf-8")
    assert not (tmp_path / "w1" / "ind").exists()  # the copies of the inputs are gone
    assert "Emma" not in files_h.read_output(r["outputs"]["a.txt"])
    r2 = files_h.anonymise_uploads([str(a)], want_mapping=True, workdir=str(tmp_path / "w2"))
    assert r2["level"] == "ok" and r2["status"].startswith("Filen er anonymiseret.")
    mapping = json.loads(Path(r2["mapping"]).read_text(encoding="utf-8"))
    assert "følsom" in r2["status"] and Path(r2["mapping"]).parent != Path(r2["outputs"]["a.txt"]).parent
    assert any(m["original"].lower() == "emma" and m["replacement"] == "[Person 1]" for m in mapping)
    with zipfile.ZipFile(r2["zip"]) as zf:
        assert zf.namelist() == ["a.txt"]  # the key is never in the zip
    with pytest.raises(AppMessage):
        files_h.anonymise_uploads([])


def test_text_column_is_detected_and_asked_for_when_unsure(tmp_path):
    da = tmp_path / "stue.csv"
    with da.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["id", "dato", "Tekst"], ["1", "2026-03-04", "Sofie hjalp Ali med skoene."]])
    jl = tmp_path / "noter.jsonl"
    jl.write_text(json.dumps({"nr": 1, "beskrivelse": "Emma gyngede med Noah."}, ensure_ascii=False) + "\n",
                  encoding="utf-8")
    odd = tmp_path / "andet.csv"
    with odd.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["nr", "indtastning"], ["1", "Mads legede med Ida."]])
    assert files_h.guess_column(["id", "dato", "Tekst"]) == "Tekst"
    assert files_h.guess_column(["nr", "narrativ_tekst"]) == "narrativ_tekst"
    assert files_h.guess_column(["nr", "indtastning"]) is None
    sure = files_h.column_choice([str(da)])
    assert sure["value"] == "Tekst" and sure["needed"] and "»Tekst« er fundet i filen" in sure["message"]
    unsure = files_h.column_choice([str(odd)])
    assert unsure["value"] is None and unsure["level"] == "warn" and unsure["choices"] == ["nr", "indtastning"]
    assert not files_h.column_choice([str(tmp_path / "x.txt")])["needed"]  # no column field for text files
    # a Danish Excel export: semicolons, Windows-1252 — the columns are read by the one CSV reader
    excel = tmp_path / "stuen.csv"
    excel.write_bytes("dato;gruppe;pædagog;barn;narrativ\n3.11.2026;Stue Ræven;Maja Holm;Ida;Ida hjalp Bo.\n"
                      .encode("cp1252"))
    assert files_h.file_columns(excel) == ["dato", "gruppe", "pædagog", "barn", "narrativ"]
    found = files_h.column_choice([str(excel)])
    assert found["value"] == "narrativ" and "»narrativ« er fundet" in found["message"]
    # every column is read for names (also the one without a known name); chosen columns are kept as they are
    r = files_h.anonymise_uploads([str(da), str(jl), str(odd)], workdir=str(tmp_path / "w"))
    assert r["level"] == "ok" and {row[1] for row in r["rows"]} == {"Anonymiseret"}
    out = Path(r["outputs"]["stue.csv"]).read_text(encoding="utf-8")
    assert "Sofie" not in out and "Ali" not in out and "2026-03-04" in out
    assert "Emma" not in Path(r["outputs"]["noter.jsonl"]).read_text(encoding="utf-8")
    assert "Mads" not in Path(r["outputs"]["andet.csv"]).read_text(encoding="utf-8")
    # the text column itself cannot be kept unchanged: that file fails with a Danish message, the others pass
    kept = files_h.anonymise_uploads([str(da), str(odd)], keep_columns=["Tekst"], workdir=str(tmp_path / "v"))
    by_name = {row[0]: row for row in kept["rows"]}
    assert by_name["stue.csv"][1].startswith("Fejl: Tekstkolonnen »Tekst« kan ikke bevares")
    assert by_name["andet.csv"][1] == "Anonymiseret" and kept["level"] == "warn"


def test_one_pseudonymiser_for_the_batch_same_child_same_pseudonym_in_both_files(tmp_path):
    a = tmp_path / "stue_a.txt"
    a.write_text("Emma legede med Jonas i sandkassen. Bagefter hjalp Emma med at rydde op.", encoding="utf-8")
    b = tmp_path / "stue_b.txt"
    b.write_text("Ali og Emma byggede en hule af puder, og Ali holdt døren.", encoding="utf-8")
    r = files_h.anonymise_uploads([str(a), str(b)], workdir=str(tmp_path / "w"))
    out_a = Path(r["outputs"]["stue_a.txt"]).read_text(encoding="utf-8")
    out_b = Path(r["outputs"]["stue_b.txt"]).read_text(encoding="utf-8")
    # Emma is [Person 1] in both files, although another child comes first in the second file
    assert out_a == "[Person 1] legede med [Person 2] i sandkassen. Bagefter hjalp [Person 1] med at rydde op."
    assert out_b == "[Person 3] og [Person 1] byggede en hule af puder, og [Person 3] holdt døren."
    surrogate = files_h.anonymise_uploads([str(a), str(b)], mode="surrogate", workdir=str(tmp_path / "s"))
    sa = Path(surrogate["outputs"]["stue_a.txt"]).read_text(encoding="utf-8")
    sb = Path(surrogate["outputs"]["stue_b.txt"]).read_text(encoding="utf-8")
    emma = sa.split(" ")[0]
    assert emma != "Emma" and "Emma" not in sa + sb and sb.split(" ")[2] == emma
    # the review applies to the whole batch: a missed word is added, a wrong one kept
    reviewed = files_h.anonymise_uploads([str(a), str(b)], workdir=str(tmp_path / "r"), add="sandkassen", keep="Ali")
    ra = Path(reviewed["outputs"]["stue_a.txt"]).read_text(encoding="utf-8")
    rb = Path(reviewed["outputs"]["stue_b.txt"]).read_text(encoding="utf-8")
    assert "sandkassen" not in ra and ra.startswith("[Person 1] legede")
    assert rb.startswith("Ali og [Person 1]") and "1 tilføjet, 1 bevaret" in reviewed["status"]
    assert files_h.parse_terms("Ali\n ali ; Bo,,") == ["Ali", "Bo"]

    # a full name in one file and the first name or a possessive in the next: one person, one pseudonym
    c = tmp_path / "mandag.txt"
    c.write_text("Sofus Bech og Mette Lauridsen malede sammen ved bordet.", encoding="utf-8")
    d = tmp_path / "tirsdag.txt"
    d.write_text("Sofus hentede Mettes pensel, og Mette takkede.", encoding="utf-8")
    parts = files_h.anonymise_uploads([str(c), str(d)], want_mapping=True, workdir=str(tmp_path / "p"))
    oc = Path(parts["outputs"]["mandag.txt"]).read_text(encoding="utf-8")
    od = Path(parts["outputs"]["tirsdag.txt"]).read_text(encoding="utf-8")
    assert oc == "[Person 1] og [Person 2] malede sammen ved bordet."
    assert od == "[Person 1] hentede [Person 2]s pensel, og [Person 2] takkede."
    key = json.loads(Path(parts["mapping"]).read_text(encoding="utf-8"))
    assert len({m["replacement"] for m in key}) == 2  # the key lists two people, not four


# ------------------------------------------------------------------ Overblik


def _store_five(db: Path) -> None:
    store = NarrativeStore(db)
    texts = ["[Person 1] byggede en hule med [Person 2] i sandkassen, og de grinede.",
             "[Person 1] græd ved afleveringen, og vi trøstede hende sammen med mor.",
             "[Person 1] klatrede helt op i klatrestativet og var stolt.",
             "[Person 1] og [Person 2] skændtes om en bil, men fandt selv en løsning.",
             "[Person 1] sang en sang om en bil på dansk og arabisk til samling."]
    themes = [[{"theme": "play", "label": "Leg"}], [{"theme": "transitions", "label": "Overgange"}],
              [{"theme": "play", "label": "Leg"}], [{"theme": "conflict", "label": "Konflikter"}],
              [{"theme": "language", "label": "Sprog"}]]
    for i, t in enumerate(texts):
        profile = {"resource_share": 50.0 + 10 * i, "n_sentences": 2, "n_deficit_sentences": 1,
                   "n_resource_sentences": 1}
        store.add(t, "Myretuen" if i < 4 else "Bien", f"2026-0{1 + i % 3}-10", themes=themes[i], profile=profile)
    store.close()


def test_overview_uses_the_library_tables_charts_clusters_and_exports(tmp_path, monkeypatch):
    import openpyxl

    db = tmp_path / "n.sqlite3"
    _store_five(db)
    # patterns need a large selection; lowered here so four narratives show them
    monkeypatch.setattr(over_h, "MIN_FOR_PATTERNS", 4)
    monkeypatch.setattr(over_h, "MIN_PATTERN_SIZE", 1)
    monkeypatch.setattr(over_h, "PATTERN_K", (2, 3))
    r = over_h.overview(str(db), "Myretuen", "1.1.2026", "31.12.2026")
    assert r["n"] == 4 and r["overview"].group == "Myretuen"
    themes = r["themes"].set_index("tema")
    assert themes.loc["Leg", "som et af temaerne"] == 2 and "Sprog" not in themes.index  # only Myretuen's themes
    assert list(r["by_month"]["måned"]) == ["2026-01", "2026-02", "2026-03"]
    assert list(r["by_month"]["narrativer"]) == [2, 1, 1]
    by_theme = r["by_theme"].set_index("tema")
    assert by_theme.loc["Leg", "ressourceandel, gennemsnit (%)"] == "60,0"  # (50 + 70) / 2, decimal comma
    # the charts' data (Gradio's own bar and line charts, drawn by the browser)
    charts = r["charts"]
    assert dict(zip(charts["themes"]["tema"], charts["themes"]["narrativer"]))["Leg"] == 2
    assert set(charts["month"].columns) == {"måned", "tema", "narrativer"} and charts["month"]["narrativer"].sum() == 4
    assert list(charts["share_time"]["måned"]) == ["2026-01", "2026-02", "2026-03"]
    assert dict(zip(charts["share_theme"]["tema"], charts["share_theme"]["ressourceandel (%)"]))["Leg"] == 60.0
    html = over_h.patterns_for(str(db), "Myretuen", "1.1.2026", "31.12.2026")
    assert "Mønster 1</b>" in html and "typiske ord" in html
    assert "Gruppe" not in html and "(1 narrativer)" not in html
    assert "<li>[Person 1]" in html  # example narratives (anonymised)
    files = over_h.exports_for(str(db), "Myretuen", "1.1.2026", "31.12.2026")
    assert over_h.exports_for(str(db), "Myretuen", "1.1.2026", "31.12.2026") is files  # cached
    with zipfile.ZipFile(files["csv"]) as zf:
        names = set(zf.namelist())
        content = "".join(zf.read(n).decode("utf-8-sig") for n in names)
    assert {"narrativer.csv", "temaer.csv", "temafund.csv", "ressourceandel_pr_tema.csv", "om_rapporten.csv"} <= names
    assert not any(n in names for n in ("narratives.csv", "per_theme.csv", "clusters.csv"))  # Danish file names
    assert "sandkassen" not in content and "Myretuen" in content  # no narrative text in the export
    wb = openpyxl.load_workbook(files["xlsx"])
    assert "Ressourceandel pr. tema" in wb.sheetnames and "Diagrammer" in wb.sheetnames
    assert Path(files["qdc"]).read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert over_h.overview(str(db), over_h.ALL_GROUPS)["n"] == 5


def test_overview_with_one_to_three_narratives_says_too_few_to_cluster(tmp_path):
    db = tmp_path / "n.sqlite3"
    _store_five(db)
    few = over_h.overview(str(db), "Myretuen", "2026-02-01", "2026-03-31")
    assert few["n"] == 2
    few_html = over_h.patterns_for(str(db), "Myretuen", "2026-02-01", "2026-03-31")
    assert "For få narrativer til at finde mønstre" in few_html and f"mindst være {over_h.MIN_FOR_PATTERNS}" in few_html
    assert over_h.exports_for(str(db), "Myretuen", "2026-02-01", "2026-03-31")["xlsx"]
    empty = over_h.overview(str(db), "Ingen")
    assert empty["n"] == 0 and "ingen gemte narrativer" in empty["status"]
    with pytest.raises(AppMessage, match="ingen narrativer i udvalget at eksportere"):
        over_h.exports_for(str(db), "Ingen")
    assert "narrativ import" not in empty["status"] and "--" not in empty["status"]  # no command-line hints
    quiet = over_h.overview(str(db), "Myretuen", "1.1.2025", "31.12.2025")
    assert quiet["n"] == 0 and "i perioden 1.1.2025–31.12.2025" in quiet["status"] and "narrativ import" not in quiet["status"]
    with pytest.raises(AppMessage, match="Perioden er vendt om: fra-datoen \\(31.3.2026\\) ligger efter"):
        over_h.overview(str(db), "Myretuen", "31.3.2026", "2026-02-01")
    with pytest.raises(AppMessage, match="Ugyldig dato"):
        over_h.overview(str(db), None, "januar")


def test_patterns_only_of_a_minimum_size_largest_first():
    from narrativ_nlp.overview.tables import Overview

    clusters = pd.DataFrame({"cluster": [0, 1, 2], "size": [3, 12, 7], "top_terms": ["a, b", "c, d", "e, f"],
                             "typical_ids": ["1", "2", "3"]})
    ov = Overview(None, None, None, 60, {"clusters": clusters})
    assert list(over_h.patterns(ov)["size"]) == [12, 7]  # below MIN_PATTERN_SIZE (5): not shown
    html = over_h.clusters_html(ov, {2: "[Person 1] legede i sandkassen."})
    assert "2 mønstre</b>" in html and "Mønster 1</b> (12 narrativer)" in html and "Mønster 2</b> (7 narrativer)" in html
    assert "[Person 1] legede" in html and "Gruppe" not in html
    below = over_h.MIN_FOR_PATTERNS - 1  # the library's minimum, the same as the command line's
    few = Overview(None, None, None, below, {"clusters": clusters})
    assert f"For få narrativer til at finde mønstre ({below}" in over_h.clusters_html(few, {})


def test_overview_is_cached_per_selection_until_the_store_changes(tmp_path):
    db = tmp_path / "n.sqlite3"
    _store_five(db)
    first = over_h.overview(str(db), "Myretuen")
    assert over_h.overview(str(db), "Myretuen") is first  # the same selection again: from the cache
    assert over_h.overview(str(db), "Bien") is not first
    store = NarrativeStore(db)
    store.add("[Person 1] malede en sol sammen med [Person 2].", "Myretuen", "2026-03-11")
    store.close()
    again = over_h.overview(str(db), "Myretuen")
    assert again is not first and again["n"] == 5  # a new narrative: built again
    over_h.invalidate(str(db))
    assert over_h.overview(str(db), "Myretuen") is not again


def test_danish_numbers_dates_and_plurals():
    assert num(0.876) == "0,88" and num(1234.5, 1) == "1.234,5" and num(None) == "–"
    assert plural(1, "narrativ", "narrativer") == "1 narrativ" and plural(3, "narrativ", "narrativer") == "3 narrativer"
    for text in ("1.9.2025", "01.09.2025", "1/9/2025", "1-9-25", "2025-09-01", "1. september 2025", "1 sep. 2025"):
        assert parse_date_da(text) == "2025-09-01", text
    assert parse_date_da("  ") is None and date_da("2025-09-01") == "1.9.2025"
    for bad in ("31.2.2025", "januar", "2025/13/01"):
        with pytest.raises(AppMessage, match="Ugyldig dato"):
            parse_date_da(bad)
    status = write_h.findings_status([{"kind": "deficit"}, {"kind": "resource"}, {"kind": "resource"}], 0, 1)
    assert status == ("Fund: 1 underskudsfokuseret formulering og 2 ressourcefokuserede formuleringer. "
                      "1 usikkert fund mere vises med »Flere forslag«.")
    assert "3 usikre fund mere" in write_h.findings_status([], 0, 3)


# ------------------------------------------------------------------ Læring


def test_example_bank_exercise_and_reflection_cards():
    rows = learn_h.example_bank()
    assert rows and all(r[0] and r[2] for r in rows)
    cat = rows[0][1]
    assert all(r[1] == cat for r in learn_h.example_bank(cat))
    # every entry has a category (no classifier-only "Uden kategori") and prompts
    assert all(r[1] and "klassifikator" not in r[1] and "fundet af modellen" not in r[1] and r[2].startswith("•") for r in rows)
    assert len(learn_h.bank_categories()) >= 6
    sentence = learn_h.new_exercise(seed=1)
    assert sentence in {r[0] for r in rows}
    assert "ikke ændret" in learn_h.exercise_feedback(sentence, sentence)
    original = "Emma er altid umulig ved frokosten."
    still = learn_h.exercise_feedback(original, "Emma er altid umulig ved frokosten, men hun hjalp Ali i dag.")
    assert "stadig" in still
    good = learn_h.exercise_feedback(original, "Ved frokosten i dag hjalp Emma Ali med at hente kanden.")
    assert ("Det virker" in good or "ingen underskudsfokuserede" in good) and "stadig" not in good
    # an unrelated rewrite is told so, and gets no ✅
    other = learn_h.exercise_feedback(original, "Solen skinnede på legepladsen hele formiddagen.")
    assert "handle om noget andet" in other and "✅" not in other


def test_exercise_feedback_never_lists_a_passage_both_as_deficit_and_as_working():
    import re

    original = "Ali kan ikke sidde stille til samling."
    for rewrite in ("Ali kan ikke sidde stille til samling, men han hjalp Noah med at finde en pude.",
                    "Til samling rejste Ali sig to gange og kan ikke sidde stille, selv om han ville.",
                    "Ali sad stille til samling og lyttede til historien."):
        html = learn_h.exercise_feedback(original, rewrite)
        if "stadig" in html and "Det virker" in html:
            bad, good = html.split("Det virker")
            quoted_bad = set(re.findall(r"»([^«]+)«", bad))
            quoted_good = set(re.findall(r"»([^«]+)«", good))
            assert not quoted_bad & quoted_good, rewrite
    cards = learn_h.reflection_cards()
    labels = [t["label"] for t in cards]
    assert labels == ["Inklusion og eksklusion", "Forældresamarbejde", "Tværprofessionelt samarbejde", "Etik"]
    assert all(4 <= len(t["questions"]) <= 6 and all(q.endswith("?") for q in t["questions"]) for t in cards)
    assert learn_h.reflection_card("Etik").count("<li>") == len(cards[-1]["questions"])
    assert learn_h.reflection_card("Etik", draw=True, seed=0).count("?") == 1


# ------------------------------------------------------------------ errors and launching


def test_guarded_turns_errors_into_danish_and_logs_no_text(caplog):
    def boom(text):
        raise RuntimeError(text)

    with caplog.at_level(logging.DEBUG):
        msg = guarded(boom, lambda m: m)("Zainab bor på Egevej 3")
        danish = guarded(write_h.analyse_narrative, lambda m: m)("x" * (MAX_CHARS + 5))
    assert msg.startswith("Der skete en uventet fejl.") and "fejlkoden «RuntimeError»" in msg and "Zainab" not in msg
    assert danish.startswith("Teksten er for lang")
    assert all("Zainab" not in r.getMessage() for r in caplog.records)


def test_auth_parsing_and_exposure_warning(monkeypatch):
    from narrativ_nlp.app.main import auth_from_env, exposure_warning, parse_auth

    assert parse_auth(None) is None and parse_auth("pia:hemmelig") == ("pia", "hemmelig")
    with pytest.raises(ValueError, match="bruger:adgangskode"):
        parse_auth("pia")
    for loopback in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        assert exposure_warning(loopback, None) is None
    assert exposure_warning("0.0.0.0", ("a", "b")) is None
    assert "uden adgangskode" in exposure_warning("0.0.0.0", None)
    assert "uden adgangskode" in exposure_warning("192.168.1.20", None)
    monkeypatch.delenv("NARRATIV_AUTH", raising=False)
    monkeypatch.setenv("NARRATIV_APP_AUTH", "leder:kode")
    assert auth_from_env() == "leder:kode"


def test_download_folders_are_removed_after_an_hour():
    import os
    import time

    from narrativ_nlp.app.common import WORK_MAX_AGE, work_dir

    old = work_dir("test-")
    (old / "noegle.json").write_text("{}", encoding="utf-8")
    past = time.time() - WORK_MAX_AGE - 10
    os.utime(old, (past, past))
    new = work_dir("test-")
    assert new.is_dir() and not old.exists()
    new.rmdir()


def test_app_strings_are_danish_data_with_a_name_for_every_rule():
    from narrativ_nlp.app.common import app_strings
    from narrativ_nlp.app.page import THEME, gradio_translations, page_js
    from narrativ_nlp.resources import load_yaml

    strings = app_strings()
    rule_ids = {r["id"] for r in load_yaml("framing_rules.yaml")["rules"]}
    assert rule_ids <= set(strings["rule_names"]), rule_ids - set(strings["rule_names"])
    ui = gradio_translations()
    assert ui["upload_text"]["drop_file"] == "Slip filer her" and ui["common"]["settings"] == "Indstillinger"
    assert all(isinstance(v, str) and v for group in ui.values() for v in group.values())
    assert strings["gradio_fixed"]["Copy table data"] == "Kopiér tabellens data"
    js = page_js()
    assert "changeLocale" in js and '"da"' in js and "ArrowRight" in js and "Kopiér tabellens data" in js
    # white text on the primary colour reaches 4.5:1 (Gradio's default orange #F97316 gives 2.8:1)
    assert THEME.button_primary_background_fill == "#C2410C" and _contrast("#FFFFFF", "#C2410C") >= 4.5
    assert _contrast("#FFFFFF", "#F97316") < 3


def _contrast(fg: str, bg: str) -> float:
    def lum(hex_: str) -> float:
        rgb = [int(hex_[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    a, b = sorted((lum(fg), lum(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)
