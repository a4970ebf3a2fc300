"""Unknown proper nouns: a capitalised word inside a sentence that is no Danish word.

Danish capitalises only proper nouns, so such a word is most often a name that
no list knows (a rare or newly spelled given name). Towns, brands and the like
(``data/names``) are left out. Confidence is modest: the person reviews it.
"""

from __future__ import annotations

from spacy.tokens import Doc

from spacy.lang.da.stop_words import STOP_WORDS

from narrativ_nlp.identifiers.recognizers.base import (
    Recognizer,
    age_follows,
    is_initial,
    looks_like_subject,
    token_texts,
)
from narrativ_nlp.identifiers.types import IdentifierSpan


class ProperNounRecognizer(Recognizer):
    name = "proper_noun"
    labels = ("PERSON",)

    def analyze(self, doc: Doc) -> list[IdentifierSpan]:
        lex = self.context.lexicon
        found = []
        texts, _ = token_texts(doc)
        for i, word in enumerate(texts):
            if len(word) < 2 or not word[0].isupper() or word.isupper() or not word.replace("-", "").isalpha():
                continue
            tok = doc[i]  # a Token object only for candidates
            low = word.lower()
            if low in lex.not_person or low in lex.towns or low in STOP_WORDS or lex.is_first_name(word):
                continue
            if low.endswith("s") and low[:-1] in lex.towns:
                continue
            parts = word.split("-")
            if len(parts) > 1 and all(lex.is_word(x) or x.isupper() for x in parts):
                continue  # "CPR-nummer", "Lego-tårnet": compounds of ordinary words
            initial = is_initial(tok)
            if lex.is_word(word) or (low.endswith("s") and lex.is_word(word[:-1])):
                # a capitalised ordinary word inside a sentence is still a proper noun in Danish;
                # at a sentence start only an age after it says so ("Sommer 2 år")
                if initial and not age_follows(tok, self.context.cues):
                    continue
                score = 0.45
            elif initial:
                nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
                full_name = nxt is not None and nxt.text[:1].isupper() and nxt.is_alpha and not lex.is_word(nxt.text)
                possessive = low.endswith("s") and nxt is not None and nxt.is_lower and nxt.is_alpha
                score = 0.55 if looks_like_subject(tok, self.context.cues) or full_name or possessive else 0.3
            else:
                score = 0.5
            found.append(self.span(tok.idx, tok.idx + len(word), "PERSON", score))
        return found
