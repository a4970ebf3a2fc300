"""Staff and parents' initials in capitals ("MK og jeg ...") are names; abbreviations and shouting are not."""

from __future__ import annotations

import pytest

from narrativ_nlp.anonymise import detect
from narrativ_nlp.resources import load_yaml


def persons(text):
    return [text[s.start : s.end] for s in detect(text).spans if s.label == "PERSON"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I dag var MK og jeg på tur i skoven med seks børn.", ["MK"]),
        ("Efter frokost læste LH højt for de mindste.", ["LH"]),
        ("Pædagog AB hjalp Sara med at finde sin hue.", ["AB", "Sara"]),
        ("Notatet er skrevet af JBN.", ["JBN"]),
        ("SØ og ÅP satte sig ved bordet sammen med børnene.", ["SØ", "ÅP"]),
        ("Noah sad på skødet hos TK (vikar) hele samlingen.", ["Noah", "TK"]),
        ("MK's gruppe gik til biblioteket.", ["MK's"]),
    ],
)
def test_initials_are_names(text, expected):
    assert persons(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "PPR kommer på besøg på torsdag.",
        "Hun har et CI på venstre øre og hører godt i små grupper.",
        "Vi arbejder med LP-modellen i personalegruppen.",
        "Han råbte NEJ og STOP NU, da tårnet væltede.",
        "TUR I SKOVEN",
        "Det er OK, sagde han og gik videre.",
    ],
)
def test_abbreviations_and_shouting_are_not_names(text):
    assert persons(text) == []


def test_initials_are_found_again_only_as_written():
    # "SØ" is someone's initials; "sø" and "søen" are the lake
    text = "SØ og jeg gik ned til søen. Vi så en sø, og SØ smilede."
    spans = [(s.start, text[s.start : s.end]) for s in detect(text).spans]
    assert spans == [(0, "SØ"), (text.rindex("SØ"), "SØ")]


def test_not_initials_are_upper_case_strings():
    # YAML reads a bare YES or NO as a boolean: every entry must stay a string
    words = load_yaml("identifiers.yaml")["not_initials"]
    assert words and all(isinstance(w, str) and w == w.upper() for w in words)


@pytest.mark.parametrize(
    "text, expected",
    [
        # a handover line in a daily note: the neighbour "ML" (also millilitre) made "KB" look like shouting
        ("Overdragelse fre. 13.15, KB → ML\nEsther sov fra 11 til 12.30.", ["KB", "ML", "Esther"]),
        ("Besked til PS: Valdemar har ikke spist sin frugt.", ["PS", "Valdemar"]),
        ("Konflikten blev løst med PA, og Jonas sagde selv undskyld.", ["PA", "Jonas"]),
        ("Til lukkevagten (PS): mor henter Ida i dag.", ["PS", "Ida"]),
    ],
)
def test_abbreviations_that_are_also_initials_next_to_a_person_context(text, expected):
    assert persons(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "PS: Husk skiftetøj til turen på torsdag.",
        "Hun fik 5 ML hostesaft efter middagsluren.",
        "Vi ringede til PPR om udredningen.",
    ],
)
def test_abbreviations_that_are_also_initials_stay_words_elsewhere(text):
    assert persons(text) == []


def test_also_initials_are_abbreviations_too():
    settings = load_yaml("identifiers.yaml")
    assert set(settings["also_initials"]) <= set(settings["not_initials"])
