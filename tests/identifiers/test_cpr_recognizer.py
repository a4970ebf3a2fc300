"""CprRecognizer: DDMMYY-SSSS with dash, space or nothing; the date must exist; no modulus 11.

Presidio style: the recognizer alone on real Danish sentences (exact offsets),
then the full engine for interactions with the other recognizers.
"""

from __future__ import annotations

import pytest

from narrativ_nlp.identifiers.recognizers import CprRecognizer, PhoneRecognizer


@pytest.fixture(scope="module")
def context(recognizer_context):
    return recognizer_context


@pytest.fixture(scope="module")
def recognizer(context):
    return CprRecognizer(context)


def analyze(recognizer, nlp, text):
    return sorted(recognizer.analyze(nlp.make_doc(text)), key=lambda s: s.start)


def assert_result(span, label, start, end):
    assert (span.label, span.start, span.end) == (label, start, end)


def mod11_ok(cpr: str) -> bool:
    digits = [int(c) for c in cpr if c.isdigit()]
    return sum(d * w for d, w in zip(digits, (4, 3, 2, 7, 6, 5, 4, 3, 2, 1))) % 11 == 0


@pytest.mark.parametrize(
    "text, start, end",
    [
        # dash
        ("Barnets cpr-nummer er 120318-1234, står der i journalen.", 22, 33),
        ("120318-1234", 0, 11),
        # en dash and spaces around the dash (pasted from Word)
        ("Personnummer: 120318–1234.", 14, 25),
        ("Personnummer: 120318 - 1234.", 14, 27),
        # one space
        ("Mor oplyste 120318 1234 ved indskrivningen.", 12, 23),
        # nothing between the parts
        ("Mor oplyste 1203181234 ved indskrivningen.", 12, 22),
        # 29 February exists in 2000 (leap year)
        ("Født 290200-4321 på Rigshospitalet.", 5, 16),
        # a date from the 1900s (31.12.1985)
        ("Far har CPR 311285-0001.", 12, 23),
    ],
)
def test_valid_cpr_found_with_exact_offsets(recognizer, nlp, text, start, end):
    results = analyze(recognizer, nlp, text)
    assert len(results) == 1
    assert_result(results[0], "CPR", start, end)
    assert text[start:end].replace(" ", "").replace("-", "").replace("–", "").isdigit()


@pytest.mark.parametrize(
    "text",
    [
        "Nummeret 320118-1234 står i journalen.",  # day 32
        "Nummeret 121318-1234 står i journalen.",  # month 13
        "Nummeret 001218-1234 står i journalen.",  # day 0
        "Nummeret 120018-1234 står i journalen.",  # month 0
        "Nummeret 290219-1234 står i journalen.",  # 29.02 in 2019 and 1919: no leap year
        "Nummeret 3201181234 står i journalen.",  # invalid date, no separator
        "Nummeret 121318 1234 står i journalen.",  # invalid date, space
    ],
)
def test_invalid_date_not_found(recognizer, nlp, text):
    assert analyze(recognizer, nlp, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Ring til mor på 20456789 i dag.",  # 8-digit phone
        "Ring til mor på 20 45 67 89 i dag.",
        "Ring til mor på 2045 6789 i dag.",
        "Ring på +45 20456789 i dag.",
        "Ring på 0045 20 45 67 89 i dag.",
        "Sagsnummer 12031812345 er oprettet.",  # 11 digits: not a CPR
        "Sagsnummer 120318-12345 er oprettet.",  # 5 digits after the dash
        "Sagsnummer 9120318-1234 er oprettet.",  # 7 digits before the dash
        "Hun blev født 12.03.18 om morgenen.",  # a date alone
        "Der var 12 børn og 3 voksne på turen.",
    ],
)
def test_not_a_cpr(recognizer, nlp, text):
    assert analyze(recognizer, nlp, text) == []


@pytest.mark.parametrize("cpr", ["120318-1234", "010190-0001", "230518-1234", "311285-0001"])
def test_no_modulus_11_check(recognizer, nlp, cpr):
    """CPR numbers issued since 2007 need not satisfy modulus 11: a valid date suffices."""
    assert not mod11_ok(cpr), "test data should fail modulus 11"
    text = f"CPR: {cpr}."
    results = analyze(recognizer, nlp, text)
    assert [(s.start, s.end) for s in results] == [(5, 5 + len(cpr))]


def test_context_word_raises_score(recognizer, nlp):
    with_context = analyze(recognizer, nlp, "Barnets CPR-nr. er 120318-1234.")
    without = analyze(recognizer, nlp, "Koden til skabet er 120318-1234.")
    assert len(with_context) == len(without) == 1
    assert with_context[0].score > without[0].score


def test_dash_form_scores_above_plain_digits(recognizer, nlp):
    dash = analyze(recognizer, nlp, "Koden er 120318-1234.")[0]
    plain = analyze(recognizer, nlp, "Koden er 1203181234.")[0]
    assert dash.score > plain.score


@pytest.mark.parametrize("text", ["Mor oplyste 230518-1234.", "Mor oplyste 230518 1234.", "Mor oplyste 2305181234."])
def test_phone_recognizer_does_not_take_a_cpr(context, nlp, text):
    assert PhoneRecognizer(context).analyze(nlp.make_doc(text)) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mor oplyste 230518-1234 ved indskrivningen.", [("CPR", "230518-1234")]),
        ("Mor oplyste 2305181234 ved indskrivningen.", [("CPR", "2305181234")]),
        ("Ring til mor på 20456789 i dag.", [("PHONE", "20456789")]),
        ("CPR 120318-1234, tlf. 20 45 67 89.", [("CPR", "120318-1234"), ("PHONE", "20 45 67 89")]),
    ],
)
def test_engine_labels_cpr_and_phone(text, expected):
    from narrativ_nlp.anonymise import detect

    d = detect(text)
    got = [(s.label, text[s.start : s.end]) for s in d.spans if s.label in ("CPR", "PHONE")]
    assert got == expected


def test_engine_cpr_label_word_is_not_a_person():
    from narrativ_nlp.anonymise import detect

    text = "Barnets CPR-nummer er 120318-1234."
    d = detect(text)
    assert [s.label for s in d.spans + d.suggestions] == ["CPR"]
