"""The workflow layer: one path for every narrative.

The app's save (``save_reviewed``) and ``narrativ import`` store the same narrative identically
(text, themes, curriculum, profile, lemmas); the review groups a person's occurrences into one row
with one pseudonym; a save that keeps identifiers must say so."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.store import NarrativeStore
from narrativ_nlp.workflows import (
    AddTerm,
    ImportRequest,
    SaveRequest,
    detect_for_review,
    import_files,
    pseudonymise,
    save_reviewed,
)

NARRATIVES = [
    "Tirsdag formiddag i puderummet. Oliver Hansen (5 år) byggede en hule sammen med Emma. "
    "Oliver spurgte, om Emma ville være med, og hun nikkede. Olivers mor kom tidligt, men han ville blive.",
    "Under frokosten sad Aisha ved siden af Noah. Hun hjalp ham med at hælde mælk op og grinede, "
    "da han spildte. Bagefter ryddede de op sammen uden at en voksen bad dem om det.",
]


def _records(db):
    with closing(NarrativeStore(db)) as store:
        return [(n.text, n.themes, n.profile, getattr(n, "lemmas", None), getattr(n, "curriculum", None))
                for n in store.narratives()]


@pytest.mark.parametrize("text", NARRATIVES)
def test_app_save_and_import_store_identical_records(tmp_path, text):
    db_app, db_import = tmp_path / "app.sqlite3", tmp_path / "import.sqlite3"
    review = detect_for_review(text)
    spans = review.spans_for()
    result = save_reviewed(SaveRequest(text, spans, detected=spans, group="Stue Myretuen", date="2026-03-04"), db_app)
    assert result.id is not None and not result.kept
    src = tmp_path / "n.txt"
    src.write_text(text, encoding="utf-8")
    report = import_files(ImportRequest([src], group="Stue Myretuen"), db_import)
    assert report.stored == 1
    app, imported = _records(db_app), _records(db_import)
    assert app == imported
    stored_text, themes, profile, lemmas, _ = app[0]
    assert "Oliver" not in stored_text and "Aisha" not in stored_text
    assert themes and profile is not None
    assert lemmas is None or "person" not in lemmas.split()  # placeholders carry no words


def test_review_one_row_per_person_with_all_forms():
    text = NARRATIVES[0]
    review = detect_for_review(text)
    oliver = [p for p in review.persons if "Oliver Hansen" in p.forms]
    assert len(oliver) == 1, [p.forms for p in review.persons]
    assert set(oliver[0].forms) == {"Oliver Hansen", "Oliver", "Olivers"}
    assert oliver[0].n == 3
    result = pseudonymise(text, review.spans_for())
    assert result.text.count("[Person 1]") == 3  # one person, one pseudonym (the possessive keeps its -s)
    assert "[Person 1]s mor" in result.text


def test_possessive_never_swallows_the_next_noun():
    text = "Olivers CPR-nummer er 120318-1234, og Oliver kommer i morgen."
    review = detect_for_review(text)
    forms = {f for p in review.persons for f in p.forms}
    assert "Olivers" in forms and not any("CPR-nummer" in f for f in forms)
    assert pseudonymise(text, review.spans_for()).text == "[Person 1]s CPR-nummer er [CPR], og [Person 1] kommer i morgen."


def test_keep_and_add_in_review():
    text = "Vi gik en tur til Vesterby med Trofast og Ida. Ida fandt en snegl."
    review = detect_for_review(text, keep=["Trofast"], add=[AddTerm("Vesterby", "PLACE")])
    labels = {p.display: p.label for p in review.persons}
    assert labels.get("Vesterby") == "PLACE" and "Trofast" not in labels and labels.get("Ida") == "PERSON"
    out = pseudonymise(text, review.spans_for()).text
    assert out == "Vi gik en tur til [Sted 1] med Trofast og [Person 1]. [Person 1] fandt en snegl."


def test_save_with_unticked_names_needs_confirmation_and_says_so(tmp_path):
    text = NARRATIVES[1]
    review = detect_for_review(text)
    detected = review.spans_for()
    nothing: list = []
    with pytest.raises(NarrativError) as exc:
        save_reviewed(SaveRequest(text, nothing, detected=detected, group="Stue A"), tmp_path / "a.sqlite3")
    assert exc.value.code == "E072" and "Aisha" not in str(exc.value)
    assert not (tmp_path / "a.sqlite3").exists() or NarrativeStore(tmp_path / "a.sqlite3").count() == 0
    result = save_reviewed(SaveRequest(text, nothing, detected=detected, group="Stue A", confirm_kept=True),
                           tmp_path / "a.sqlite3")
    assert result.kept == {"PERSON": len(detected)}
    assert "beholde" in result.message()
    with closing(sqlite3.connect(tmp_path / "a.sqlite3")) as conn:
        assert conn.execute("SELECT anonymised FROM narratives").fetchone()[0] == 0


def test_group_named_after_a_child_is_pseudonymised_rooms_are_not(tmp_path):
    src = tmp_path / "n.jsonl"
    import json

    rows = [{"text": "Frederikke byggede et tårn af klodser.", "group": "Frederikke"},
            {"text": "Noah sang en sang ved samlingen.", "group": "Stue Myretuen"},
            {"text": "Ali klatrede i træet.", "group": "Grøn gruppe", "author": "Lise 12"}]
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    import_files(ImportRequest([src]), tmp_path / "g.sqlite3")
    with closing(NarrativeStore(tmp_path / "g.sqlite3")) as store:
        groups = set(store.groups())
        authors = {n.author for n in store.narratives()}
    assert "Frederikke" not in groups and "Stue Myretuen" in groups and "Grøn gruppe" in groups
    assert not any(a and "Lise" in a for a in authors)


def test_same_text_other_group_or_date_is_not_a_duplicate(tmp_path):
    import json

    src = tmp_path / "n.jsonl"
    rows = [{"text": "Bo sov til middag.", "group": g, "date": d}
            for g, d in [("Stue A", "2026-01-01"), ("Stue B", "2026-01-01"), ("Stue A", "2026-01-02"),
                         ("Stue A", "2026-01-01")]]
    src.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    report = import_files(ImportRequest([src]), tmp_path / "d.sqlite3")
    assert (report.stored, report.duplicates) == (3, 1)


DEFICIT_NARRATIVE = (
    "Mandag ved samling.\n\n"
    "Noah kan ikke vente på sin tur. Emil har svært ved at sidde stille, og han er en meget urolig dreng.\n"
    "Bagefter hjalp Noah med at dække bord."
)


def test_stored_profile_is_measured_on_the_writers_text_not_the_placeholders(tmp_path):
    """The framing rules read who a sentence is about from the names; the profile stored after
    pseudonymisation must count the same deficit sentences as an analysis of the text as written
    (a profile of "[Person 1] kan ikke vente …" inflated the leader's resource share)."""
    from narrativ_nlp.framing.analysis import analyse

    written = analyse(DEFICIT_NARRATIVE).profile
    assert written.n_deficit_sentences >= 2
    db_app, db_import = tmp_path / "app.sqlite3", tmp_path / "import.sqlite3"
    review = detect_for_review(DEFICIT_NARRATIVE)
    spans = review.spans_for()
    save_reviewed(SaveRequest(DEFICIT_NARRATIVE, spans, detected=spans, group="Stue Myretuen", date="2026-03-04"), db_app)
    src = tmp_path / "n.txt"
    src.write_text(DEFICIT_NARRATIVE, encoding="utf-8")
    import_files(ImportRequest([src], group="Stue Myretuen"), db_import)
    app, imported = _records(db_app), _records(db_import)
    assert app == imported
    stored_text, _themes, profile, _lemmas, _ = app[0]
    assert "Noah" not in stored_text and "Emil" not in stored_text
    assert profile["n_deficit_sentences"] == written.n_deficit_sentences
    assert profile["resource_share"] == written.resource_share
    with sqlite3.connect(db_app) as con:  # the original text is nowhere in the file
        dump = "\n".join(con.iterdump())
    assert "Noah" not in dump and "Emil" not in dump
