"""The one-text path's shared tables and word finder (issue #13, item 9): the index of capitalised tokens the
recognizers loop over, the memoised word tests and heading lines of the phrase recognizer, and the name finder
of propagation that avoids compiling a pattern per name. Each gives exactly what the per-token or regex code
gave, and nothing of one text reaches the next."""

from __future__ import annotations

import random

from narrativ_nlp.anonymise import _detect_disable, _doc_of, detect
from narrativ_nlp.identifiers.engine import _find_word, _folded, _word_pattern, default_engine
from narrativ_nlp.identifiers.recognizers.phrase_recognizer import PhraseRecognizer
from narrativ_nlp.tokens import token_texts, upper_starts


def _surfaces(text: str, spans) -> list[str]:
    return [text[s.start : s.end] for s in spans]


def test_upper_starts_are_the_tokens_with_a_capital_first(nlp):
    text = "Overskrift\n\n- Emma kom kl. 8. Ørnen og ÅSE så 🙂 Ida. i går legede Noah med A. B. Hansen"
    doc = nlp(_doc_of(nlp, text), disable=_detect_disable(nlp))
    words = token_texts(doc)[0]
    assert [words[i] for i in upper_starts(doc)] == [t.text for t in doc if t.text[:1].isupper()]
    assert {"Overskrift", "Emma", "Ørnen", "ÅSE", "Ida", "Noah", "A.", "B.", "Hansen"} <= {words[i] for i in upper_starts(doc)}
    assert "kom" not in {words[i] for i in upper_starts(doc)}
    # a second doc gets its own table (the table lives in the doc)
    other = nlp(_doc_of(nlp, "vi legede. Karla kom."), disable=_detect_disable(nlp))
    assert [token_texts(other)[0][i] for i in upper_starts(other)] == ["Karla"]


def test_find_word_gives_the_patterns_matches():
    rng = random.Random(13)
    alphabet = list("aAsSeEiIøØåÆ -'’_.,\n1é") + ["ſ", "ı", "İ", "µ", "Σ", "K", "ß", "\u0345", "🙂"]
    names = ["Emma", "Anne-Sofie", "Åse", "Bo", "is", "Ali's", "Jens Ole", "Ida.", "Søs", "S"]
    for _ in range(4000):
        name = rng.choice(names)
        parts = []
        for _ in range(rng.randint(0, 6)):
            parts.append(rng.choice([name, name.lower(), name.upper(), "".join(rng.choices(alphabet, k=3))]))
            parts.append(rng.choice(["s", "'s", "’s", "'", "’", "S", "-", "_", " ", "", "ſ", "x"]))
        text = "".join(parts)
        for possessive in (True, False):
            for ignore_case in (True, False):
                expected = [m.span() for m in _word_pattern(name, possessive, ignore_case).finditer(text)]
                folded = _folded(text) if ignore_case else None
                assert _find_word(text, name, possessive, ignore_case, folded) == expected, (name, possessive)


def test_find_word_on_real_sentences():
    text = "Emmas mor hentede Emma. EMMA'S jakke hang ved Emma-stuen, og emma’s sko stod hos Emmanuel."
    spans = _find_word(text, "Emma", True, True, _folded(text))
    assert [text[a:b] for a, b in spans] == ["Emmas", "Emma", "EMMA'S", "emma’s"]
    assert [text[a:b] for a, b in _find_word(text, "Emma", True, False, None)] == ["Emmas", "Emma"]
    # a text the fold cannot serve ("ſ" matches "s" under re.IGNORECASE) takes the pattern: the same matches
    odd = "Laſſe og LASSE legede med Lasses bil"
    assert _folded(odd) is None
    assert [odd[a:b] for a, b in _find_word(odd, "Lasse", True, True, None)] == ["Laſſe", "LASSE", "Lasses"]


def test_phrase_word_memos_do_not_carry_one_texts_names_into_the_next(nlp):
    engine = default_engine()
    phrases = next(r for r in engine.recognizers if isinstance(r, PhraseRecognizer))
    first = "Tidlig SFO\nEmma og Noah legede i Caféen."
    second = "Ida legede med Emma. Noah kom senere."
    d1 = detect(first, nlp)
    assert "Emma" in _surfaces(first, d1.spans) and "Noah" in _surfaces(first, d1.spans)
    assert phrases._name("Emma") and not phrases._name("Caféen")  # memoised by word: a property of the word
    d2 = detect(second, nlp)
    assert sorted(set(_surfaces(second, d2.spans))) == ["Emma", "Ida", "Noah"]
    # a heading in one text is no heading in the next: the line memo lives in the doc
    assert "Tidlig" not in _surfaces(second, d2.spans + d2.suggestions)
    again = detect(first, nlp)
    assert again.spans == d1.spans and again.suggestions == d1.suggestions


def test_token_texts_cut_from_the_docs_text_are_the_token_texts(nlp):
    text = "Hej Sofie 🙂\n\n  Emma’s mor (MK) kom kl. 8.15 – \"Farvel!\" sagde Noah-Ali.  Mvh. Lise"
    carried = _doc_of(nlp, text)  # carries its text: the tokens are cut from it
    plain = nlp.make_doc(text)  # does not: the string store gives them
    assert token_texts(carried) == token_texts(plain) == ([t.text for t in plain], [t.idx for t in plain])
