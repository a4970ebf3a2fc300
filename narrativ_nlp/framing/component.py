"""The ``narrativ_framing`` spaCy component: rules and classifier → one finding per span."""

from __future__ import annotations

import logging
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.framing.classifier import SentenceClassifier, mask_names
from narrativ_nlp.framing.rules import RuleMatcher, load_rules
from narrativ_nlp.identifiers.recognizers.base import doc_text
from narrativ_nlp.resources import framing_categories, load_yaml

logger = logging.getLogger(__name__)

LABEL_OF_KIND = {"deficit": "DEFICIT", "resource": "RESOURCE"}


@dataclass(frozen=True)
class FramingFinding:
    """One finding: a span of deficit- or resource-focused phrasing with its explanation."""

    start: int
    end: int
    text: str
    label: str  # DEFICIT | RESOURCE
    kind: str  # deficit | resource
    category: str | None  # a framing-guide category; None for a classifier-only finding
    category_label: str
    rule_id: str | None
    source: str  # "rule", "rule+classifier" or "classifier"
    confidence: float
    explanation: str
    suggestions: tuple[str, ...]
    rule_confidence: float | None = None  # the rule's own confidence (None: classifier alone)
    classifier_probability: float | None = None  # None when the classifier is unavailable

    @property
    def key(self) -> str:
        """A stable key for "ignore this finding" in a given text."""
        return f"{self.rule_id or 'classifier'}:{self.kind}:{self.start}:{self.end}"


@dataclass(frozen=True)
class SentenceScore:
    start: int
    end: int
    deficit: float | None  # classifier probability; None when the classifier is unavailable
    resource: float | None


@dataclass
class FramingResult:
    findings: list[FramingFinding]
    sentences: list[SentenceScore]
    classifier_available: bool
    notes: list[str] = field(default_factory=list)


class _Names:
    """The person names of a doc, computed once per doc (for suggestions)."""

    def __init__(self, doc: Doc) -> None:
        from narrativ_nlp.identifiers.lexicon import load_lexicon
        from narrativ_nlp.identifiers.pseudonymise import _split_possessive

        detection = doc._.identifiers
        persons = [] if detection is None else [s for s in detection.spans if s.label == "PERSON"]
        text = doc_text(doc)
        lexicon = load_lexicon()
        self.spans = [(s.start, _split_possessive(text[s.start : s.end], lexicon)[0]) for s in persons]
        names = [n for _, n in self.spans]
        self.main = max(names, key=lambda n: (names.count(n), -names.index(n))) if names else "barnet"

    def for_sentence(self, sent: Span) -> str:
        """The sentence's subject when a name opens it; otherwise the narrative's most named person."""
        for start, name in self.spans:
            if sent.start_char <= start <= sent.start_char + 12:
                return name
        return self.main


def render(template: str, name: str, excerpt: str) -> str:
    return template.replace("{navn}", name).replace("{udsnit}", excerpt)


class FramingComponent:
    """Find framing with rules (data) and the sentence classifier (model)."""

    def __init__(self, nlp: Language, name: str, classifier_path: str | None = None) -> None:
        from narrativ_nlp.pipeline import models_dir

        self.name = name
        data = load_yaml("framing_rules.yaml")
        self.settings = data["settings"]
        self.rules = load_rules(data)
        self.matcher = RuleMatcher(nlp.vocab, self.rules)
        self.categories = framing_categories()
        self.classifier: SentenceClassifier | None = None
        self.notes: list[str] = []
        directory = Path(classifier_path) if classifier_path else models_dir() / "framing"
        try:
            self.classifier = SentenceClassifier.load(directory)
        except NarrativError as exc:
            logger.warning("framing classifier unavailable: %s", exc.code)
            self.notes.append("Klassifikatoren er ikke tilgængelig; kun reglerne bruges. (" + str(exc) + ")")

    def __call__(self, doc: Doc) -> Doc:
        sents = list(doc.sents)
        text = doc_text(doc)  # slices of it, not Span.text: that builds Token objects
        sent_texts = [text[s.start_char : s.end_char] for s in sents]
        sent_starts = [s.start for s in sents]
        probs = None
        if self.classifier is not None and sents:
            name_spans = []
            if doc._.identifiers is not None:
                name_spans = [(s.start, s.end) for s in doc._.identifiers.spans if s.label == "PERSON"]
            texts = []
            for sent, sent_text in zip(sents, sent_texts):
                inside = [(a - sent.start_char, b - sent.start_char) for a, b in name_spans if sent.start_char <= a and b <= sent.end_char]
                texts.append(mask_names(sent_text, inside))
            probs = self.classifier.predict_proba(texts)
        weights = self.settings["rule_weight"]
        best: dict[tuple[int, int, str], FramingFinding] = {}
        covered: set[tuple[int, str]] = set()
        names = _Names(doc)
        for m in self.matcher(doc):
            i = bisect_right(sent_starts, m.span.start) - 1  # matches do not cross sentences
            sent = sents[i]
            span_text = text[m.span.start_char : m.span.end_char]
            p = None if probs is None else float(probs[i][0 if m.rule.kind == "deficit" else 1])
            w = float(weights[m.rule.kind])
            conf = m.rule.confidence if p is None else w * m.rule.confidence + (1 - w) * p
            name = names.for_sentence(sent)
            finding = FramingFinding(
                start=m.span.start_char,
                end=m.span.end_char,
                text=span_text,
                label=LABEL_OF_KIND[m.rule.kind],
                kind=m.rule.kind,
                category=m.rule.category,
                category_label=self.categories[m.rule.kind][m.rule.category]["label"],
                rule_id=m.rule.id,
                source="rule" if p is None else "rule+classifier",
                confidence=round(conf, 3),
                explanation=m.rule.explanation,
                suggestions=tuple(render(t, name, span_text) for t in m.rule.suggestions),
                rule_confidence=m.rule.confidence,
                classifier_probability=None if p is None else round(p, 4),
            )
            key = (m.span.start, m.span.end, m.rule.kind)
            # one finding per span: overlapping matches of the same kind keep the most confident
            clash = [k for k in best if k[2] == m.rule.kind and k[0] < m.span.end and m.span.start < k[1]]
            if clash:
                if all(best[k].confidence >= finding.confidence for k in clash):
                    covered.add((i, m.rule.kind))
                    continue
                for k in clash:
                    del best[k]
            best[key] = finding
            covered.add((i, m.rule.kind))
        if probs is not None:
            thresholds = self.settings["classifier_only_threshold"]
            for i, sent in enumerate(sents):
                for j, kind in enumerate(("deficit", "resource")):
                    p = float(probs[i][j])
                    if p < float(thresholds[kind]) or (i, kind) in covered:
                        continue
                    name = names.for_sentence(sent)
                    best[(sent.start, sent.end, kind)] = FramingFinding(
                        start=sent.start_char,
                        end=sent.end_char,
                        text=sent_texts[i],
                        label=LABEL_OF_KIND[kind],
                        kind=kind,
                        category=None,
                        category_label="Uden kategori (klassifikator)",
                        rule_id=None,
                        source="classifier",
                        confidence=round(p, 3),
                        explanation=self.settings["classifier_explanation"][kind],
                        suggestions=tuple(render(t, name, sent_texts[i]) for t in self.settings["classifier_suggestions"][kind]),
                        classifier_probability=round(p, 4),
                    )
        findings = sorted(best.values(), key=lambda f: (f.start, f.kind))
        scores = [
            SentenceScore(s.start_char, s.end_char, None if probs is None else round(float(probs[i][0]), 3),
                          None if probs is None else round(float(probs[i][1]), 3))
            for i, s in enumerate(sents)
        ]
        doc._.framing = FramingResult(findings, scores, self.classifier is not None, list(self.notes))
        spans = []
        for f in findings:
            span = doc.char_span(f.start, f.end, label=f.label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans["framing"] = SpanGroup(doc, name="framing", spans=spans)
        return doc
