"""Læring names the child a sentence is about, or says "barnet" (issue #15: a suggestion naming the wrong person
destroys trust), and the checklist item "Hvem der ellers var med" needs someone other than the focal child."""

from __future__ import annotations

import re

import pytest

from narrativ_nlp.app import learning


@pytest.fixture(scope="module")
def analyse(warm):
    from narrativ_nlp.workflows import analyse_text

    return analyse_text


def _deficit(analyse, text: str, rule_prefix: str):
    return next(f for f in analyse(text).findings if f.kind == "deficit" and (f.rule_id or "").startswith(rule_prefix))


def test_a_name_that_is_not_the_sentences_subject_becomes_barnet(analyse):
    # the subject is "han"; Johanne is another child (object of "med"), Susanne an adult speaking
    f = _deficit(analyse, "Efter episoden ved klatrestativet med Johanne er det ikke til at komme udenom, at han er en "
                          "bølle.", "label")
    shown = learning.child_suggestions(f)
    assert shown and not any("Johanne" in s for s in shown)
    assert any("barnet" in s for s in shown)
    f = _deficit(analyse, "Han hører aldrig efter, når Susanne siger, at det er tid til at rydde op.", "generalisation")
    shown = learning.child_suggestions(f)
    assert not any("Susanne" in s for s in shown)
    assert "Er det altid sådan? Hvornår var det anderledes for barnet?" in shown


def test_the_named_subject_and_a_pronoun_referring_back_to_it_keep_the_name(analyse):
    f = _deficit(analyse, "Ida er doven.", "label")
    assert learning.names_subject(f) and any("Ida" in s for s in learning.child_suggestions(f))
    f = _deficit(analyse, "Emma kom ind ad døren, og hun kan ikke sidde stille ved bordet.", "inability")
    assert learning.names_subject(f) and any("Emma" in s for s in learning.child_suggestions(f))


def test_unname_keeps_quotes_and_capitalises_a_sentence_start():
    out = learning._unname('"Johanne siger nej" er en etiket. Johannes mor ved det. Hvad ville Johanne?', "Johanne")
    assert out == '"Johanne siger nej" er en etiket. Barnets mor ved det. Hvad ville barnet?'


def test_the_example_bank_shows_what_laering_would_say_today(analyse):
    """Every bank entry's prompts are those of its rule on its sentence, with the subject rule applied: no entry
    names a child the sentence is not about (the bank once said "Johanne" and "Susanne")."""
    entries = learning.bank_entries()
    assert len(entries) >= 40
    for e in entries:
        f = next(f for f in analyse(e["sentence"]).findings if f.rule_id == e["rule_id"])
        assert list(learning.child_suggestions(f)) == e["suggestions"], e["id"]
        if not learning.names_subject(f) and f.subject_text:
            assert not any(re.search(rf"\b{re.escape(f.subject_text)}\b", s.split('"')[-1]) for s in e["suggestions"])


def test_exercise_feedback_does_not_name_an_adult(analyse):
    html = learning.exercise_feedback("Han hører aldrig efter, når Susanne siger, at det er tid til at rydde op.",
                                      "Han hører aldrig efter, når Susanne siger, at vi skal rydde op.")
    assert "Prøv:" in html and "Susanne" not in html.split("Prøv:")[1]


@pytest.mark.parametrize("text, present, evidence", [
    ("Emma Hansen kom ind ad døren om morgenen. Emma byggede et tårn af klodser og lo.", False, None),
    ("Emma kom ind ad døren. Emmas tårn væltede, og Emma byggede det op igen.", False, None),
    ("Emma kom ind ad døren. Emma byggede et tårn med Jonas.", True, "Jonas"),
])
def test_others_present_needs_someone_other_than_the_focal_child(analyse, text, present, evidence):
    (item,) = [c for c in analyse(text).profile.checklist if c.id == "others_present"]
    assert item.label == "Hvem der ellers var med"
    assert (item.present, item.evidence_text) == (present, evidence)
