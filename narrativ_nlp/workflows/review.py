"""Detect identifiers for review, grouped by person, and apply what the user decided.

    review = detect_for_review(text, keep=["Trofast"], add=[AddTerm("Vesterby", "PLACE")])
    for person in review.persons: ...             # one row per person: every occurrence under it
    spans = review.spans_for(chosen_person_ids)   # what the user ticked
    result = pseudonymise(text, spans)

A person is a full name with its first name, last name and possessives in the text ("Oliver
Hansen", "Oliver", "Olivers"): one decision and one pseudonym for all of them. Other identifiers
(CPR, phone, ...) are grouped by their text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from narrativ_nlp.identifiers.pseudonymise import PseudonymisedText, Pseudonymiser, person_key
from narrativ_nlp.identifiers.types import LABEL_DA, IdentifierSpan

#: labels a user can give a word the detector missed; PLACE and OTHER are replaced as "[Sted]",
#: "[Andet]" (a town, a club, a book title the user wants hidden)
ADD_LABELS = ("PERSON", "PLACE", "INSTITUTION", "OTHER", "ADDRESS", "PHONE", "EMAIL", "CPR")
USER_SOURCE = "bruger"


@dataclass(frozen=True)
class AddTerm:
    """A word or phrase the detector missed: every whole-word occurrence is added with ``label``."""

    surface: str
    label: str = "PERSON"


@dataclass(frozen=True)
class PersonGroup:
    """One row of the review: a person (or another identifier) with all its occurrences."""

    id: str
    label: str
    label_da: str
    display: str  # the longest form found, e.g. "Oliver Hansen"
    forms: tuple[str, ...]  # every distinct surface ("Oliver", "Olivers", "Oliver Hansen")
    spans: tuple[IdentifierSpan, ...]
    score: float
    source: str
    preselected: bool  # above the threshold (or added by the user)

    @property
    def n(self) -> int:
        return len(self.spans)


@dataclass
class Review:
    text: str
    persons: list[PersonGroup]
    threshold: float
    kept: list[str] = field(default_factory=list)  # words the user said are not names

    def spans_for(self, ids: Iterable[str] | None = None) -> list[IdentifierSpan]:
        """The spans of the chosen groups (``None``: the pre-selected ones), in text order."""
        chosen = {p.id for p in self.persons if p.preselected} if ids is None else set(ids)
        return sorted((s for p in self.persons if p.id in chosen for s in p.spans), key=lambda s: s.start)

    def all_spans(self) -> list[IdentifierSpan]:
        return sorted((s for p in self.persons for s in p.spans), key=lambda s: s.start)


def _word_re(surface: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(surface)}(?:'s|’s|s|'|’)?(?![\w-])", re.IGNORECASE)


def add_term_spans(text: str, terms: Sequence[AddTerm]) -> list[IdentifierSpan]:
    """Every whole-word occurrence (any case, with a possessive ending) of each term."""
    out = []
    for term in terms:
        surface = term.surface.strip()
        if len(surface) < 2:
            continue
        label = term.label if term.label in ADD_LABELS else "OTHER"
        out.extend(IdentifierSpan(m.start(), m.end(), label, USER_SOURCE, 1.0) for m in _word_re(surface).finditer(text))
    return out


def merge_user_spans(detected: list[IdentifierSpan], added: list[IdentifierSpan]) -> list[IdentifierSpan]:
    """The user's spans win over overlapping detected ones."""
    added = sorted(added, key=lambda s: (s.start, -(s.end - s.start)))
    kept_added: list[IdentifierSpan] = []
    for s in added:
        if not any(s.start < a.end and a.start < s.end for a in kept_added):
            kept_added.append(s)
    rest = [d for d in detected if not any(d.start < a.end and a.start < d.end for a in kept_added)]
    return sorted(rest + kept_added, key=lambda s: s.start)


def drop_kept(text: str, spans: list[IdentifierSpan], keep: Iterable[str]) -> list[IdentifierSpan]:
    """Spans whose word (any case, possessive stripped) the user marked "ikke et navn" are dropped."""
    words = {k.strip().lower() for k in keep if k.strip()}
    if not words:
        return spans
    out = []
    for s in spans:
        surface = text[s.start:s.end].lower()
        stem = re.sub(r"(?:'s|’s|'|’|s)$", "", surface)
        if surface not in words and stem not in words:
            out.append(s)
    return out


def group_spans(text: str, spans: Sequence[IdentifierSpan], threshold: float,
                preselected: set[IdentifierSpan] | None = None) -> list[PersonGroup]:
    """Group spans into people (full name ↔ first/last name ↔ possessive) and other identifiers."""
    keys = person_key(text, [s for s in spans if s.label == "PERSON"])
    groups: dict[tuple[str, str], list[IdentifierSpan]] = {}
    for s in sorted(spans, key=lambda s: s.start):
        if s.label == "PERSON":
            key = ("PERSON", keys[(s.start, s.end)])
        else:
            key = (s.label, " ".join(text[s.start:s.end].lower().split()))
        groups.setdefault(key, []).append(s)
    out = []
    for i, ((label, key), members) in enumerate(sorted(groups.items(), key=lambda kv: kv[1][0].start)):
        forms = tuple(dict.fromkeys(text[s.start:s.end] for s in members))
        best = max(members, key=lambda s: s.score)
        pre = any(s.score >= threshold or s.source == USER_SOURCE for s in members) if preselected is None \
            else any(s in preselected for s in members)
        out.append(PersonGroup(
            id=f"{label}:{key}", label=label, label_da=LABEL_DA.get(label, label.title()),
            display=max(forms, key=len), forms=forms, spans=tuple(members), score=best.score, source=best.source,
            preselected=pre,
        ))
    return out


def detect_for_review(text: str, keep: Iterable[str] = (), add: Sequence[AddTerm] = ()) -> Review:
    """Identifiers of ``text`` (pre-selected ones and weaker suggestions), grouped by person;
    ``keep``: words that are not names (dropped); ``add``: missed words (every occurrence added)."""
    from narrativ_nlp.anonymise import detect

    detection = detect(text)
    detected = drop_kept(text, detection.spans + detection.suggestions, keep)
    spans = merge_user_spans(detected, add_term_spans(text, add))
    return Review(text, group_spans(text, spans, detection.threshold), detection.threshold, list(keep))


def pseudonymise(text: str, spans: Sequence[IdentifierSpan], mode: str = "placeholder",
                 pseudonymiser: Pseudonymiser | None = None) -> PseudonymisedText:
    """Replace exactly ``spans`` in ``text`` (one pseudonym per person; nothing else changes)."""
    return (pseudonymiser or Pseudonymiser(mode=mode)).apply(text, spans)


def anonymise_text(text: str, mode: str = "placeholder") -> PseudonymisedText:
    """Detect and replace the pre-selected identifiers in one step (no review: batch use)."""
    from narrativ_nlp.anonymise import anonymise_text as _core

    return _core(text, mode=mode)
