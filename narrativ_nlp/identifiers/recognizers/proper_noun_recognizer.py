"""Unknown proper nouns: a capitalised word inside a sentence that is no Danish word.

Danish capitalises only proper nouns, so such a word is most often a name that
no list knows (a rare or newly spelled given name). Towns, brands and the like
(``data/names``) are left out. Confidence is modest: the person reviews it.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from spacy.lang.da.stop_words import STOP_WORDS

from narrativ_nlp.identifiers.recognizers.base import (
    Recognizer,
    age_follows,
    doc_text,
    is_initial,
    looks_like_subject,
    token_texts,
    upper_starts,
)
from narrativ_nlp.identifiers.types import IdentifierSpan, split_apostrophe


class ProperNounRecognizer(Recognizer):
    name = "proper_noun"
    labels = ("PERSON",)

    def analyze(self, doc: Doc) -> list[IdentifierSpan]:
        lex = self.context.lexicon
        found = []
        texts, _ = token_texts(doc)
        for i in upper_starts(doc):  # most tokens have no capital first: not visited
            token_text = texts[i]
            if len(token_text) < 2:
                continue
            # "Iqra's", "Yonas'": an apostrophe possessive is one token; its name is the part before it
            word, apostrophe = split_apostrophe(token_text)
            if len(word) < 2 or not word[0].isupper() or word.isupper() or word.endswith("-") or not _name_letters(word):
                continue
            if _STRETCHED.search(word):
                continue  # "Liiige", "Neeej": a word drawn out for emphasis, no name
            tok = doc[i]  # a Token object only for candidates
            low = word.lower()
            if low in lex.not_person or low in lex.towns or low in STOP_WORDS or lex.is_first_name(word):
                continue
            if low.endswith("s") and low[:-1] in lex.towns:
                continue
            parts = word.split("-")
            if len(parts) > 1 and all(lex.is_word(x) or x.isupper() for x in parts):
                continue  # "CPR-nummer", "Lego-tårnet": compounds of ordinary words
            if len(parts) > 1 and parts[-1][:1].islower() and lex.is_word(parts[-1]) and all(
                x.lower() in lex.not_person or x.lower() in lex.towns for x in parts[:-1]
            ):
                continue  # "Duplo-byggeriet", "Aleppo-sæbe"; but "Elvis-fans", "Emma-dagen" hold a name
            initial = is_initial(tok)
            nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
            # at a sentence start: "Nguyen Van Minh", "Tran Thi Lan": the next word is capitalised and a name
            # or no Danish word (only computed there: inside a sentence the score does not depend on it)
            name_next = initial and nxt is not None and nxt.text[:1].isupper() and nxt.is_alpha and (
                not lex.is_word(nxt.text) or lex.is_first_name(nxt.text) or lex.base_name(nxt.text) in lex.last_names)
            if lex.is_word(word) or (low.endswith("s") and lex.is_word(word[:-1])):
                # a capitalised ordinary word inside a sentence is still a proper noun in Danish;
                # at a sentence start only an age after it says so ("Sommer 2 år"), or a surname
                # that is also a word opening a full name ("Tran Thi Lan")
                if initial and not age_follows(tok, self.context.cues):
                    if not (name_next and lex.base_name(word) in lex.last_names):
                        continue
                    score = 0.55
                elif _title_case_line(doc, tok) or lex.is_long_compound(word):
                    # "Nyt Fra Bestyrelsen": a heading in title case; "med dansk-tjekkisk Dukketeater": two long
                    # words joined
                    score = 0.3
                else:
                    score = 0.45
            elif initial:
                possessive = (apostrophe or low.endswith("s")) and nxt is not None and nxt.is_lower and nxt.is_alpha
                subject = looks_like_subject(tok, self.context.cues)
                # "Formiddagstur:", "Vandleg i haven", "Førskolegruppen var ...": a heading or a noun,
                # offered unticked; before a word cue (a verb) only a compound of longer parts counts, since a name
                # can split into short word forms by chance ("Gulvara gemte": "gulv" + "ara"); before another
                # name part ("Dustin Olsen") it is a name
                verb_next = subject and nxt is not None and nxt.is_alpha
                compound = lex.is_compound(word, min_part=4 if verb_next else 3)
                if compound and not name_next and not age_follows(tok, self.context.cues):
                    score = 0.3
                elif subject or name_next or possessive:
                    score = 0.55
                elif nxt is not None and nxt.is_lower and nxt.is_alpha:
                    score = 0.45  # "Phuong smed ...": no Danish word, no compound, and the sentence goes on
                else:
                    score = 0.3
            elif lex.is_long_compound(word):
                score = 0.3  # "Allehelgensstemning": two long words joined; hardly ever a given name
            else:
                score = 0.5
            found.append(self.span(tok.idx, tok.idx + len(token_text), "PERSON", score))
        return found


def _title_case_line(doc: Doc, tok) -> bool:
    """``tok`` stands in a short line without a full stop where every word of four letters or more is
    capitalised: a heading written in title case ("Nyt Fra Bestyrelsen"), not a sentence."""
    cache = doc.user_data.setdefault("narrativ_title_lines", {})
    text = doc_text(doc)
    start = text.rfind("\n", 0, tok.idx) + 1
    if start not in cache:
        end = text.find("\n", tok.idx)
        line = text[start : end if end >= 0 else len(text)].strip()
        words = [w for w in re.findall(r"[^\W\d_]+", line)]
        long_words = [w for w in words if len(w) >= 4]
        cache[start] = (0 < len(words) <= 8 and len(long_words) >= 2 and not line.endswith((".", "!", "?", ","))
                        and all(w[0].isupper() for w in long_words))
    return cache[start]


#: one letter three times in a row: a word drawn out in speech ("Liiige", "Jaaa")
_STRETCHED = re.compile(r"(\w)\1\1")


def _name_letters(word: str) -> bool:
    """Letters, hyphens ("Anne-Sofie") and an apostrophe before a capital ("O'Brien", not "SFO'en")."""
    pieces = word.replace("’", "'").split("'")
    if any(not p[:1].isupper() for p in pieces[1:]):
        return False
    return "".join(pieces).replace("-", "").isalpha()
