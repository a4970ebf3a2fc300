"""A rule-backed resource finding about a named child is not hidden by the classifier blend (issue #15).

The classifier reads names as NAVN and scores "NAVN trøstede NAVN." far lower than "Hun trøstede
NAVN."; with resource rule weight 0.3 such rule findings fell below the default threshold and were
only in "Flere forslag". framing_rules.yaml ``settings.named_child_floor`` lifts them to the
threshold when the clause's subject is a named child and the classifier is not strongly against it.
Invented Danish sentences through the whole pipeline (``analyse``) at the default threshold.
"""

from __future__ import annotations

import pytest

from narrativ_nlp.resources import load_yaml
from narrativ_nlp.framing.analysis import analyse

SETTINGS = load_yaml("framing_rules.yaml")["settings"]
FLOOR = SETTINGS["named_child_floor"]["resource"]
THRESHOLD = float(SETTINGS["default_threshold"]["resource"])

NAMED = [
    ("Emma trøstede Ali.", "relation"),
    ("I dag legede Emma med Ali.", "relation"),
    ("Emma er god til at trøste andre.", "competence"),
    ("Ida trøstede Lukas, da han græd.", "relation"),
    ("I går legede Ida med Lukas.", "relation"),
]


def _resource(findings):
    return [f for f in findings if f.kind == "resource"]


@pytest.mark.parametrize("text, category", NAMED)
def test_named_child_resource_shown_at_default_threshold(nlp, text, category):
    a = analyse(text, nlp=nlp)
    shown = _resource(a.findings)
    assert [f.category for f in shown] == [category], (text, shown, a.hidden_findings)
    f = shown[0]
    assert f.source == "rule+classifier" and f.subject_reason == "name"
    assert f.confidence >= THRESHOLD
    assert f.classifier_probability >= float(FLOOR["min_probability"])


@pytest.mark.parametrize("text, category", NAMED)
def test_without_the_floor_the_blend_hides_them(nlp, monkeypatch, text, category):
    comp = nlp.get_pipe("narrativ_framing")
    monkeypatch.setattr(comp, "settings", {**comp.settings, "named_child_floor": None})
    a = analyse(text, nlp=nlp)
    assert not _resource(a.findings)
    hidden = _resource(a.hidden_findings)
    assert [f.category for f in hidden] == [category]
    w = float(SETTINGS["rule_weight"]["resource"])
    f = hidden[0]
    assert f.confidence == pytest.approx(w * f.rule_confidence + (1 - w) * f.classifier_probability, abs=2e-3)


@pytest.mark.parametrize("text", ["Hun trøstede Ali.", "I dag legede hun med Ali."])
def test_pronoun_subject_keeps_the_plain_blend(nlp, text):
    (f,) = _resource(analyse(text, nlp=nlp).findings)
    w = float(SETTINGS["rule_weight"]["resource"])
    assert f.subject_reason != "name"
    assert f.confidence == pytest.approx(w * f.rule_confidence + (1 - w) * f.classifier_probability, abs=2e-3)
    assert f.confidence > float(FLOOR["confidence"])


@pytest.mark.parametrize("text", ["Emma kom kl. 8.", "Mor hentede Emma kl. 15.", "Lukas sad ved siden af Ida.",
                                  # a relation rule matches "gik sammen", the classifier (0.23) is against it
                                  "Lukas og Ida gik sammen til toilettet."])
def test_neutral_sentence_with_a_name_is_not_flagged(nlp, text):
    assert analyse(text, nlp=nlp).findings == []


def test_classifier_still_vetoes_a_weak_rule_finding(nlp):
    # "ville have" (intention) about a named child, but the classifier is well below min_probability
    a = analyse("Ida ville have skovlen.", nlp=nlp)
    assert not _resource(a.findings)
    (f,) = _resource(a.hidden_findings)
    assert f.classifier_probability < float(FLOOR["min_probability"])


def test_adult_subject_gets_no_floor(nlp):
    # the clause is about the adult; the child is only the object
    a = analyse("Pædagog Lone trøstede Ali.", nlp=nlp)
    assert not _resource(a.findings)


def test_deficit_findings_are_not_lifted(nlp):
    assert "deficit" not in SETTINGS["named_child_floor"]
    a = analyse("Emma slår de andre børn.", nlp=nlp)
    assert {f.kind for f in a.findings} == {"deficit"}
