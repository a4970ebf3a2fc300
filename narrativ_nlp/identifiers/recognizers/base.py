"""The recognizer interface and a regular-expression recognizer (after Presidio)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

from spacy.tokens import Doc, Token

from narrativ_nlp.identifiers.lexicon import NameLexicon
from narrativ_nlp.identifiers.types import IdentifierSpan
from narrativ_nlp.tokens import doc_text, token_texts, upper_starts  # noqa: F401  (re-exported)


@dataclass
class RecognizerContext:
    """Shared, read-only resources for recognizers (loaded once)."""

    lexicon: NameLexicon
    settings: dict

    @cached_property
    def cues(self) -> SubjectCues:
        """``subject_cues`` of the settings, for the gazetteer and the proper-noun recognizer."""
        return SubjectCues.from_settings(self.settings)

    @cached_property
    def not_initials(self) -> frozenset[str]:
        """``not_initials`` of the settings, in capitals."""
        return not_initials(self.settings)

    @cached_property
    def also_initials(self) -> frozenset[str]:
        """``also_initials`` of the settings: abbreviations that are also common initials."""
        return frozenset(str(w).upper() for w in self.settings.get("also_initials", ()))


class Recognizer:
    """Finds identifiers of some labels in a processed ``Doc``."""

    name: ClassVar[str] = "recognizer"
    labels: ClassVar[tuple[str, ...]] = ()
    #: True for recognizers whose spans correct name guesses (rooms, story characters, pets):
    #: they run whenever names are detected
    guards_person: ClassVar[bool] = False

    def __init__(self, context: RecognizerContext) -> None:
        self.context = context

    def analyze(self, doc: Doc) -> list[IdentifierSpan]:
        raise NotImplementedError

    def span(self, start: int, end: int, label: str, score: float) -> IdentifierSpan:
        return IdentifierSpan(start, end, label, self.name, score)


class PatternRecognizer(Recognizer):
    """Regular expressions graded by confidence, with a ``validate_result`` hook.

    ``PATTERNS``: ``(pattern name, regex, score)``; ``CONTEXT``: lower-case words
    that raise the score by ``CONTEXT_BOOST`` when they occur within
    ``CONTEXT_WINDOW`` characters before a match.
    """

    LABEL: ClassVar[str] = ""
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = []
    CONTEXT: ClassVar[list[str]] = []
    CONTEXT_BOOST: ClassVar[float] = 0.2
    CONTEXT_WINDOW: ClassVar[int] = 40
    #: a regex that matches somewhere in every text in which any of ``PATTERNS`` matches (a cheap pre-check:
    #: without it, none of the patterns is tried); ``None``: always try them
    TRIGGER: ClassVar[str | None] = None

    def __init__(self, context: RecognizerContext) -> None:
        super().__init__(context)
        self._compiled = [(name, re.compile(rx), score) for name, rx, score in self.PATTERNS]
        self._trigger = re.compile(self.TRIGGER) if self.TRIGGER else None

    def validate_result(self, match: re.Match[str]) -> bool:
        """Return False to drop a match (checksums, dates, ...)."""
        return True

    def analyze(self, doc: Doc) -> list[IdentifierSpan]:
        text = doc_text(doc)
        found: list[IdentifierSpan] = []
        if self._trigger is not None and self._trigger.search(text) is None:
            return found
        for _name, rx, base_score in self._compiled:
            for m in rx.finditer(text):
                if not self.validate_result(m):
                    continue
                before = text[max(0, m.start() - self.CONTEXT_WINDOW) : m.start()].lower()
                boosted = any(word in before for word in self.CONTEXT)
                score = min(1.0, base_score + self.CONTEXT_BOOST) if boosted else base_score
                found.append(self.span(m.start(), m.end(), self.LABEL, score))
        return found


OPENERS = {'"', "“", "„", "'", "«", "»", "-", "–", "—", "•", "*", ":", "(", "[", "…"}

#: where a sentence starts: the text start, after ".", "!", "?" (and quotes) and a space, or after a line break
_SENTENCE_START = re.compile(r"(?:^|[.!?][\"”»)]*\s+|\n\s*)[^\w\n]*?([^\W\d_])")


def lower_case_text(text: str) -> bool:
    """True when ``text`` is written without capitals: at least 60 % of its sentences (of two or
    more) open in lower case, or a one-sentence text holds no capital letter at all ("i dag legede
    mads og sofie med klodser. mads var glad")."""
    lower = upper = 0
    for m in _SENTENCE_START.finditer(text):
        if m.group(1).islower():
            lower += 1
        else:
            upper += 1
    if lower + upper >= 2:
        return lower >= 0.6 * (lower + upper)
    return lower == 1 and not any(ch.isupper() for ch in text)


def doc_lower_case(doc: Doc) -> bool:
    """``lower_case_text`` of the doc's text, computed once per doc."""
    flag = doc.user_data.get("narrativ_lower_case")
    if flag is None:
        flag = doc.user_data["narrativ_lower_case"] = lower_case_text(doc_text(doc))
    return flag


def _is_symbol(text: str) -> bool:
    """An emoji or other symbol ("🙂", "🐣", "✔️"): no letter, digit or punctuation that continues a sentence."""
    return not any(ch.isalnum() for ch in text) and all(ord(ch) > 0x206F for ch in text)


def token_lowers(doc: Doc) -> list[str]:
    """Every token's lower-case form (spaCy's ``lower_``: ``str.lower`` of its text), once per doc."""
    lowers = doc.user_data.get("narrativ_lowers")
    if lowers is None:
        lowers = doc.user_data["narrativ_lowers"] = [t.lower() for t in token_texts(doc)[0]]
    return lowers


def is_initial(token: Token) -> bool:
    """True when a token stands where Danish capitalises any word (sentence or line start)."""
    return initial_flags(token.doc)[token.i]


def _is_initial(token: Token) -> bool:
    if token.is_sent_start or token.i == 0:
        return True
    prev = token.doc[token.i - 1]
    if prev.is_space or prev.text in OPENERS or prev.text.endswith((".", "!", "?")) and len(prev.text) == 1:
        return True
    # after an emoji ("på tur 🌧️ Børnene elsker ...") or a number ending a sentence ("kl. 14. Husk ...")
    if _is_symbol(prev.text) or (prev.text[:1].isdigit() and prev.text.endswith(".")):
        return True
    # bullet lines and numbered lists: "1." or "-" as the first token of a line
    if prev.i == 0 or prev.doc[prev.i - 1].is_space or "\n" in prev.doc[prev.i - 1].whitespace_:
        return prev.text in OPENERS or prev.like_num
    return "\n" in prev.whitespace_


def initial_flags(doc: Doc) -> InitialFlags:
    """``is_initial`` by token index: each index computed when first asked for (a recognizer asks for a
    few tokens of a text, several recognizers for the same ones) and kept for the doc. Read after the
    sentence boundaries are set (the recognizers run after the segmenter)."""
    flags = doc.user_data.get("narrativ_initial")
    if flags is None:
        flags = doc.user_data["narrativ_initial"] = InitialFlags(doc)
    return flags


class InitialFlags:
    """``flags[i]``: ``is_initial(doc[i])`` (see ``initial_flags``). Computed from ``Token`` objects: for the
    few tokens asked for, cheaper than reading whole columns with ``Doc.to_array``."""

    __slots__ = ("_doc", "_memo")

    def __init__(self, doc: Doc) -> None:
        self._doc = doc
        self._memo: dict[int, bool] = {}

    def __len__(self) -> int:
        return len(self._doc)

    def __getitem__(self, i: int) -> bool:
        try:
            return self._memo[i]
        except KeyError:
            pass
        token = self._doc[i]  # an IndexError out of range, as ``doc[i]``
        flag = self._memo[i] = self._memo[token.i] = bool(_is_initial(token))
        return flag


@dataclass(frozen=True)
class SubjectCues:
    """Words after a sentence-initial word that say it is a name (``subject_cues`` in ``data/identifiers.yaml``)."""

    verbs: frozenset[str]
    family_nouns: frozenset[str]
    prepositions: frozenset[str]
    after_og: frozenset[str]
    age_units: frozenset[str]

    @classmethod
    def from_settings(cls, settings: dict) -> SubjectCues:
        cues = settings["subject_cues"]
        return cls(*(frozenset(w.lower() for w in cues[key]) for key in ("verbs", "family_nouns", "prepositions", "after_og", "age_units")))


def not_initials(settings: dict) -> frozenset[str]:
    """Capitals that are no one's initials (``not_initials`` in ``data/identifiers.yaml``)."""
    return frozenset(str(w).upper() for w in settings["not_initials"])


def age_follows(token: Token, cues: SubjectCues) -> bool:
    """True when an age follows ``token``: "Oscar 2 år", "Viola 1,5 år", "Bo 14 mdr."."""
    doc = token.doc
    if token.i + 2 >= len(doc) or not doc[token.i + 1].text[:1].isdigit():
        return False
    return doc[token.i + 2].lower_ in cues.age_units


def looks_like_subject(token: Token, cues: SubjectCues) -> bool:
    """True when the words after ``token`` suggest that ``token`` is a name: a finite verb
    ("Sten slår"), an age ("Oscar 2 år", "Vilja (16 mdr.)"), a vocative comma, a family noun
    after a possessive ("Elms far"), a preposition ("Kim fra stuen") or "og" with a name or a
    possessive pronoun after it ("Pil og hendes lillebror")."""
    doc = token.doc
    if token.i + 1 >= len(doc):
        return False
    nxt = doc[token.i + 1]
    low = nxt.lower_
    if nxt.text in ("(", ",", "!", ":") or low in cues.verbs or low in cues.family_nouns or low in cues.prepositions:
        return True
    if age_follows(token, cues):
        return True
    if nxt.is_alpha and len(low) > 3 and low.endswith(("ede", "te", "de", "er")):
        return True
    if low == "og" and token.i + 2 < len(doc):
        after = doc[token.i + 2]
        return after.lower_ in cues.after_og or (after.is_alpha and after.text[:1].isupper() and not after.is_upper)
    return False
