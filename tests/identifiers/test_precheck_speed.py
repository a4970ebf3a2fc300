"""The recognizers' cheap pre-checks skip a regex only where it cannot match: the spans are those of the
regexes run on every text (structural speed changes, no rule changes)."""

from __future__ import annotations

import pytest

from narrativ_nlp.identifiers.recognizers.address_recognizer import AddressRecognizer
from narrativ_nlp.identifiers.recognizers.cpr_recognizer import CprRecognizer
from narrativ_nlp.identifiers.recognizers.email_recognizer import EmailRecognizer
from narrativ_nlp.identifiers.recognizers.institution_recognizer import InstitutionRecognizer
from narrativ_nlp.identifiers.recognizers.phone_recognizer import PhoneRecognizer
from narrativ_nlp.identifiers.recognizers.phrase_recognizer import PhraseRecognizer

TEXTS = [
    "Mor til Emma ringede på 22 33 44 55 og skrev fra hanne.k@post.dk om hentning kl. 15.",
    "CPR 010203-1234 står i mappen; Sofies mobil er +45 87654321. De bor på Skovvej 12, 2. th, 8000 Aarhus C.",
    "I dag legede Noah og Ida i sandkassen. Ingen tal, ingen adresser, ingen mails her.",
    "Vi holdt fastelavn og Store Bededag i Børnehuset Mælkebøtten, og Solsikkeskolen kom på besøg.",
    "Til Kristi Himmelfart var Vestre Skole lukket; Corona-tiden er slut. Skt. Hans-bålet ved Dagplejen Nord.",
    "STORE BEDEDAG I BØRNEHAVEN SOLSIKKEN – ſtore bededag, HELLİG TRE KONGERS og vuggestuen Myretuen.",
    "Efter frokost sagde Oliver: \"Jeg vil ikke sove!\" Han blev trøstet af Jonas fra Lærkereden.",
]


@pytest.mark.parametrize("cls", [CprRecognizer, PhoneRecognizer, EmailRecognizer])
def test_pattern_triggers_skip_only_texts_without_matches(recognizer_context, nlp, cls):
    rec = cls(recognizer_context)
    assert rec._trigger is not None
    plain = cls(recognizer_context)
    plain._trigger = None  # every pattern on every text
    found = 0
    for text in TEXTS:
        doc = nlp.make_doc(text)
        got, want = rec.analyze(doc), plain.analyze(doc)
        assert got == want
        found += len(want)
    assert found >= 1


def test_address_needs_a_digit(recognizer_context, nlp):
    rec = AddressRecognizer(recognizer_context)
    spans = [s for t in TEXTS for s in rec.analyze(nlp.make_doc(t))]
    assert any(s.label == "ADDRESS" for s in spans)  # 'Skovvej 12, 2. th, 8000 Aarhus C'
    assert rec.analyze(nlp.make_doc(TEXTS[2])) == []


def test_institution_prechecks_change_nothing(recognizer_context, nlp, monkeypatch):
    rec = InstitutionRecognizer(recognizer_context)
    docs = [nlp.make_doc(t) for t in TEXTS]
    fast = [rec.analyze(d) for d in docs]
    # the regexes alone: no word list can rule a text out
    rec._prefix_words = ("",)
    rec._suffix_words = ("",)
    monkeypatch.setattr("narrativ_nlp.identifiers.recognizers.institution_recognizer._COMPOUND_ENDINGS", ("",))
    assert fast == [rec.analyze(d) for d in docs]
    assert sum(map(len, fast)) >= 4


def test_listed_phrase_precheck_never_misses_a_match(recognizer_context):
    rec = PhraseRecognizer(recognizer_context)
    for text in TEXTS:
        if rec._listed.search(text):
            assert rec._maybe_listed(text)
    # letters that re.IGNORECASE matches to ASCII ones: 'ſ' (long s), 'İ', 'ı'
    assert rec._listed.search("ſtore bededag") and rec._maybe_listed("ſtore bededag")
    assert not rec._maybe_listed("de store børn legede")  # 'store' alone is no listed phrase
    assert rec._listed.search("HELLİG TRE KONGERS") and rec._maybe_listed("HELLİG TRE KONGERS")
