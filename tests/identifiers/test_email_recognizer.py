"""EmailRecognizer: e-mail addresses in Danish text (Danish letters allowed)."""

from __future__ import annotations

import pytest

from narrativ_nlp.identifiers.recognizers import EmailRecognizer


@pytest.fixture(scope="module")
def recognizer(recognizer_context):
    return EmailRecognizer(recognizer_context)


def analyze(recognizer, nlp, text):
    return sorted(recognizer.analyze(nlp.make_doc(text)), key=lambda s: s.start)


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("Skriv til mette.hansen@example.dk om det.", 10, 33),
        ("Skriv til lone_k+bh@boernehus.kommune.dk.", 10, 40),  # the full stop is not part of it
        ("Mail: pæd@mælkebøtten.dk", 6, 24),  # Danish letters
        ("Kontakt Info@Vestre-Skole.DK, hvis barnet er sygt.", 8, 28),
        ("Forældrene (far.2019@mail.co.uk) svarede hurtigt.", 12, 31),
        ("mette@example.dk", 0, 16),
        ('Hun skrev "søren-ø@post.tele.dk" på sedlen.', 11, 31),
    ],
)
def test_email_found_with_exact_offsets(recognizer, nlp, text, start, end):
    results = analyze(recognizer, nlp, text)
    assert [(s.label, s.start, s.end) for s in results] == [("EMAIL", start, end)]
    assert "@" in text[start:end]


@pytest.mark.parametrize(
    "text",
    [
        "Hun skrev @Emma på Instagram.",
        "Skriv til mette@localhost i morgen.",  # no top-level domain
        "Emma skrev 'hej @ dig' på tavlen.",
        "Prisen var 3 @ 20 kr.",
        "mette@ skrev ikke mere.",
        "Send det til @example.dk.",
    ],
)
def test_not_an_email(recognizer, nlp, text):
    assert analyze(recognizer, nlp, text) == []


def test_two_emails(recognizer, nlp):
    text = "Mor: mor@example.dk, far: far@example.dk."
    assert [text[s.start : s.end] for s in analyze(recognizer, nlp, text)] == ["mor@example.dk", "far@example.dk"]


@pytest.mark.parametrize(
    "text, expected",
    [
        # a name inside the address is absorbed by the e-mail span, not a separate PERSON
        ("I dag skrev Emma fra emma.jensen@example.dk.", [("PERSON", "Emma"), ("EMAIL", "emma.jensen@example.dk")]),
        ("Svar til oliver.hansen@example.dk.", [("EMAIL", "oliver.hansen@example.dk")]),
        ("Mors mail: mette.hansen@example.dk, tlf. 20456789.", [("EMAIL", "mette.hansen@example.dk"), ("PHONE", "20456789")]),
    ],
)
def test_engine(text, expected):
    from narrativ_nlp.anonymise import detect

    d = detect(text)
    assert [(s.label, text[s.start : s.end]) for s in d.spans] == expected
