"""The ``narrativ_framing`` spaCy component: rules and classifier → one finding per span."""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.framing.classifier import SentenceClassifier, mask_names
from narrativ_nlp.framing.rules import GUARDED_KEY, RuleMatcher, _match_longest, _starts, _Token, compile_pattern, guard_blocks, load_rules
from narrativ_nlp.framing.segment import QUOTES, _quote_spans, first_non_space, last_non_space
from narrativ_nlp.framing.subject import Subject, SubjectResolver
from narrativ_nlp.identifiers.recognizers.base import doc_text
from narrativ_nlp.resources import framing_categories, load_yaml
from narrativ_nlp.tokens import token_table

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
    subject: tuple[int, int] | None = None  # the PERSON mention of the child the phrasing is about
    subject_text: str | None = None  # that child's name (possessive removed); None: no named child
    subject_reason: str | None = None  # how it was found (narrativ_nlp.framing.subject reasons)

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


def render(template: str, name: str, excerpt: str) -> str:
    return template.replace("{navn}", name).replace("{udsnit}", excerpt)


_QUOTED = re.compile(r'"([^"]*)"')
_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=1)
def suggestion_settings() -> dict:
    """``data/framing_suggestions.yaml``: templates per category, gating and metadata keys."""
    return load_yaml("framing_suggestions.yaml")


def invented_example(template: str, markers: list[str]) -> bool:
    """True when a suggestion carries an example situation the narrative did not give."""
    if any(m in template for m in markers):
        return True
    return any(q.strip() != "{udsnit}" for q in _QUOTED.findall(template))


def is_metadata_line(text: str, keys: frozenset[str]) -> bool:
    """A line that is only identifiers or metadata: no letters (a CPR or phone line), mostly
    digits, or no final punctuation with a digit ("Observation 3. marts") or a key and a colon."""
    s = text.strip()
    if _LETTER.search(s) is None:
        return True
    digits = len(_DIGIT.findall(s))
    if digits and digits >= 0.4 * (len(_LETTER.findall(s)) + digits):
        return True
    key, colon, _ = s.partition(":")
    if colon and key.strip().lower() in keys:
        return True  # "Barn: Mykola K.", "Dato: 3. marts"
    if s[-1] in ".!?…\"»”)":
        return False
    return bool(digits) and len(s.split()) <= 6


def is_heading(text: str, max_words: int) -> bool:
    """A short line without final punctuation ("Sociale kompetencer", "Hej Sanna 🌸")."""
    s = text.strip()
    return bool(s) and s[-1] not in ".!?…\"»”)" and len(s.split()) <= max_words


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
            if classifier_path is None:  # the bundled (or configured) model: an error naming it, never a fallback
                from narrativ_nlp.framing.classifier import MODEL_FILE

                raise NarrativError("E005", name="framing-klassifikatoren", path=str(directory / MODEL_FILE)) from exc
            logger.warning("framing classifier unavailable: %s", exc.code)
            self.notes.append("Klassifikatoren er ikke tilgængelig; kun reglerne bruges. (" + str(exc) + ")")
        sugg = suggestion_settings()
        self.templates: dict[str, dict[str, list[str]]] = sugg["templates"]
        self.require_child = frozenset(sugg["require_child_subject"])
        self.example_markers = list(sugg["invented_example_markers"])
        self.max_suggestions = int(sugg["max_suggestions"])
        self.fallback_name = str(sugg["fallback_name"])
        self.metadata_keys = frozenset(str(k).lower() for k in sugg["metadata_keys"])
        self.merge_gap = int(sugg["merge_gap_chars"])
        self.heading_words = int(sugg["classifier_min_heading_words"])
        self.subject_resolver = SubjectResolver()  # when the pipeline has no narrativ_subject
        # sentences that argue against deficit phrasing ("I stedet for 'han kan ikke vente' skriver
        # vi ...", "Vi skal holde op med at kalde børn urolige") carry none of the categories given
        # (and hedged worries, "Er det fordi hun er genert ...?": framing-guide.md, hedged statements)
        self.guards = [
            ([[_Token(t) for t in compile_pattern(p)] for p in g.get("patterns", [])], frozenset(g.get("categories", [])))
            for g in (data.get(key) or {} for key in ("counter_speech", "hedges"))
        ]
        # each rule's own suggestions that invent no example, checked once
        self.rule_suggestions = {
            r.id: tuple(t for t in r.suggestions if not invented_example(t, self.example_markers)) for r in self.rules
        }

    def guarded_sentences(self, doc: Doc, sent_starts: list[int]) -> dict[int, frozenset[str]]:
        """Sentence index -> the deficit categories it cannot carry: a ``counter_speech`` or ``hedges``
        pattern of framing_rules.yaml matches in it."""
        out: dict[int, frozenset[str]] = {}
        if not any(patterns for patterns, _ in self.guards):
            return out
        lowers, lemmas, sent_end = token_table(doc)
        for patterns, categories in self.guards:
            for toks in patterns:
                for t in _starts(toks[0], doc):
                    if _match_longest(toks, lowers, lemmas, t, sent_end[t]) > t:
                        i = bisect_right(sent_starts, t) - 1
                        out[i] = out.get(i, frozenset()) | categories
        return out

    def _name(self, subject: Subject) -> str:
        return subject.name if subject.child and subject.name else self.fallback_name

    def _suggestions(self, kind: str, category: str | None, rule_id: str | None, name: str, excerpt: str) -> tuple[str, ...]:
        if category is None:
            templates = list(self.settings["classifier_suggestions"][kind])
        else:
            templates = list(self.templates.get(kind, {}).get(category, [])) + list(self.rule_suggestions.get(rule_id or "", ()))
        out: list[str] = []
        for t in templates:
            r = render(t, name, excerpt)
            if r not in out:
                out.append(r)
        return tuple(out[: self.max_suggestions])

    def __call__(self, doc: Doc) -> Doc:
        sents = list(doc.sents)
        text = doc_text(doc)  # slices of it, not Span.text: that builds Token objects
        bounds = [(first_non_space(text, s.start_char, s.end_char), last_non_space(text, s.start_char, s.end_char)) for s in sents]
        sent_texts = [text[a:b] for a, b in bounds]
        sent_starts = [s.start for s in sents]
        metadata = [is_metadata_line(t, self.metadata_keys) if t else True for t in sent_texts]
        subjects = doc._.subjects if Doc.has_extension("subjects") and doc._.subjects is not None else self.subject_resolver(doc)
        probs = None
        if self.classifier is not None and sents:
            name_spans = []
            if doc._.identifiers is not None:
                name_spans = [(s.start, s.end) for s in doc._.identifiers.spans if s.label == "PERSON"]
            texts = []
            for (a, b), sent_text in zip(bounds, sent_texts):
                inside = [(x - a, y - a) for x, y in name_spans if a <= x and y <= b]
                texts.append(mask_names(sent_text, inside))
            probs = self.classifier.predict_proba(texts)
        weights = self.settings["rule_weight"]
        best: dict[tuple, FramingFinding] = {}  # (sentence, kind, category, start): the strongest
        covered: set[tuple[int, str]] = set()
        countered = self.guarded_sentences(doc, sent_starts)
        for i in countered:
            covered.add((i, "deficit"))  # no classifier-only deficit finding either
        quotes = _quote_spans(text) if any(c in QUOTES for c in text) else []
        for m in self.matcher(doc):
            i = bisect_right(sent_starts, m.span.start) - 1  # matches do not cross sentences
            if metadata[i]:
                continue
            kind, category = m.rule.kind, m.rule.category
            if kind == "deficit" and category in countered.get(i, ()):
                continue
            if category == "label" and len(m.span) == 1 and m.span[0].is_title and not m.span[0].is_sent_start:
                continue  # a capitalised label noun inside a sentence is a name ("stuens marsvin, Bølle")
            start, end = m.span.start_char, m.span.end_char
            local, subject = subjects.for_finding(start, end)  # its clause's subject, the child it names
            covered.add((i, kind))
            if category in self.require_child and not local.child and not (
                # the writer's clause about a specific child ("Vi må vente på ham hver gang"); a clause
                # about nobody ("halvdelen af ungerne er små tyranner") about any children
                (local.reason == "writer" and subjects.mentions_child(start, end, specific=True))
                or (local.reason == "none" and subjects.mentions_child(start, end))
                or (m.rule.child_object and subjects.mentions_child(start, end))
                # a verdict quoted inside an adult's or the writer's clause ('siger, at "børn i dag er
                # skærmzombier, der aldrig leger"'): the quote is about the children the sentence names
                or (any(a < start and end <= b for a, b in quotes) and subjects.mentions_child(start, end))
                # "Og sådan er det hver eneste dag": "det" is the behaviour of the sentence before
                or (m.rule.anaphoric and local.reason == "none" and i > 0 and not metadata[i - 1]
                    and subjects.sentence[i - 1].child)
            ):
                # "Vi har altid travlt", "Det er altid svært", "Pædagog Lone er altid træt": not about
                # a child ("Vi må vente på ham hver gang" is: the writer's clause about a child)
                continue
            span_text = text[start:end]
            p = None if probs is None else float(probs[i][0 if kind == "deficit" else 1])
            w = float(weights[kind])
            conf = m.rule.confidence if p is None else w * m.rule.confidence + (1 - w) * p
            floor = (self.settings.get("named_child_floor") or {}).get(kind)
            if floor and p is not None and local.reason == "name" and p >= float(floor.get("min_probability", 0.0)):
                # the classifier sees the name as NAVN and scores such sentences lower than the same
                # sentence with a pronoun ("NAVN trøstede NAVN." 0.27, "Hun trøstede NAVN." 0.48)
                conf = max(conf, float(floor["confidence"]))
            finding = FramingFinding(
                start=start,
                end=end,
                text=span_text,
                label=LABEL_OF_KIND[kind],
                kind=kind,
                category=category,
                category_label=self.categories[kind][category]["label"],
                rule_id=m.rule.id,
                source="rule" if p is None else "rule+classifier",
                confidence=round(conf, 3),
                explanation=m.rule.explanation,
                suggestions=self._suggestions(kind, category, m.rule.id, self._name(subject), span_text),
                rule_confidence=m.rule.confidence,
                classifier_probability=None if p is None else round(p, 4),
                subject=subject.span,
                subject_text=subject.name,
                subject_reason=subject.reason,
            )
            # one finding per sentence and category: the most confident (then the longest) stays;
            # in a long unpunctuated run only findings close to each other are one
            key = (i, kind, category, start)
            same = [k for k, g in best.items() if k[:3] == key[:3] and (g.start - end < self.merge_gap and start - g.end < self.merge_gap)]
            if same:
                old = best[same[0]]
                if (finding.confidence, finding.end - finding.start) <= (old.confidence, old.end - old.start):
                    continue
                del best[same[0]]
            best[key] = finding
        # overlapping findings of one kind (different categories) keep the most confident
        kept: dict[tuple, FramingFinding] = {}
        for key, f in sorted(best.items(), key=lambda kv: -kv[1].confidence):
            if any(k[1] == f.kind and g.start < f.end and f.start < g.end for k, g in kept.items()):
                continue
            kept[key] = f
        best = kept
        if probs is not None:
            thresholds = self.settings["classifier_only_threshold"]
            by_subject = self.settings.get("classifier_only_subject_threshold") or {}
            for i, sent in enumerate(sents):
                if metadata[i] or is_heading(sent_texts[i], self.heading_words):
                    continue  # the classifier reads tone; a heading has none of its own
                a, b = bounds[i]
                for j, kind in enumerate(("deficit", "resource")):
                    p = float(probs[i][j])
                    if p < float(thresholds[kind]) or (i, kind) in covered:
                        continue
                    _, subject = subjects.for_finding(a, b)
                    if kind in by_subject:
                        # stronger evidence without a rule: the sentence must be about a child, and
                        # one found only as the narrative's focal child needs a higher probability
                        # (the classifier reads tone; on real texts about adults, children in
                        # general or nobody it flagged neutral and positive lines)
                        need = by_subject[kind].get(subject.reason)
                        if need is None or p < float(need):
                            continue
                    best[(i, kind, "", a)] = FramingFinding(
                        start=a,
                        end=b,
                        text=sent_texts[i],
                        label=LABEL_OF_KIND[kind],
                        kind=kind,
                        category=None,
                        category_label="Anden formulering (fundet af modellen)",  # the same words in the CLI and the app
                        rule_id=None,
                        source="classifier",
                        confidence=round(p, 3),
                        explanation=self.settings["classifier_explanation"][kind],
                        suggestions=self._suggestions(kind, None, None, self._name(subject), sent_texts[i]),
                        classifier_probability=round(p, 4),
                        subject=subject.span if subject.child else None,
                        subject_text=subject.name if subject.child else None,
                        subject_reason=subject.reason,
                    )
        findings = sorted(best.values(), key=lambda f: (f.start, f.kind))
        guarded = doc.user_data.get(GUARDED_KEY)
        if guarded:  # the same findings in doc._.framing, doc.spans and analyse(): none in a guarded sentence
            findings = [f for f in findings if not guard_blocks(f, guarded)]
        scores = [
            SentenceScore(a, b, None if probs is None else round(float(probs[i][0]), 3),
                          None if probs is None else round(float(probs[i][1]), 3))
            for i, (a, b) in enumerate(bounds)
        ]
        doc._.framing = FramingResult(findings, scores, self.classifier is not None, list(self.notes))
        spans = []
        for f in findings:
            span = doc.char_span(f.start, f.end, label=f.label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans["framing"] = SpanGroup(doc, name="framing", spans=spans)
        return doc
