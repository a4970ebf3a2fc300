"""The app's handlers, called directly: plain values in, plain values out."""

from __future__ import annotations

import csv
import json
import logging
import sqlite3
import zipfile
from pathlib import Path

import pytest

from app import files as files_h
from app import learning as learn_h
from app import overview as over_h
from app import write as write_h
from app.common import MAX_CHARS, AppMessage, check_length, esc, guarded
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
        write_h.detect_for_review("Emma leger. " * 5000)


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


def test_replace_span_only_that_span_and_only_when_unchanged(view):
    f = next(f for f in view["findings"] if f["kind"] == "deficit")
    new, action = write_h.replace_span(NARRATIVE, f, f["suggestions"][0])
    assert action == "accepted" and new == NARRATIVE[: f["start"]] + f["suggestions"][0] + NARRATIVE[f["end"]:]
    new, action = write_h.replace_span(NARRATIVE, f, "i går")
    assert action == "edited" and "i går" in new
    with pytest.raises(AppMessage, match="ændret siden analysen"):
        write_h.replace_span("X" + NARRATIVE, f, "i går")
    with pytest.raises(AppMessage):
        write_h.replace_span(NARRATIVE, f, "   ")


def test_feedback_counts_are_text_free(tmp_path, view):
    db = tmp_path / "n.sqlite3"
    f = view["findings"][0]
    write_h.record_feedback(str(db), f["rule_id"], "accepted")
    write_h.record_feedback(str(db), None, "ignored")
    fb = NarrativeStore(db).feedback()
    assert fb[f["rule_id"] or "classifier"]["accepted"] >= 1 and fb["classifier"]["ignored"] >= 1
    rows = learn_h.feedback_table(str(db))
    assert rows and all(len(r) == len(learn_h.FEEDBACK_HEADERS) for r in rows)


def test_review_preselects_spans_and_adds_every_occurrence_of_a_missed_one():
    rows = write_h.detect_for_review(NARRATIVE)
    names = {r["text"] for r in rows if r["selected"]}
    assert {"Emma", "Jonas"} <= names
    rows = [dict(r, selected=False) if r["text"] == "Jonas" else r for r in rows]  # the user unticks Jonas
    rows, added = write_h.add_identifier(NARRATIVE, rows, "frokosten", "INSTITUTION")
    assert added == 1
    choices, selected = write_h.review_choices(rows)
    by_id = {r["id"]: r for r in rows}
    assert all(by_id[i]["text"] != "Jonas" for i in selected)
    assert any("frokosten" in label for label, _ in choices)
    text = "Ali og Ali leger. Alina ser på."
    rows2, added2 = write_h.add_identifier(text, [], "Ali", "PERSON")
    assert added2 == 2 and all(r["text"] == "Ali" for r in rows2)  # whole words only: not "Alina"
    with pytest.raises(AppMessage, match="findes ikke"):
        write_h.add_identifier(text, [], "Bo", "PERSON")


def test_suggestions_are_offered_unticked():
    rows = [write_h._row("Ib og Bo", 0, 2, "PERSON", "ner", 0.9, True), write_h._row("Ib og Bo", 6, 8, "PERSON", "ner", 0.3, False)]
    choices, selected = write_h.review_choices(rows)
    assert selected == ["0-2-PERSON"] and "forslag" in choices[1][0]


def test_overlapping_selections_keep_the_users_span():
    text = "Emma Hansen kom."
    rows = [write_h._row(text, 0, 4, "PERSON", "ner", 0.9, True), write_h._row(text, 0, 11, "PERSON", "user", 1.0, True)]
    spans = write_h.selected_spans(rows, [r["id"] for r in rows])
    assert [(s.start, s.end) for s in spans] == [(0, 11)]


def test_preview_and_save_store_only_the_pseudonymised_text(tmp_path):
    db = str(tmp_path / "n.sqlite3")
    rows = write_h.detect_for_review(NARRATIVE)
    selected = [r["id"] for r in rows if r["selected"]]
    with pytest.raises(AppMessage, match="forhåndsvisning"):
        write_h.save(db, NARRATIVE, None, "Myretuen", "2026-03-04")  # nothing saved without the review step
    with pytest.raises(AppMessage, match="ændret efter gennemgangen"):
        write_h.preview("Hej. " + NARRATIVE, rows, selected, "placeholder")  # offsets of an older text
    prev = write_h.preview(NARRATIVE, rows, selected, "placeholder")
    assert "Emma" not in prev["text"] and "[Person 1]" in prev["text"]
    with pytest.raises(AppMessage, match="ændret"):
        write_h.save(db, NARRATIVE + " Mere.", prev, "Myretuen", "2026-03-04")
    with pytest.raises(NarrativError, match="Ugyldig dato"):
        write_h.save(db, NARRATIVE, prev, "Myretuen", "4. marts")
    nid, msg = write_h.save(db, NARRATIVE, prev, "Myretuen", "2026-03-04")
    assert nid and "Gemt" in msg
    (stored,) = NarrativeStore(db).narratives()
    assert stored.text == prev["text"] and stored.anonymised and stored.group == "Myretuen"
    assert stored.themes and stored.profile and "checklist" in stored.profile
    assert write_h.save(db, NARRATIVE, prev, "Myretuen", "2026-03-04")[0] is None  # duplicate
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
    assert by_name["a.txt"][1] == "OK" and by_name["a.txt"][-1] >= 3
    assert by_name["b.csv"][1] == "OK" and by_name["b.csv"][-1] >= 1
    assert "Filtypen .pdf" in by_name["c.pdf"][1] and str(tmp_path) not in by_name["c.pdf"][1]
    assert r["mapping"] is None
    with zipfile.ZipFile(r["zip"]) as zf:
        assert sorted(zf.namelist()) == ["a.txt", "b.csv"]
        assert "Emma" not in zf.read("a.txt").decode("utf-8")
    assert not (tmp_path / "w1" / "ind").exists()  # the copies of the inputs are gone
    assert "Emma" not in files_h.read_output(r["outputs"]["a.txt"])
    r2 = files_h.anonymise_uploads([str(a)], want_mapping=True, workdir=str(tmp_path / "w2"))
    mapping = json.loads(Path(r2["mapping"]).read_text(encoding="utf-8"))
    assert "a.txt" in mapping and "følsom" in r2["status"]
    with zipfile.ZipFile(r2["zip"]) as zf:
        assert zf.namelist() == ["a.txt"]  # the key is never in the zip
    with pytest.raises(AppMessage):
        files_h.anonymise_uploads([])


# ------------------------------------------------------------------ Overblik


def test_overview_tables_chart_clusters_and_text_free_csv(tmp_path):
    db = tmp_path / "n.sqlite3"
    store = NarrativeStore(db)
    texts = ["[Person 1] byggede en hule med [Person 2] i sandkassen, og de grinede.",
             "[Person 1] græd ved afleveringen, og vi trøstede hende sammen med mor.",
             "[Person 1] klatrede helt op i klatrestativet og var stolt.",
             "[Person 1] og [Person 2] skændtes om en bil, men fandt selv en løsning.",
             "[Person 1] sang en sang om en bil på dansk og arabisk til samling."]
    for i, t in enumerate(texts):
        profile = {"resource_share": 50.0 + 10 * i}
        store.add(t, "Myretuen" if i < 4 else "Bien", f"2026-0{1 + i % 3}-10", themes=[{"theme": "play", "label": "Leg"}],
                  profile=profile)
    store.close()
    r = over_h.overview(str(db), "Myretuen", "2026-01-01", "2026-12-31")
    assert r["n"] == 4 and "Leg" in set(r["themes"]["Tema"])
    assert list(r["by_month"]["Måned"]) == ["2026-01", "2026-02", "2026-03"]
    assert r["figure"] is not None and "Gruppe 1" in r["clusters_html"]
    content = Path(r["csv"]).read_text(encoding="utf-8-sig")
    assert "sandkassen" not in content and "Myretuen" in content
    assert over_h.overview(str(db), over_h.ALL_GROUPS)["n"] == 5
    empty = over_h.overview(str(db), "Ingen")
    assert empty["n"] == 0 and "Ingen gemte" in empty["status"]
    with pytest.raises(NarrativError, match="Ugyldig dato"):
        over_h.overview(str(db), None, "januar")


# ------------------------------------------------------------------ Læring


def test_example_bank_exercise_and_reflection_cards():
    rows = learn_h.example_bank()
    assert rows and all(r[0] and r[2] for r in rows)
    cat = rows[0][1]
    assert all(r[1] == cat for r in learn_h.example_bank(cat))
    sentence = learn_h.new_exercise(seed=1)
    assert "ikke ændret" in learn_h.exercise_feedback(sentence, sentence)
    still = learn_h.exercise_feedback(sentence, "Emma er altid umulig.")
    assert "stadig" in still
    good = learn_h.exercise_feedback(sentence, "I dag hjalp Emma Ali med at bygge et tårn sammen med de andre.")
    assert "Det virker" in good or "ingen underskudsfokuserede" in good
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
    assert "uventet fejl (RuntimeError)" in msg and "Zainab" not in msg
    assert danish.startswith("Teksten er for lang")
    assert all("Zainab" not in r.getMessage() for r in caplog.records)


def test_auth_parsing_and_exposure_warning():
    from app.main import exposure_warning, parse_auth

    assert parse_auth(None) is None and parse_auth("pia:hemmelig") == ("pia", "hemmelig")
    with pytest.raises(ValueError, match="bruger:adgangskode"):
        parse_auth("pia")
    assert exposure_warning("127.0.0.1", None) is None
    assert exposure_warning("0.0.0.0", ("a", "b")) is None
    assert "uden adgangskode" in exposure_warning("0.0.0.0", None)


def test_download_folders_are_removed_after_an_hour():
    import os
    import time

    from app.common import WORK_MAX_AGE, work_dir

    old = work_dir("test-")
    (old / "noegle.json").write_text("{}", encoding="utf-8")
    past = time.time() - WORK_MAX_AGE - 10
    os.utime(old, (past, past))
    new = work_dir("test-")
    assert new.is_dir() and not old.exists()
    new.rmdir()
