"""Framing rules as data (``data/framing_rules.yaml``) compiled to spaCy matchers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from narrativ_nlp.resources import framing_categories, load_yaml

_QUANT = re.compile(r"^(.*?)(\?|\*|\+|\{\d*,\d*\})?$")


@dataclass(frozen=True)
class FramingRule:
    id: str
    kind: str  # "deficit" | "resource"
    category: str
    confidence: float
    patterns: tuple[str, ...]
    explanation: str
    suggestions: tuple[str, ...]
    exceptions: tuple[str, ...] = ()
    unless_sentence_has: frozenset[str] = frozenset()
    examples: dict[str, list[str]] = field(default_factory=dict, hash=False, compare=False)


def compile_pattern(pattern: str) -> list[dict[str, Any]]:
    """The compact token syntax of ``framing_rules.yaml`` → a spaCy Matcher pattern."""
    tokens: list[dict[str, Any]] = []
    for raw in pattern.split():
        m = _QUANT.match(raw)
        assert m is not None
        body, quant = m.group(1), m.group(2)
        if body == "_":
            spec: dict[str, Any] = {}
        elif body.startswith("re:"):
            spec = {"LOWER": {"REGEX": body[3:]}}
        elif body.startswith("~"):
            spec = {"LEMMA": {"IN": body[1:].split("|")}}
        else:
            spec = {"LOWER": {"IN": [w.lower() for w in body.split("|")]}}
        if quant:
            spec["OP"] = quant
        tokens.append(spec)
    # optional wildcards at either end only stretch the span: drop them
    def _optional_any(t: dict[str, Any]) -> bool:
        return set(t) == {"OP"} and (t["OP"] in ("?", "*") or t["OP"].startswith("{0") or t["OP"].startswith("{,"))

    while tokens and _optional_any(tokens[-1]):
        tokens.pop()
    while tokens and _optional_any(tokens[0]):
        tokens.pop(0)
    if not tokens or all(t.get("OP") in ("?", "*") or (t.get("OP", "").startswith("{0")) for t in tokens):
        raise ValueError(f"pattern {pattern!r} can match nothing or only optional tokens")
    return tokens


def load_rules(data: dict[str, Any] | None = None) -> list[FramingRule]:
    """Load and validate the rule file (or ``data`` with the same shape)."""
    data = data if data is not None else load_yaml("framing_rules.yaml")
    cats = framing_categories()
    rules = []
    seen = set()
    for r in data["rules"]:
        if r["id"] in seen:
            raise ValueError(f"duplicate rule id {r['id']!r}")
        seen.add(r["id"])
        if r["kind"] not in cats or r["category"] not in cats[r["kind"]]:
            raise ValueError(f"rule {r['id']!r}: category {r['category']!r} is not a {r['kind']} category")
        if not r.get("suggestions") or not 1 <= len(r["suggestions"]) <= 3:
            raise ValueError(f"rule {r['id']!r}: needs 1-3 suggestions")
        if not r.get("explanation"):
            raise ValueError(f"rule {r['id']!r}: needs an explanation")
        for p in list(r["patterns"]) + list(r.get("exceptions", [])):
            compile_pattern(p)
        rules.append(
            FramingRule(
                id=r["id"],
                kind=r["kind"],
                category=r["category"],
                confidence=float(r.get("confidence", 0.7)),
                patterns=tuple(r["patterns"]),
                explanation=r["explanation"],
                suggestions=tuple(r["suggestions"]),
                exceptions=tuple(r.get("exceptions", [])),
                unless_sentence_has=frozenset(w.lower() for w in r.get("unless_sentence_has", [])),
                examples=r.get("examples", {}),
            )
        )
    return rules


@dataclass(frozen=True)
class RuleMatch:
    rule: FramingRule
    span: Span


class RuleMatcher:
    """Run all rules over a ``Doc``: longest non-overlapping match per rule, minus exceptions."""

    def __init__(self, vocab: Vocab, rules: list[FramingRule]) -> None:
        self.rules = {r.id: r for r in rules}
        self.matcher = Matcher(vocab)
        self.exceptions = Matcher(vocab)
        for r in rules:
            self.matcher.add(r.id, [compile_pattern(p) for p in r.patterns], greedy="LONGEST")
            if r.exceptions:
                self.exceptions.add(r.id, [compile_pattern(p) for p in r.exceptions])

    def __call__(self, doc: Doc) -> list[RuleMatch]:
        blocked: dict[str, list[tuple[int, int]]] = {}
        for match_id, start, end in self.exceptions(doc):
            blocked.setdefault(doc.vocab.strings[match_id], []).append((start, end))
        out = []
        for match_id, start, end in self.matcher(doc):
            rule = self.rules[doc.vocab.strings[match_id]]
            if any(s < end and start < e for s, e in blocked.get(rule.id, [])):
                continue
            span = doc[start:end]
            if rule.unless_sentence_has and any(t.lower_ in rule.unless_sentence_has for t in span.sent):
                continue
            out.append(RuleMatch(rule, span))
        return sorted(out, key=lambda m: m.span.start)
