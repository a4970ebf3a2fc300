"""Context rules for names: after a role or greeting, in lists of names, initials.

* a capitalised word after a person trigger ("pædagog Lærke", "mor til",
  "hedder Storm", "Hej Sol") is a name, even when it is also a common word;
* in a list "X, Y og Z" where one item is a known name, the other capitalised
  items are names;
* an initial after a name ("Lone K.") belongs to it; a surname after a first
  name ("Mette Hansen") too (merged by the engine).
"""

from __future__ import annotations

from spacy.tokens import Doc

from narrativ_nlp.identifiers.recognizers.base import Recognizer, RecognizerContext, is_initial, token_texts
from narrativ_nlp.identifiers.types import IdentifierSpan


def _possessive(word: str, lex) -> bool:
    """"Olivers", "Iqra's": a name in the genitive, which ends a name (no surname follows it)."""
    if word.endswith(("'s", "’s", "'", "’")):
        return True
    base = lex.base_name(word)
    return bool(base) and word.endswith("s") and base != word.lower() and base == word[:-1].lower()


def _lower_compound(word: str) -> bool:
    """"CPR-nummer", "Lego-klodser": a hyphen compound with a lower-case part is a thing, not a surname."""
    parts = word.split("-")
    return len(parts) > 1 and any(p[:1].islower() for p in parts[1:])


def _capitalised(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word[1:].replace("-", "").replace("'", "").isalpha() and not word.isupper()


class ContextRecognizer(Recognizer):
    name = "context"
    labels = ("PERSON",)

    def __init__(self, context: RecognizerContext) -> None:
        super().__init__(context)
        self.triggers = {w.lower() for w in context.settings["person_triggers"]}

    def analyze(self, doc: Doc) -> list[IdentifierSpan]:
        lex = self.context.lexicon
        found: list[IdentifierSpan] = []
        texts, _ = token_texts(doc)
        for i, word in enumerate(texts):
            if not _capitalised(word) or word.lower() in lex.not_person or word.lower() in lex.towns:
                continue
            tok = doc[i]
            prev = doc[tok.i - 1] if tok.i > 0 else None
            # trigger word right before, or two before with "til"/"lille" ("mor til Storm", "lille Bo")
            if prev is not None and prev.lower_ in self.triggers:
                found.append(self.span(tok.idx, tok.idx + len(word), "PERSON", 0.8))
                continue
            if tok.i > 1 and prev is not None and prev.lower_ in ("til", "lille", "søde") and doc[tok.i - 2].lower_ in self.triggers:
                found.append(self.span(tok.idx, tok.idx + len(word), "PERSON", 0.8))
                continue
            # surname after a first name: "Mette Hansen", "Lone Kjær"
            # (not after a possessive, "Olivers CPR-nummer", nor a word with a lower-case compound part)
            if prev is not None and _capitalised(prev.text) and lex.is_first_name(prev.text) and (
                lex.base_name(word) in lex.last_names or not lex.is_word(word) or not is_initial(tok)
            ) and not _possessive(prev.text, lex) and not _lower_compound(word):
                found.append(self.span(prev.idx, tok.idx + len(word), "PERSON", 0.75))
        found.extend(self._initials(doc))
        found.extend(self._leading_initials(doc))
        found.extend(self._lists(doc))
        return found

    def _initials(self, doc: Doc) -> list[IdentifierSpan]:
        """"Lone K." / "Lone K" after a capitalised word."""
        texts, idxs = token_texts(doc)
        out = []
        for i in range(1, len(texts)):
            t, prev = texts[i], texts[i - 1]
            if (len(t) == 2 and t[0].isupper() and t[1] == ".") or (len(t) == 1 and t.isupper() and t.isalpha()):
                if _capitalised(prev) and (self.context.lexicon.is_first_name(prev) or not is_initial(doc[i - 1])):
                    out.append(self.span(idxs[i - 1], idxs[i] + len(t), "PERSON", 0.75))
        return out

    def _leading_initials(self, doc: Doc) -> list[IdentifierSpan]:
        """"K. J. Philipsen", "A. Hansen": initials before a capitalised word."""
        texts, idxs = token_texts(doc)
        out = []
        i = 0
        n = len(texts)
        while i < n:
            j = i
            while j < n and len(texts[j]) == 2 and texts[j][0].isupper() and texts[j][1] == ".":
                j += 1
            if i < j < n and _capitalised(texts[j]) and not self.context.lexicon.is_word(texts[j]):
                out.append(self.span(idxs[i], idxs[j] + len(texts[j]), "PERSON", 0.7))
                i = j + 1
            else:
                i = max(i + 1, j)
        return out

    def _is_role(self, low: str) -> bool:
        """A person trigger, also in its definite form ("farmoren", "mosteren", "vikaren")."""
        return low in self.triggers or any(low.endswith(e) and low[: -len(e)] in self.triggers for e in ("en", "n", "et"))

    def _lists(self, doc: Doc) -> list[IdentifierSpan]:
        """Capitalised items of "X, Y og Z" when one item is a known name."""
        lex = self.context.lexicon
        texts, idxs = token_texts(doc)
        out = []
        i = 0
        n = len(texts)
        while i < n:
            items = [i]
            j = i + 1
            while j + 1 < n and texts[j] in (",", "og", "eller", "&") and _capitalised(texts[j + 1]):
                items.append(j + 1)
                j += 2
            if len(items) >= 2 and all(_capitalised(texts[k]) for k in items) and any(lex.is_first_name(texts[k]) for k in items):
                for k in items:
                    low = texts[k].lower()
                    if low in lex.not_person or low in lex.towns or self._is_role(low):
                        continue  # "Farmoren, Ifeoma, kom": a role before the name, not a name
                    # an ordinary word opening the sentence ("Frokost, Ida og Bo ...") is offered, not ticked
                    word_opening = is_initial(doc[k]) and lex.is_word(texts[k]) and not lex.is_first_name(texts[k])
                    out.append(self.span(idxs[k], idxs[k] + len(texts[k]), "PERSON", 0.35 if word_opening else 0.7))
            i = j if j > i + 1 else i + 1
        return out
