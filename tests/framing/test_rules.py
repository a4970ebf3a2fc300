"""Every framing rule's own examples (as LanguageTool's rule examples), and the rule file's validation."""

from __future__ import annotations

import copy

import pytest

from narrativ_nlp.framing.rules import RuleMatcher, compile_pattern, load_rules
from narrativ_nlp.resources import load_yaml

RULES = load_rules()
CASES = [(r.id, ex, True) for r in RULES for ex in r.examples.get("fire", [])] + [
    (r.id, ex, False) for r in RULES for ex in r.examples.get("no_fire", [])
]


@pytest.fixture(scope="module")
def matcher(blank_nlp):
    return RuleMatcher(blank_nlp.vocab, RULES)


def test_rules_every_rule_has_examples_both_ways():
    for r in RULES:
        assert r.examples.get("fire"), r.id
        assert r.examples.get("no_fire"), r.id
        assert 1 <= len(r.suggestions) <= 3


@pytest.mark.parametrize("rule_id, sentence, fires", CASES)
def test_rules_examples(blank_nlp, matcher, rule_id, sentence, fires):
    found = [m for m in matcher(blank_nlp(sentence)) if m.rule.id == rule_id]
    assert bool(found) is fires, f"{rule_id} on {sentence!r}: {[m.span.text for m in found]}"


@pytest.mark.parametrize(
    "sentence, category",
    [
        ("Han kunne ikke vente på sin tur.", "inability"),
        ("Hun havde svært ved at sige farvel.", "inability"),
        ("Drengen har vanskeligt ved overgange.", "inability"),
    ],
)
def test_rules_inflections_match(blank_nlp, matcher, sentence, category):
    assert category in {m.rule.category for m in matcher(blank_nlp(sentence))}


def test_rules_pattern_syntax():
    assert compile_pattern("kan|kunne ikke _{0,2} sidde") == [
        {"LOWER": {"IN": ["kan", "kunne"]}},
        {"LOWER": {"IN": ["ikke"]}},
        {"OP": "{0,2}"},
        {"LOWER": {"IN": ["sidde"]}},
    ]
    assert compile_pattern("~have svært _?") == [{"LEMMA": {"IN": ["have"]}}, {"LOWER": {"IN": ["svært"]}}]
    with pytest.raises(ValueError):
        compile_pattern("_?")


@pytest.mark.parametrize(
    "breakage, message",
    [
        (lambda d: d["rules"][0].update(category="nonsense"), "category"),
        (lambda d: d["rules"][0].update(suggestions=[]), "suggestions"),
        (lambda d: d["rules"].append(copy.deepcopy(d["rules"][0])), "duplicate"),
        (lambda d: d["rules"][0].update(explanation=""), "explanation"),
    ],
)
def test_rules_broken_file_is_rejected(breakage, message):
    data = copy.deepcopy(load_yaml("framing_rules.yaml"))
    breakage(data)
    with pytest.raises(ValueError, match=message):
        load_rules(data)
