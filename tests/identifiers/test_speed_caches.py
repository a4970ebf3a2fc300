"""The caches of the one-text path (issue #13): compiled per-name patterns, per-doc token tables and the
surrogate lists shuffled once per seed. Each gives what the uncached code gave, and nothing of one text
reaches the next."""

from __future__ import annotations

import random
import re

from narrativ_nlp.anonymise import _detect_disable, _doc_of, anonymise_text, detect
from narrativ_nlp.identifiers import engine as engine_module
from narrativ_nlp.identifiers.engine import _POSSESSIVE, _letter_pattern, _stretched_pattern, _word_pattern
from narrativ_nlp.identifiers.pseudonymise import Pseudonymiser, surrogate_names
from narrativ_nlp.identifiers.recognizers.base import (
    OPENERS,
    _is_symbol,
    initial_flags,
    token_lowers,
    token_texts,
)


def _surfaces(text: str, spans) -> list[str]:
    return [text[s.start : s.end] for s in spans]


def test_two_texts_in_sequence_each_get_only_their_own_names(nlp):
    first = "Mor til Rasmus ringede i morges. Rasmus havde sovet dårligt, sagde hun."
    second = "Karla legede med klodser hele formiddagen. Bagefter spiste Karla frugt med Ida."
    a = detect(first, nlp)
    b = detect(second, nlp)
    assert _surfaces(first, a.spans).count("Rasmus") == 2
    assert "Rasmus" not in _surfaces(second, b.spans + b.suggestions)
    assert _surfaces(second, b.spans).count("Karla") == 2
    # the first text again, after the second: the same spans as the first time (no name of the second leaks in)
    again = detect(first, nlp)
    assert again.spans == a.spans and again.suggestions == a.suggestions
    assert "[Navn" not in anonymise_text("Vi gik en tur i skoven og fandt kogler.", nlp=nlp).text


def test_a_name_with_regex_characters_is_matched_literally(nlp):
    text = "Jens-Ole (JO) hentede Emma. Senere kom Jens-Ole (JO) igen, og JO sagde farvel."
    pattern = _word_pattern("Jens-Ole (JO)", True, True)
    assert [m.group(0) for m in pattern.finditer(text)] == ["Jens-Ole (JO)", "Jens-Ole (JO)"]
    assert [m.group(0) for m in _word_pattern("(JO)", False, False).finditer("a (JO) b (JOx)")] == ["(JO)"]
    assert [m.group(0) for m in _word_pattern("A.B", False, False).finditer("A.B AxB")] == ["A.B"]
    found = _surfaces(text, detect(text, nlp).spans)
    assert found.count("Jens-Ole (JO)") == 2 and "Emma" in found


def test_cached_patterns_are_the_patterns_built_per_call():
    for name in ("Sofie", "Jens-Ole (JO)", "Ø", "Anne Marie", "a+b", "[x]"):
        built = re.compile(rf"(?<![\w-]){re.escape(name)}{_POSSESSIVE}(?![\w-])", re.IGNORECASE)
        assert _word_pattern(name, True, True).pattern == built.pattern
        assert _word_pattern(name, True, True).flags == built.flags
        assert _word_pattern(name, True, True) is _word_pattern(name, True, True)
    assert _letter_pattern("M").findall("vores M og M. og AM") == ["M"]
    assert _stretched_pattern("August").search("AUGUUUUST!") is not None
    assert engine_module.PATTERN_CACHE_SIZE >= 1024
    assert _word_pattern.cache_info().maxsize == engine_module.PATTERN_CACHE_SIZE  # bounded


def _is_initial_per_token(token) -> bool:
    """``is_initial`` as it was written per token (before the per-doc table)."""
    if token.is_sent_start or token.i == 0:
        return True
    prev = token.doc[token.i - 1]
    if prev.is_space or prev.text in OPENERS or prev.text.endswith((".", "!", "?")) and len(prev.text) == 1:
        return True
    if _is_symbol(prev.text) or (prev.text[:1].isdigit() and prev.text.endswith(".")):
        return True
    if prev.i == 0 or prev.doc[prev.i - 1].is_space or "\n" in prev.doc[prev.i - 1].whitespace_:
        return prev.text in OPENERS or prev.like_num
    return "\n" in prev.whitespace_


def test_per_doc_tables_match_the_token_objects(nlp):
    texts = [
        "Overskrift\n\n- Emma kom kl. 8. Hun sagde: \"Mor!\" 🙂 Bagefter legede Noah.\n1. Sofie\n2. Storm",
        "på tur 🌧️ Børnene elsker regn. Vi spiste kl. 14. Husk madpakke\n\n  Mvh. Lise",
        "i dag legede mads og sofie med klodser. mads var glad",
    ]
    for text in texts:
        doc = nlp(_doc_of(nlp, text), disable=_detect_disable(nlp))
        words, idxs = token_texts(doc)
        flags = [initial_flags(doc)[i] for i in range(len(doc))]
        assert flags == [bool(_is_initial_per_token(t)) for t in doc]
        assert token_lowers(doc) == [t.lower_ for t in doc]
        assert idxs == [t.idx for t in doc] and words == [t.text for t in doc]
        assert any(flags[1:]) and not all(flags)
        assert initial_flags(doc)[-1] == flags[-1]


def test_pseudonymisers_of_one_seed_replace_alike_and_do_not_share_state():
    text_a = "Emma og Noah byggede en hule. MK hjalp Emma."
    spans = [s for s in detect(text_a).spans]
    first = Pseudonymiser(mode="surrogate", seed=3).apply(text_a, spans).text
    second = Pseudonymiser(mode="surrogate", seed=3).apply(text_a, spans).text
    assert first == second and "Emma" not in first and "Noah" not in first
    # the order is the generator's shuffle for that seed, as built without the cache
    rng = random.Random(3)
    expected = {}
    for name, names in surrogate_names().items():
        shuffled = list(names)
        rng.shuffle(shuffled)
        expected[name] = shuffled
    p = Pseudonymiser(mode="surrogate", seed=3)
    assert {k: list(v) for k, v in p._order.items()} == expected
    assert p._rng.random() == rng.random()  # the generator goes on where the shuffles left it
    # a batch's used names stay its own: a new pseudonymiser starts afresh
    batch = Pseudonymiser(mode="surrogate", seed=3)
    batch.apply(text_a, spans)
    assert batch._used and not Pseudonymiser(mode="surrogate", seed=3)._used
