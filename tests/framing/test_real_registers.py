"""Mechanisms fixed for real registers (issue #15, session 7), one invented Danish text per case.

Segmentation of note headers and line-per-entry notes, subjects in fronted phrases, compound roles
and letters to an adult, classifier-only findings that need a child as the subject, inability
that needs a child, and lexicon gaps (perfect copula, "lidt af en", blame in subordinate order).
"""

from __future__ import annotations

import pytest

from narrativ_nlp.framing.analysis import analyse
from tests.framing._segmenting import segment_sentences, seg_nlp  # noqa: F401  (seg_nlp: a fixture)




HEADERS = [
    ("handover header with initials in brackets",
     "Overlevering til eftermiddagsholdet (KB): Sofus har sovet dårligt og er træt.",
     ["Overlevering til eftermiddagsholdet (KB):", "Sofus har sovet dårligt og er træt."]),
    ("header with an abbreviation and an age",
     "Til JM ang. Nanna (4,5 år): Vi har talt om, at hun savner sin hund.",
     ["Til JM ang. Nanna (4,5 år):", "Vi har talt om, at hun savner sin hund."]),
    ("observation header with a time",
     "Obs. fra legepladsen kl. 10.40: Malthe og Ea gravede en kanal.",
     ["Obs. fra legepladsen kl. 10.40:", "Malthe og Ea gravede en kanal."]),
    ("forum answer label",
     "Svar til tråden om søvn: Vi har haft det på samme måde med vores datter.",
     ["Svar til tråden om søvn:", "Vi har haft det på samme måde med vores datter."]),
]


@pytest.mark.parametrize("case,text,expected", HEADERS, ids=[c[0] for c in HEADERS])
def test_note_headers_before_a_colon_are_their_own_sentence(seg_nlp, case, text, expected):
    assert segment_sentences(seg_nlp, text) == expected


@pytest.mark.parametrize("text,expected", [
    # one sentence per line in a quick note, in lower case and without full stops
    ("faldt på cyklen i formiddags, lidt skrammer men ellers fin\nhun var så sej, da vi vaskede knæet\nring hvis der er noget",
     ["faldt på cyklen i formiddags, lidt skrammer men ellers fin", "hun var så sej, da vi vaskede knæet",
      "ring hvis der er noget"]),
    ("I dag var vi inde hele dagen pga regnen og malede\nViggo var helt oppe at køre over de nye pensler",
     ["I dag var vi inde hele dagen pga regnen og malede", "Viggo var helt oppe at køre over de nye pensler"]),
])
def test_a_single_line_break_ends_a_note_line(seg_nlp, text, expected):
    assert segment_sentences(seg_nlp, text) == expected


@pytest.mark.parametrize("text", [
    "Vi gik en lang tur med\nde store børn og spiste madpakker.",  # a continuation word before a lower-case line
    "Hun hentede spanden,\nskovlen og rivejernet.",  # a comma at the end of the line
])
def test_a_line_that_needs_its_continuation_stays_one_sentence(seg_nlp, text):
    assert len(segment_sentences(seg_nlp, text)) == 1


@pytest.mark.parametrize("text", [
    "Barn: Mykola K.",  # a one-word field label keeps its value
    'Mor sagde til mig: "Han har sovet godt."',  # a quote after the colon
    "Hun sagde til mig i garderoben: at det gik fint.",  # lower case after the colon
])
def test_colons_that_are_not_headers(seg_nlp, text):
    assert len(segment_sentences(seg_nlp, text)) == 1


def _subjects(nlp, text):
    a = analyse(text, nlp=nlp)
    return [(text[s:e].strip()[:20], None if span is None else text[span[0]:span[1]], reason)
            for s, e, span, reason in a.sentence_subjects]


def test_a_name_in_a_fronted_phrase_is_not_the_subject(nlp):
    text = "Anton er fire år. Sammen med én kammerat, typisk Villum, leger han længe og opfindsomt med togbanen."
    a = analyse(text, nlp=nlp)
    assert _subjects(nlp, text)[1][1:] == ("Anton", "pronoun")
    named = {f.subject_text for f in a.findings if f.start > text.index("Sammen")}
    assert named == {"Anton"}


def test_a_compound_role_before_a_name_is_an_adult(nlp):
    text = ("Lærke bider tit i vuggestuen. \"Det er helt almindeligt\", siger børnepsykolog Birthe Holm Jensen. "
            "Birthe Holm Jensen er altid rolig og aldrig sur.")
    a = analyse(text, nlp=nlp)
    assert all(f.subject_text != "Birthe Holm Jensen" for f in a.findings)
    assert not any("Birthe" in s for f in a.findings for s in f.suggestions)


def test_a_letter_to_an_adult_about_the_writers_own_child(nlp):
    text = ("Kære Janne,\n\nJeg har en dreng på fem år. Hans lærer siger, at han altid slår de andre. "
            "Hvad synes du, vi skal gøre?\n\nHilsen en bekymret mor")
    a = analyse(text, nlp=nlp)
    assert any(f.kind == "deficit" and f.category == "generalisation" for f in a.findings)
    assert all(f.subject_text != "Janne" for f in a.findings)
    assert not any("Janne" in s for f in a.findings for s in f.suggestions)


def test_a_learning_story_greeting_still_addresses_the_child(nlp):
    text = "Kære Alma\nDu var så modig i dag. Du klatrede helt op i det store træ."
    assert {name for _, name, _ in _subjects(nlp, text)} == {"Alma"}


@pytest.mark.parametrize("text", [
    "Vi har svært ved at få ro til middagsluren for tiden.",
    "Pædagogen Dorte havde svært ved at forklare forældrene, hvad der skete.",
])
def test_inability_needs_a_child_as_subject(nlp, text):
    assert not [f for f in analyse(text, nlp=nlp).findings if f.kind == "deficit" and f.category == "inability"]


@pytest.mark.parametrize("text", [
    "Han har svært ved at vente på sin tur.",
    "Vi har talt om alt det, Sigrid ikke kan endnu.",
])
def test_inability_about_a_child_still_fires(nlp, text):
    assert [f for f in analyse(text, nlp=nlp).findings if f.kind == "deficit" and f.category == "inability"]


@pytest.mark.parametrize("text", [
    # about the writer, about children in general, about nobody: no classifier-only deficit finding
    "Det er ikke sjovt at være mor til et barn, der bider.",
    "Prøv at tænke på, hvor svært det kan være som voksen at komme i seng, når man har travlt.",
    "Sådan virkelig ikke!",
])
def test_classifier_only_deficit_needs_a_child(nlp, text):
    assert not [f for f in analyse(text, nlp=nlp).findings if f.kind == "deficit" and f.source == "classifier"]


def test_classifier_only_setting_is_data():
    from narrativ_nlp.resources import load_yaml

    by_subject = load_yaml("framing_rules.yaml")["settings"]["classifier_only_subject_threshold"]
    assert set(by_subject) == {"deficit", "resource"}
    for kind in by_subject:
        assert not {"writer", "adult", "animal", "character", "none"} & set(by_subject[kind])
        assert by_subject[kind]["focal"] > by_subject[kind]["pronoun"]


@pytest.mark.parametrize("text,category", [
    ("Vores Ellie på 4 har været ret genert, siden hun startede.", "label"),
    ("Men Ea er lidt af en bestemmer, når de leger.", "label"),
    ("Han er fuldstændig hysterisk, når jeg henter ham.", "label"),
    ("Far sagde, at de ikke har nogen regler for den slags derhjemme.", "blame"),
])
def test_everyday_labels_and_blame(nlp, text, category):
    assert category in {f.category for f in analyse(text, nlp=nlp).findings if f.kind == "deficit"}


@pytest.mark.parametrize("text", [
    "Børnene har som sædvanlig nydt at lege i de store vandpytter.",
    "Hun er ikke lidt af en bestemmer, hun er bare glad for at vise vej.",
])
def test_no_deficit_on_positive_or_negated_phrasing(nlp, text):
    assert not [f for f in analyse(text, nlp=nlp).findings if f.kind == "deficit" and f.source != "classifier"]


@pytest.mark.parametrize("text,fires", [
    # the staff's own practice with children in general: not a generalisation about a child
    ("Vi tilstræber altid at møde børnene med positive forventninger.", False),
    ("Som altid lykkedes det os at nå hele vejen rundt med en flok dejlige unger.", False),
    # the writer's clause about one child still is
    ("Vi må vente på ham hver gang, vi skal ud.", True),
])
def test_writer_clauses_need_a_specific_child(nlp, text, fires):
    found = [f for f in analyse(text, nlp=nlp).findings if f.kind == "deficit" and f.category == "generalisation"]
    assert bool(found) is fires


@pytest.mark.parametrize("text", [
    "Vi har to andre børn og har ingen problemer med dem.",
    "Hun har ikke svært ved at falde i søvn om middagen.",
])
def test_negated_difficulty_is_not_inability(nlp, text):
    assert not [f for f in analyse(text, nlp=nlp).findings if f.kind == "deficit" and f.category == "inability"]


def test_a_label_others_give_the_child_names_the_child(nlp):
    text = "Noha er tre år. I har fortalt os, at hendes farfar kalder hende \"den lille tyran\"."
    found = [f for f in analyse(text, nlp=nlp).findings if f.kind == "deficit" and f.category == "label"]
    assert found and {f.subject_text for f in found} == {"Noha"}


def test_a_quoted_label_noun_after_the_copula(nlp):
    text = "Freya begyndte at bide, og hun blev hurtigt \"bidepigen\" hos alle voksne."
    assert "label" in {f.category for f in analyse(text, nlp=nlp).findings if f.kind == "deficit"}


def test_coordinated_objects_of_a_preposition_are_not_the_subject(nlp):
    text = "Hassan er fem år. I spil med én voksen og to børn venter han nu på tur i ti minutter."
    assert _subjects(nlp, text)[1][1:] == ("Hassan", "pronoun")
