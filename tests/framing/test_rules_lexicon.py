"""The word lists of framing_lexicon.yaml: their examples run through the rules, and negation scope."""

from __future__ import annotations

import pytest

from narrativ_nlp.framing.rules import RuleMatcher, compile_pattern, framing_lexicon, load_rules
from narrativ_nlp.resources import data_text, load_yaml

RULES = load_rules()
LEXICON = load_yaml("framing_lexicon.yaml")["lists"]

#: what a sentence that uses a list's words is expected to be found as
EXPECTED = {
    "label_adjectives": ("deficit", "label"),
    "label_nouns": ("deficit", "label"),
    "child_nouns": ("deficit", "label"),
    "frequency": ("deficit", "generalisation"),
    "inability_verbs": ("deficit", "inability"),
    "habit_verbs": ("deficit", "generalisation"),
    "intensifiers": ("resource", "competence"),
    "competence_adjectives": ("resource", "competence"),
    "enjoyment": ("resource", "emotion_positive"),
    "negators": ("deficit", None),  # negated negatives ("ikke bange") are no deficit at all
}
CASES = [(name, ex, True) for name, entry in LEXICON.items() for ex in entry["examples"].get("fire", [])] + [
    (name, ex, False) for name, entry in LEXICON.items() for ex in entry["examples"].get("no_fire", [])
]


@pytest.fixture(scope="module")
def matcher(blank_nlp):
    return RuleMatcher(blank_nlp.vocab, RULES)


def found(matcher, nlp, sentence: str) -> set[tuple[str, str]]:
    return {(m.rule.kind, m.rule.category) for m in matcher(nlp(sentence))}


def test_lexicon_every_list_is_used_has_a_source_and_examples():
    text = data_text("framing_rules.yaml")
    for name, entry in LEXICON.items():
        assert entry.get("source"), name
        assert entry["examples"].get("fire") or entry["examples"].get("no_fire"), name
        assert name in EXPECTED, f"no expectation for list {name!r}"
        if name != "negators":
            assert f"@{name}" in text, f"list {name!r} is not used by any rule"


@pytest.mark.parametrize("name, sentence, fires", CASES)
def test_lexicon_examples(blank_nlp, matcher, name, sentence, fires):
    kind, category = EXPECTED[name]
    got = found(matcher, blank_nlp, sentence)
    if category is None:
        hit = any(k == kind for k, _ in got)
    else:
        hit = (kind, category) in got
    assert hit is fires, f"{name} on {sentence!r}: {sorted(got)}"


def test_lexicon_words_are_single_lower_case_tokens():
    lists = framing_lexicon()
    assert "doven" in lists["label_adjectives"] and "dovne" in lists["label_adjectives"]
    for name, words in lists.items():
        assert words, name
        assert all(w == w.lower() and " " not in w for w in words), name


def test_lexicon_unknown_list_is_rejected():
    with pytest.raises(ValueError, match="no word list"):
        compile_pattern("er @no_such_list")
    assert compile_pattern("er @x", {"x": ["a", "b"]}) == [{"LOWER": {"IN": ["er"]}}, {"LOWER": {"IN": ["a", "b"]}}]


@pytest.mark.parametrize(
    "sentence, kind, category, fires",
    [
        # negation inside the match, after the finite verb (main clause)
        ("Han er ikke doven.", "deficit", "label", False),
        ("Han er doven.", "deficit", "label", True),
        ("Hun nyder ikke at bade.", "resource", "emotion_positive", False),
        ("Hun nyder at bade.", "resource", "emotion_positive", True),
        ("Han slapper ikke af.", "resource", "emotion_positive", False),
        # negation before the match (subordinate clause, "ikke længere", "slet ikke")
        ("Jeg ser, at hun ikke er glad for bleskift.", "resource", "emotion_positive", False),
        ("Han er slet ikke bange for hunden.", "deficit", "label", False),
        # a comma or "men" ends the negation's scope
        ("Han var ikke med i går, men i dag hyggede han sig.", "resource", "emotion_positive", True),
        ("Hun ville ikke ud, men hun er glad for sandkassen.", "resource", "emotion_positive", True),
        # intensifier scope
        ("Hun er så utrolig dygtig til at klatre.", "resource", "competence", True),
        ("Han er ikke så dygtig til at vente.", "resource", "competence", False),
    ],
)
def test_rules_negation_and_intensifier_scope(blank_nlp, matcher, sentence, kind, category, fires):
    assert ((kind, category) in found(matcher, blank_nlp, sentence)) is fires, sorted(found(matcher, blank_nlp, sentence))
