"""InstitutionRecognizer: "Børnehuset Mælkebøtten", "Vestre Skole", "Solsikkeskolen"."""

from __future__ import annotations

import pytest

from narrativ_nlp.identifiers.recognizers import InstitutionRecognizer


@pytest.fixture(scope="module")
def recognizer(recognizer_context):
    return InstitutionRecognizer(recognizer_context)


def analyze(recognizer, nlp, text):
    return sorted(recognizer.analyze(nlp.make_doc(text)), key=lambda s: s.start)


def institutions(text):
    from narrativ_nlp.anonymise import detect

    return [text[s.start : s.end] for s in detect(text).spans if s.label == "INSTITUTION"]


@pytest.mark.parametrize(
    "text, name",
    [
        ("Han går i Børnehuset Mælkebøtten om dagen.", "Børnehuset Mælkebøtten"),
        ("Han går på Vestre Skole i 2. klasse.", "Vestre Skole"),
        ("Hun går på Solsikkeskolen i Vejle.", "Solsikkeskolen"),
        ("Vuggestuen Ahornen holdt lukket.", "Vuggestuen Ahornen"),
        ("I Vuggestuen Ahornen sov alle.", "Vuggestuen Ahornen"),
        ("Hun går i Børnehaven Solstrålen.", "Børnehaven Solstrålen"),
        ("Hun går i 2. klasse på Østre Skole.", "Østre Skole"),
        ("I Vestre Skole er der 300 elever.", "Vestre Skole"),
        ("Emma kommer fra Dagplejen Nord.", "Dagplejen Nord"),
    ],
)
def test_institution_found(recognizer, nlp, text, name):
    start = text.index(name)
    assert (start, start + len(name)) in {(s.start, s.end) for s in analyze(recognizer, nlp, text)}
    assert institutions(text) == [name]


@pytest.mark.parametrize(
    "text",
    [
        "Vi var ude i vuggestuen hele dagen.",
        "I vuggestuen sov alle.",
        "Emma går i skole nu.",
        "Hun går i børnehave om formiddagen.",
        "Efter frokost gik vi tilbage til børnehaven.",
    ],
)
def test_lowercase_common_noun_not_found(recognizer, nlp, text):
    assert analyze(recognizer, nlp, text) == []
    assert institutions(text) == []


def test_bare_name_after_full_name_is_propagated():
    text = "Vi gik forbi Mælkebøtten, og Børnehuset Mælkebøtten var lukket."
    assert institutions(text) == ["Mælkebøtten", "Børnehuset Mælkebøtten"]


@pytest.mark.parametrize("text", ["Efter skole gik vi hjem.", "Denne skole er stor."])
def test_sentence_initial_word_before_skole(text):
    assert institutions(text) == []


def test_generic_compound_at_sentence_start():
    assert institutions("Folkeskolen starter i august.") == []
