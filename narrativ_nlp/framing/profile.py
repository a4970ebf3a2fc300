"""The narrative profile: counts, resource share, categories and the checklist."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc

from narrativ_nlp.framing.component import FramingFinding
from narrativ_nlp.framing.rules import PatternSet
from narrativ_nlp.identifiers.recognizers.base import doc_text
from narrativ_nlp.resources import load_yaml


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    label: str
    present: bool
    evidence_start: int | None = None
    evidence_end: int | None = None
    evidence_text: str | None = None


@dataclass(frozen=True)
class NarrativeProfile:
    n_sentences: int
    n_deficit_sentences: int
    n_resource_sentences: int
    resource_share: float | None  # 0-100: resource sentences / sentences with any framing; None if none
    categories: dict[str, int]
    checklist: tuple[ChecklistItem, ...]


@lru_cache(maxsize=1)
def _checklist() -> tuple[PatternSet, list[dict]]:
    items = load_yaml("checklist.yaml")["items"]
    return PatternSet({item["id"]: item["patterns"] for item in items}), items


def build_profile(doc: Doc, findings: list[FramingFinding]) -> NarrativeProfile:
    sents = list(doc.sents)
    deficit_sents, resource_sents = set(), set()
    categories: dict[str, int] = {}
    for f in findings:
        idx = next((i for i, s in enumerate(sents) if s.start_char <= f.start < s.end_char), None)
        if idx is None:
            continue
        (deficit_sents if f.kind == "deficit" else resource_sents).add(idx)
        if f.category:
            categories[f.category] = categories.get(f.category, 0) + 1
    total = len(deficit_sents) + len(resource_sents)
    share = round(100 * len(resource_sents) / total, 1) if total else None
    patterns, items = _checklist()
    first = patterns.first_matches(doc)
    # a named person other than the focal child (the first one named) also counts as "others present"; the focal
    # child's own name in another form ("Emmas", "Emma" after "Emma Hansen") is the same person, not someone else
    detection = doc._.identifiers
    if "others_present" not in first and detection is not None:
        from narrativ_nlp.identifiers.pseudonymise import person_key

        text = doc_text(doc)
        persons = [s for s in detection.spans if s.label == "PERSON"]
        keys = person_key(text, persons) if persons else {}
        other = next((s for s in persons if keys[(s.start, s.end)] != keys[(persons[0].start, persons[0].end)]), None)
        if other is not None:
            span = doc.char_span(other.start, other.end, alignment_mode="expand")
            if span is not None:
                first["others_present"] = (span.start, span.end)
    checklist = []
    for item in items:
        if item["id"] in first:
            s, e = first[item["id"]]
            span = doc[s:e]
            checklist.append(ChecklistItem(item["id"], item["label"], True, span.start_char, span.end_char, span.text))
        else:
            checklist.append(ChecklistItem(item["id"], item["label"], False))
    return NarrativeProfile(len(sents), len(deficit_sents), len(resource_sents), share, categories, tuple(checklist))
