"""Given names from the gazetteer (Danish and the origins common among children here).

Evidence rules: a capitalised gazetteer name inside a sentence is a name; at a
sentence start it is a name unless it is also an ordinary Danish word ("Sol",
"Storm"), which then needs other evidence (NER, context, another occurrence).
A lower-case gazetteer name that is no Danish word ("ahmed") is a name with
lower confidence; a lower-case one that is a word ("sol") is left to
propagation from a capitalised occurrence, except at the start of a sentence in
a text written without capitals, when the next word says it is a subject
("mads spilder ..."). What counts as such a word is ``subject_cues`` in
``data/identifiers.yaml``.
"""

from __future__ import annotations

from spacy.tokens import Doc

from spacy.lang.da.stop_words import STOP_WORDS

from narrativ_nlp.identifiers.recognizers.base import (
    Recognizer,
    is_initial,
    looks_like_subject,
    token_texts,
)
from narrativ_nlp.identifiers.types import IdentifierSpan


class GazetteerRecognizer(Recognizer):
    name = "gazetteer"
    labels = ("PERSON",)

    def analyze(self, doc: Doc) -> list[IdentifierSpan]:
        lex = self.context.lexicon
        found = []
        texts, _ = token_texts(doc)
        for i, word in enumerate(texts):
            if not word[:1].isalpha() or len(word) < 2:
                continue
            if not lex.is_first_name(word):
                continue
            tok = doc[i]  # a Token object only for candidates
            low = word.lower()
            if low in lex.not_person or low in lex.towns or low in STOP_WORDS:
                continue
            is_word = lex.is_word(word) or lex.is_word(lex.base_name(word) or word)
            if word[0].isupper() and not word.isupper():
                if not is_initial(tok):
                    score = 0.8
                elif not is_word:
                    score = 0.75
                elif looks_like_subject(tok, self.context.cues) or (lex.base_name(word) != low and not lex.is_word(word)):
                    # possessive "Elms far ..." also counts: "elm" is a word, "elms" is not
                    score = 0.6  # "Storm tager ...", "Vilja (16 mdr.)": a bare noun rarely opens a Danish sentence
                else:
                    score = 0.3  # "Sol" at a sentence start: needs evidence
            elif word.islower():
                if is_word:
                    # "mads spilder ...": a text written without capitals. At the start of the text
                    # or of a sentence (not of a quote: "bil, bil!") a word after it must say it is a subject
                    if not (_opens_sentence(tok) and looks_like_subject(tok, self.context.cues) and _next_is_word(tok)):
                        continue
                    score = 0.45
                else:
                    score = 0.55
            else:  # ALL CAPS
                score = 0.5 if not is_word else 0.25
            found.append(self.span(tok.idx, tok.idx + len(word), "PERSON", score))
        return found


def _opens_sentence(tok) -> bool:
    """The first token of the text or the first after a full stop, "!" or "?" (not after a quote)."""
    return tok.i == 0 or tok.doc[tok.i - 1].text in (".", "!", "?")


def _next_is_word(tok) -> bool:
    return tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].is_alpha
