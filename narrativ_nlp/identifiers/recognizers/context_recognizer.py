"""Context rules for names: after a role or greeting, in lists of names, initials.

* a capitalised word after a person trigger ("pædagog Lærke", "mor til",
  "hedder Storm", "Hej Sol") is a name, even when it is also a common word;
* in a list "X, Y og Z" where one item is a known name, the other capitalised
  items are names;
* an initial after a name ("Lone K.") belongs to it; a surname after a first
  name ("Mette Hansen") too (merged by the engine).
"""

from __future__ import annotations

import re

from spacy.lang.da.stop_words import STOP_WORDS
from spacy.tokens import Doc

from narrativ_nlp.identifiers.recognizers.base import (
    Recognizer,
    RecognizerContext,
    doc_text,
    initial_flags,
    token_lowers,
    token_texts,
    upper_starts,
)
from narrativ_nlp.identifiers.types import IdentifierSpan


def _possessive(word: str, lex) -> bool:
    """"Olivers", "Iqra's": a name in the genitive, which ends a name (no surname follows it)."""
    if word.endswith(("'s", "’s", "'", "’")):
        return True
    base = lex.base_name(word)
    return bool(base) and word.endswith("s") and base != word.lower() and base == word[:-1].lower()


#: greetings written as abbreviations before the writer's name ("Kh. Lise", "Mvh. Søren")
_GREETINGS = frozenset({"kh", "mvh", "vh", "kh", "hilsen", "knus", "kram"})
#: possessives before a person written as one letter ("vores M", "min S")
_POSSESSIVES = frozenset({"vores", "min", "mit", "mine", "hans", "hendes", "deres", "jeres", "sin", "sit"})
#: "/Pernille", "/ sb", "/LV" closing a line
_SLASH_SIGNATURE = re.compile(r"(?:^|(?<=\s))/\s?([^\W\d_][^\W\d_-]*(?:-[^\W\d_]+)?)[ \t.]*(?=\n|$)", re.MULTILINE)
#: a text's last line of two or three lower-case letters: the writer's initials ("lk")
_LAST_LINE_INITIALS = re.compile(r"\n[ \t]*([a-zæøå]{2,3})[ \t.]*\s*$")


def _lower_compound(word: str) -> bool:
    """"CPR-nummer", "Lego-klodser": a hyphen compound with a lower-case part is a thing, not a surname."""
    parts = word.split("-")
    return len(parts) > 1 and any(p[:1].islower() for p in parts[1:])


def _capitalised(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word[1:].replace("-", "").replace("'", "").isalpha() and not word.isupper()


def _capitalised_flags(doc: Doc) -> list[bool]:
    """``_capitalised`` of every token, once per doc (only a token with a capital first can be)."""
    flags = doc.user_data.get("narrativ_context_caps")
    if flags is None:
        texts = token_texts(doc)[0]
        flags = [False] * len(texts)
        for i in upper_starts(doc):
            if _capitalised(texts[i]):
                flags[i] = True
        doc.user_data["narrativ_context_caps"] = flags
    return flags


_LIST_LINKS = frozenset((",", "og", "eller", "&"))


class ContextRecognizer(Recognizer):
    name = "context"
    labels = ("PERSON",)

    def __init__(self, context: RecognizerContext) -> None:
        super().__init__(context)
        self.triggers = {w.lower() for w in context.settings["person_triggers"]}
        self._hyphen_particles = frozenset(w.lower() for w in context.settings["name_hyphen_particles"])

    def analyze(self, doc: Doc) -> list[IdentifierSpan]:
        lex = self.context.lexicon
        found: list[IdentifierSpan] = []
        texts, idxs = token_texts(doc)
        lowers = token_lowers(doc)
        caps = _capitalised_flags(doc)
        for i in upper_starts(doc):
            word = texts[i]
            if not caps[i] or lowers[i] in lex.not_person or lowers[i] in lex.towns:
                continue
            start = idxs[i]
            if i == 0:
                continue  # every rule below reads the word before
            prev_low = lowers[i - 1]
            # trigger word right before, or two before with "til"/"lille" ("mor til Storm", "lille Bo")
            if prev_low in self.triggers:
                found.append(self.span(start, start + len(word), "PERSON", 0.8))
                continue
            # "Kh. Lise", "Mvh. Søren Berg": a greeting abbreviation with its full stop
            if i > 1 and texts[i - 1] == "." and lowers[i - 2] in _GREETINGS and not (
                    lex.is_word(word) and not lex.is_first_name(word)):
                found.append(self.span(start, start + len(word), "PERSON", 0.8))
                continue
            if i > 1 and prev_low in ("til", "lille", "søde") and lowers[i - 2] in self.triggers:
                found.append(self.span(start, start + len(word), "PERSON", 0.8))
                continue
            # surname after a first name: "Mette Hansen", "Lone Kjær"
            # (not after a possessive, "Olivers CPR-nummer", nor a word with a lower-case compound part)
            prev = texts[i - 1]
            if caps[i - 1] and lex.is_first_name(prev) and (
                lex.base_name(word) in lex.last_names or not lex.is_word(word) or not initial_flags(doc)[i]
            ) and not _possessive(prev, lex) and not _lower_compound(word):
                found.append(self.span(idxs[i - 1], start + len(word), "PERSON", 0.75))
        found.extend(self._particle_surnames(doc))
        found.extend(self._initials(doc))
        found.extend(self._single_letters(doc))
        found.extend(self._signatures(doc))
        found.extend(self._leading_initials(doc))
        found.extend(self._lists(doc))
        return found

    def _particle_surnames(self, doc: Doc) -> list[IdentifierSpan]:
        """"al-Khatib", "el-Amin", "bin-Laden": a lower-case name particle joined by a hyphen to a capitalised
        part is a surname, with the given name before it when there is one ("Ahmad al-Khatib")."""
        particles = self._hyphen_particles
        texts, idxs = token_texts(doc)
        lex = self.context.lexicon
        out = []
        if "-" not in doc_text(doc):
            return out
        for i in [i for i, t in enumerate(texts) if "-" in t]:
            t = texts[i]
            head, dash, rest = t.partition("-")
            if not dash or head not in particles or not _capitalised(rest.split("-")[0]):
                continue
            start = idxs[i]
            if i > 0 and _capitalised(texts[i - 1]) and idxs[i - 1] + len(texts[i - 1]) == idxs[i] - 1 and (
                    lex.is_first_name(texts[i - 1]) or not lex.is_word(texts[i - 1])):
                start = idxs[i - 1]
            out.append(self.span(start, idxs[i] + len(t), "PERSON", 0.75))
        return out

    def _initials(self, doc: Doc) -> list[IdentifierSpan]:
        """"Lone K." / "Lone K" after a capitalised word."""
        texts, idxs = token_texts(doc)
        caps = _capitalised_flags(doc)
        out = []
        for i in upper_starts(doc):  # an initial is a capital letter
            if i == 0:
                continue
            t, prev = texts[i], texts[i - 1]
            if (len(t) == 2 and t[0].isupper() and t[1] == ".") or (len(t) == 1 and t.isupper() and t.isalpha()):
                if caps[i - 1] and (self.context.lexicon.is_first_name(prev) or not initial_flags(doc)[i - 1]):
                    # "Hanne B.. Mikkel": the initial's full stop is split off with the sentence's ("B", "..")
                    end = idxs[i] + len(t) + (1 if len(t) == 1 and i + 1 < len(texts) and texts[i + 1].startswith(".")
                                              and idxs[i + 1] == idxs[i] + 1 else 0)
                    out.append(self.span(idxs[i - 1], end, "PERSON", 0.75))
        return out

    def _single_letters(self, doc: Doc) -> list[IdentifierSpan]:
        """A single capital letter standing for a person: after a possessive or a role ("vores M",
        "pædagog J") or in parentheses after one ("mor (M)"). Not "I" (the pronoun)."""
        texts, idxs = token_texts(doc)
        out = []
        for i in upper_starts(doc):  # a capital letter
            t = texts[i]
            if i == 0 or len(t) != 1 or not t.isupper() or not t.isalpha() or t == "I":
                continue
            nxt = texts[i + 1] if i + 1 < len(texts) else ""
            if nxt == "." or nxt[:1].isupper() and nxt.isalpha():
                continue  # "A. Hansen", "Lone K." are other rules'; "vores M Hansen" is the surname's
            prev = texts[i - 1].lower()
            if prev in _POSSESSIVES or self._is_role(prev) or (
                    prev == "(" and nxt == ")" and i > 1 and (self._is_role(texts[i - 2].lower()) or _capitalised(texts[i - 2]))):
                out.append(self.span(idxs[i], idxs[i] + 1, "PERSON", 0.6))
        return out

    def _signatures(self, doc: Doc) -> list[IdentifierSpan]:
        """A signature: "/Pernille", "/ sb", "- Lise" at the end of a line, or a last line of two or three
        lower-case letters ("lk"): staff sign their notes with a name or their initials."""
        text = doc_text(doc)
        lex = self.context.lexicon
        out = []
        for m in _SLASH_SIGNATURE.finditer(text):
            word = m.group(1)
            if word.lower() in STOP_WORDS or word.lower() in lex.not_person or (lex.is_word(word) and not lex.is_first_name(word)
                                                                                 and len(word) > 3):
                continue
            out.append(self.span(m.start(1), m.end(1), "PERSON", 0.7))
        m = _LAST_LINE_INITIALS.search(text)
        if m and m.group(1).lower() not in STOP_WORDS and not lex.is_word(m.group(1)) \
                and m.group(1).upper() not in self.context.not_initials:
            out.append(self.span(m.start(1), m.end(1), "PERSON", 0.6))
        return out

    def _leading_initials(self, doc: Doc) -> list[IdentifierSpan]:
        """"K. J. Philipsen", "A. Hansen": initials before a capitalised word."""
        texts, idxs = token_texts(doc)
        out = []
        n = len(texts)
        after = 0  # the first token after the last run of initials looked at
        for i in upper_starts(doc):  # a run of initials starts with a capital letter
            if i < after or len(texts[i]) != 2 or texts[i][1] != ".":
                continue
            j = i
            while j < n and len(texts[j]) == 2 and texts[j][0].isupper() and texts[j][1] == ".":
                j += 1
            if j < n and _capitalised(texts[j]) and not self.context.lexicon.is_word(texts[j]):
                out.append(self.span(idxs[i], idxs[j] + len(texts[j]), "PERSON", 0.7))
                after = j + 1
            else:
                after = j
        return out

    def _is_role(self, low: str) -> bool:
        """A person trigger, also in its definite form ("farmoren", "mosteren", "vikaren")."""
        return low in self.triggers or any(low.endswith(e) and low[: -len(e)] in self.triggers for e in ("en", "n", "et"))

    def _lists(self, doc: Doc) -> list[IdentifierSpan]:
        """Capitalised items of "X, Y og Z" when one item is a known name."""
        lex = self.context.lexicon
        texts, idxs = token_texts(doc)
        caps = _capitalised_flags(doc)
        out = []
        n = len(texts)
        # a list goes on from token i only when a link word and a capitalised word follow it; from any
        # other token the scan moves to the next one, so only those tokens are looked at
        starts = [k - 2 for k in upper_starts(doc) if k >= 2 and caps[k] and texts[k - 1] in _LIST_LINKS]
        after = 0  # the first token after the last list looked at
        for i in starts:
            if i < after:
                continue
            items = [i]
            j = i + 1
            while j + 1 < n and texts[j] in _LIST_LINKS and caps[j + 1]:
                items.append(j + 1)
                j += 2
            if len(items) >= 2 and caps[i] and any(lex.is_first_name(texts[k]) for k in items):
                for k in items:
                    low = texts[k].lower()
                    if low in lex.not_person or low in lex.towns or self._is_role(low):
                        continue  # "Farmoren, Ifeoma, kom": a role before the name, not a name
                    # an ordinary word opening the sentence ("Frokost, Ida og Bo ...") is offered, not ticked
                    word_opening = initial_flags(doc)[k] and lex.is_word(texts[k]) and not lex.is_first_name(texts[k])
                    out.append(self.span(idxs[k], idxs[k] + len(texts[k]), "PERSON", 0.35 if word_opening else 0.7))
            after = j
        return out
