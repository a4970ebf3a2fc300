"""PhoneRecognizer: Danish 8-digit numbers in common groupings, optionally +45 / 0045."""

from __future__ import annotations

import pytest

from narrativ_nlp.identifiers.recognizers import PhoneRecognizer


@pytest.fixture(scope="module")
def recognizer(recognizer_context):
    return PhoneRecognizer(recognizer_context)


def analyze(recognizer, nlp, text):
    return sorted(recognizer.analyze(nlp.make_doc(text)), key=lambda s: s.start)


PREFIX = "Ring til mor på "


@pytest.mark.parametrize(
    "number",
    [
        "20 45 67 89",
        "20456789",
        "2045 6789",
        "+45 20 45 67 89",
        "0045 20456789",
        "+4520456789",
        "+45 20456789",
        "0045 2045 6789",
        "20-45-67-89",
        "20.45.67.89",
        "204 56 789",
        "99 88 77 66",
    ],
)
def test_phone_found_whole(recognizer, nlp, number):
    text = f"{PREFIX}{number} i morgen."
    results = analyze(recognizer, nlp, text)
    # several patterns may match the same digits; the engine merges identical spans
    assert {(s.label, s.start, s.end) for s in results} == {("PHONE", len(PREFIX), len(PREFIX) + len(number))}


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("20456789", 0, 8),
        ("Tlf.: 20 45 67 89", 6, 17),
        ("Mors mobil (20456789) virker ikke.", 12, 20),
        ("Hun sms'ede fra 2045 6789, da hun kom.", 16, 25),
        ("Ring 20456789.", 5, 13),
    ],
)
def test_phone_offsets_at_punctuation(recognizer, nlp, text, start, end):
    results = analyze(recognizer, nlp, text)
    assert {(s.start, s.end) for s in results} == {(start, end)}


@pytest.mark.parametrize(
    "text",
    [
        "I 2026 starter Emma i skole.",  # a year
        "Vi flyttede i 2026.",
        "Familien bor i 4700 Næstved.",  # a postcode
        "Postnummeret er 4700.",
        "Kl. 14.30 kom mor.",  # a time
        "Der var 25 børn og 3 voksne.",
        "Den 12.03.2026 var der forældremøde.",  # a date
        "Koden er 11223344.",  # Danish numbers do not begin with 0 or 1
        "Koden er 01234567.",
        "Han talte til 1234567.",  # seven digits
        "Sagsnummer 2045678901234 er oprettet.",  # 13 digits
    ],
)
def test_not_a_phone(recognizer, nlp, text):
    assert analyze(recognizer, nlp, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Barnets CPR er 230518-1234.",
        "Barnets CPR er 230518 1234.",
        "Barnets CPR er 2305181234.",
        "Barnets CPR er 120318-1234.",
    ],
)
def test_cpr_not_taken_as_phone(recognizer, nlp, text):
    assert analyze(recognizer, nlp, text) == []


def test_context_word_raises_score(recognizer, nlp):
    with_context = analyze(recognizer, nlp, "Mors tlf. er 20456789.")
    without = analyze(recognizer, nlp, "Koden er 20456789.")
    assert len(with_context) == len(without) == 1
    assert with_context[0].score > without[0].score


def test_context_boost_applies_only_to_the_match_it_precedes(recognizer, nlp):
    # the second number stands more than CONTEXT_WINDOW characters after "Tlf."
    text = "Tlf. 20456789. Koden til det store skab i garderoben ved døren er 31223344."
    alone = analyze(recognizer, nlp, "Koden til det store skab i garderoben ved døren er 31223344.")[0].score
    scores = {text[s.start : s.end]: s.score for s in analyze(recognizer, nlp, text)}
    assert scores["31223344"] == alone


def test_two_numbers_in_one_sentence(recognizer, nlp):
    text = "Mor har 20456789 og far har +45 31 22 33 44."
    got = [text[s.start : s.end] for s in analyze(recognizer, nlp, text)]
    assert got == ["20456789", "+45 31 22 33 44"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mor oplyste 230518 1234 ved indskrivningen.", [("CPR", "230518 1234")]),
        ("I 2026 flyttede Emma til 4700 Næstved med mor.", [("PERSON", "Emma"), ("ADDRESS", "4700 Næstved")]),
        ("Ring til mor på +45 20 45 67 89 i dag.", [("PHONE", "+45 20 45 67 89")]),
    ],
)
def test_engine(text, expected):
    from narrativ_nlp.anonymise import detect

    d = detect(text)
    assert [(s.label, text[s.start : s.end]) for s in d.spans] == expected
