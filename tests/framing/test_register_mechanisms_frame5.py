"""Mechanisms fixed for real registers (issue #15, frame5), invented Danish texts run through the
whole pipeline (rules, subject, classifier and thresholds), one group per mechanism.

Sentence guards (framing_rules.yaml ``sentence_guards``): advice to the reader, statements about
children in general and questions carry no resource finding (and advice and questions no deficit
finding), from a rule or from the classifier; the same phrasing about a concrete child still does.
A habit told in the present tense ("bider de andre", "slår tit") is a generalisation.
"""

from __future__ import annotations

import pytest

from narrativ_nlp.framing.analysis import analyse
from narrativ_nlp.framing.rules import GUARDED_KEY, load_guards
from narrativ_nlp.pipeline import ner_only_pipes

GUARDS = load_guards()


def _kinds(nlp, text: str) -> set[str]:
    return {f.kind for f in analyse(text, nlp=nlp).findings}


def _guarded(nlp, text: str) -> list:
    doc = nlp(text, disable=ner_only_pipes(nlp), component_cfg={"narrativ_identifiers": {"names_only": True}})
    return doc.user_data.get(GUARDED_KEY) or []


@pytest.mark.parametrize("guard, text, expected", [
    (g.name, t, want) for g in GUARDS for key, want in (("guarded", True), ("not_guarded", False))
    for t in g.examples.get(key, [])
])
def test_guard_examples(nlp, guard, text, expected):
    hits = _guarded(nlp, text)
    assert bool(hits) is expected, f"{guard}: {text!r} -> {hits}"


def test_every_guard_has_examples_both_ways():
    assert {g.name for g in GUARDS} >= {"advice", "generic_subject", "questions"}
    for g in GUARDS:
        assert g.examples.get("guarded") and g.examples.get("not_guarded"), g.name


@pytest.mark.parametrize("text", [
    # a letter to an advice column answered with advice: the answer is not the child's doing
    "Vores datter Alma på fire vil ikke spise grøntsager. Hvad gør vi?\n\n"
    "Giv hende små opgaver i køkkenet, hun kan lykkes med, og ros hende for det, hun faktisk gør. "
    "Læs bøger om mad sammen, og lad hende selv vælge en grøntsag i butikken.",
    # an institution's page about its practice: children in general
    "Børn har brug for at lege sammen med andre børn hver dag. "
    "Man kan hjælpe ved at sætte ord på det, børnene gør. "
    "Mange børn bliver glade og stolte, når de selv får lov at prøve.",
])
def test_advice_and_generic_statements_get_no_resource_finding(nlp, text):
    assert "resource" not in _kinds(nlp, text)


@pytest.mark.parametrize("text", [
    "Alma hjalp med at skylle gulerødder og var stolt, da hun selv havde skåret dem ud.",
    "Børnene byggede en bro af kasser og gik over den sammen.",
    "Flere børn ville lære ordet, og de gik rundt og sagde det hele formiddagen.",
    # a generic opening, but the sentence names a child or says what the writer saw
    "Mange børn i vuggestuen var med, og Ali hjalp de mindste med skoene.",
    "Man kan se, at Ali er glad for at hjælpe de mindste.",
])
def test_the_same_wording_about_concrete_children_stays_resource(nlp, text):
    assert "resource" in _kinds(nlp, text)


@pytest.mark.parametrize("text", [
    "Er min datter for genert?",
    "Er det ikke helt normalt for en treårig at bide?",
])
def test_a_parents_question_is_no_deficit(nlp, text):
    assert "deficit" not in _kinds(nlp, text)


def test_a_run_on_line_ending_in_a_question_is_still_read():
    # segmentation cannot split it: the question mark at the end does not guard the whole line
    from narrativ_nlp.pipeline import load_pipeline

    nlp = load_pipeline()
    text = ("Ida er bare så genert hun gemmer sig bag mig hver eneste gang vi møder nogen hun ikke kender "
            "og til fødselsdage sidder hun på mit skød hele tiden nogen gode råd?")
    assert "deficit" in _kinds(nlp, text)


@pytest.mark.parametrize("text", [
    "Min datter bider de andre børn\nHun er to år og går i vuggestue.",
    "Han slår sin lillesøster, når vi ikke kigger.",
    "Oliver skubber tit de mindre, når de står i kø ved rutsjebanen.",
    "Vores datter Bella bestemmer over de andre på stuen.",
])
def test_a_habit_in_the_present_tense_is_a_generalisation(nlp, text):
    found = [f for f in analyse(text, nlp=nlp).findings if f.kind == "deficit" and f.category == "generalisation"]
    assert found, text


@pytest.mark.parametrize("text", [
    "Oliver slog Emma, da hun tog spaden fra ham.",
    "Hun slår på trommen, og de andre danser rundt om hende.",
    "Han slår ikke de andre længere, nu siger han stop med ord.",
])
def test_an_episode_or_a_negated_habit_is_no_generalisation(nlp, text):
    found = [f for f in analyse(text, nlp=nlp).findings if f.kind == "deficit" and f.category == "generalisation"]
    assert not found, [f.text for f in found]


def test_guard_loader_rejects_unknown_categories():
    with pytest.raises(ValueError):
        load_guards({"sentence_guards": {"x": {"categories": ["nonsense"], "patterns": ["man kan"]}}})
    with pytest.raises(ValueError):
        load_guards({"sentence_guards": {"x": {"categories": ["label"]}}})


def test_the_pipeline_and_analyse_give_the_same_findings_in_guarded_sentences(nlp):
    """A guarded sentence carries no finding of the blocked kinds in ``doc._.framing`` and
    ``doc.spans["framing"]`` either, not only in ``analyse()``'s answer."""
    texts = [t for g in GUARDS for t in g.examples.get("guarded", [])]
    for text in texts:
        doc = nlp(text, disable=ner_only_pipes(nlp), component_cfg={"narrativ_identifiers": {"names_only": True}})
        ranges = doc.user_data.get(GUARDED_KEY) or []
        got = doc._.framing.findings
        a = analyse(text, nlp=nlp)
        assert {(f.start, f.kind, f.category) for f in got} == {
            (f.start, f.kind, f.category) for f in a.findings + a.hidden_findings}, text
        for f in got:
            for s, e, cats, kinds in ranges:
                if s <= f.start < e:
                    assert (f.category not in cats) if f.category else (f.kind not in kinds), (text, f.kind)
        assert len(doc.spans["framing"]) == len(got)
