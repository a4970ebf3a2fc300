"""Typed results of identifier detection."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Danish names of the labels, as users see them
LABEL_DA = {
    "PERSON": "Person",
    "CPR": "CPR",
    "PHONE": "Telefon",
    "EMAIL": "E-mail",
    "ADDRESS": "Adresse",
    "INSTITUTION": "Institution",
    "ROOM": "Stue",  # a room or group of the day care ("Myretuen"): kept unless the user ticks it (replace_rooms)
    "PLACE": "Sted",  # added by a user in the review (a town, a club, a room name the user hides)
    "OTHER": "Andet",  # added by a user: anything else that identifies (a book title, a nickname of a place)
}


#: initials in capitals ("MK", "JBN", "ÅP"): the initials recognizer finds them, propagation
#: matches them only as written, and surrogate mode replaces them with other initials
INITIALS = "[A-ZÆØÅ]{2,3}"
_INITIALS_RE = re.compile(INITIALS)


def is_initials(word: str) -> bool:
    return _INITIALS_RE.fullmatch(word) is not None


#: possessive endings written with an apostrophe ("Iqra's", "Aya’s", "Yonas'")
APOSTROPHE_POSSESSIVES = ("'s", "’s", "'", "’")


def split_apostrophe(word: str) -> tuple[str, str]:
    """``Iqra's`` → (``Iqra``, ``'s``), ``Yonas'`` → (``Yonas``, ``'``); the stem keeps at least 2
    characters, and a word without such an ending is returned whole with ``""``."""
    for suffix in APOSTROPHE_POSSESSIVES:
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            return word[: -len(suffix)], suffix
    return word, ""


@dataclass(frozen=True)
class IdentifierSpan:
    """A detected (or user-added) identifier: character offsets into the text."""

    start: int
    end: int
    label: str
    source: str  # the recognizer that found it, or "user"
    score: float

    def text_in(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass
class Detection:
    """Detection result for review: ``spans`` are pre-selected when ``score >= threshold``."""

    text: str
    spans: list[IdentifierSpan]
    threshold: float
    suggestions: list[IdentifierSpan] = field(default_factory=list)  # below threshold, offered unticked

    @property
    def selected(self) -> list[IdentifierSpan]:
        return list(self.spans)
