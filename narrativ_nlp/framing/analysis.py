"""``analyse(text) -> Analysis``: the writer's assistant in one call."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from spacy.language import Language

from narrativ_nlp.framing.component import FramingFinding, SentenceScore
from narrativ_nlp.framing.profile import NarrativeProfile, build_profile
from narrativ_nlp.framing.segment import first_non_space
from narrativ_nlp.resources import load_yaml

#: texts longer than this are analysed in chunks of sentences (memory and latency stay flat)
CHUNK_CHARS = 5_000


@dataclass
class Analysis:
    """Findings at the chosen confidence, the hidden ones, sentence scores and the profile."""

    text: str
    findings: list[FramingFinding]
    hidden_findings: list[FramingFinding]
    sentences: list[SentenceScore]
    profile: NarrativeProfile | None
    classifier_available: bool
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: per sentence: (start, end, subject span or None, reason) — who the sentence is about
    #: (``narrativ_subject``); the span is the PERSON mention of the child, offsets into ``text``
    sentence_subjects: list[tuple[int, int, tuple[int, int] | None, str]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()


def _chunks(text: str) -> list[tuple[int, str]]:
    """Split a long text at paragraph or sentence ends into pieces of about ``CHUNK_CHARS``."""
    if len(text) <= CHUNK_CHARS:
        return [(0, text)]
    pieces = []
    start = 0
    while start < len(text):
        end = min(len(text), start + CHUNK_CHARS)
        if end < len(text):
            cut = max(text.rfind("\n", start, end), text.rfind(". ", start, end))
            if cut > start:
                end = cut + 1
        pieces.append((start, text[start:end]))
        start = end
    return pieces


def _shift(f: FramingFinding, offset: int) -> FramingFinding:
    from dataclasses import replace

    subject = None if f.subject is None else (f.subject[0] + offset, f.subject[1] + offset)
    return replace(f, start=f.start + offset, end=f.end + offset, subject=subject)


def analyse(text: str, more: bool = False, nlp: Language | None = None) -> Analysis:
    """Analyse a narrative's framing.

    ``more=True`` ("flere forslag") shows findings down to the lower threshold.
    Empty or whitespace text gives an empty analysis. Nothing in ``text`` is changed.
    """
    from narrativ_nlp.pipeline import load_pipeline, ner_only_pipes

    t0 = time.perf_counter()
    settings = load_yaml("framing_rules.yaml")["settings"]
    thresholds = {k: float(settings["more_threshold"]) if more else float(v) for k, v in settings["default_threshold"].items()}
    if not text or not text.strip():
        return Analysis(text, [], [], [], None, True)
    nlp = nlp or load_pipeline()
    findings: list[FramingFinding] = []
    sentences: list[SentenceScore] = []
    available, notes = True, []
    profile = None
    subjects: list[tuple[int, int, tuple[int, int] | None, str]] = []
    disable = ner_only_pipes(nlp)
    chunks = _chunks(text)
    for offset, chunk in chunks:
        # names only: the writer's assistant needs them for suggestions, not CPR or addresses
        doc = nlp(chunk, disable=disable, component_cfg={"narrativ_identifiers": {"names_only": True}})
        result = doc._.framing  # without findings in guarded sentences (the component drops them)
        findings.extend(_shift(f, offset) for f in result.findings)
        sentences.extend(SentenceScore(s.start + offset, s.end + offset, s.deficit, s.resource) for s in result.sentences)
        for s_start, s_end, span, reason in doc._.sentence_subjects or []:
            s_start = first_non_space(chunk, s_start, s_end)
            subj = None if span is None else (span.start_char + offset, span.end_char + offset)
            subjects.append((s_start + offset, s_end + offset, subj, reason))
        available = available and result.classifier_available
        notes = result.notes
        if len(chunks) == 1:
            profile = build_profile(doc, [f for f in result.findings if f.confidence >= thresholds[f.kind]])
    shown = [f for f in findings if f.confidence >= thresholds[f.kind]]
    hidden = [f for f in findings if f.confidence < thresholds[f.kind]]
    if len(chunks) > 1:
        notes = notes + [f"Teksten er lang ({len(text)} tegn) og blev analyseret i {len(chunks)} dele; profilen vises ikke."]
    return Analysis(text, shown, hidden, sentences, profile, available, notes, round(time.perf_counter() - t0, 4), subjects)
