"""``analyse``: findings with explanations and suggestions on real Danish narratives."""

from __future__ import annotations

import shutil

import pytest

from narrativ_nlp.framing.analysis import analyse
from narrativ_nlp.framing.component import FramingComponent

DEFICIT_HEAVY = (
    "Mandag formiddag til samling. Omar kan ikke sidde stille og forstyrrer hele samlingen. "
    "Han slår altid de andre børn, og det er nok fordi moren ikke sætter grænser. "
    "Han gør det for at provokere."
)
RESOURCE_HEAVY = (
    "Tirsdag på legepladsen byggede Freja og Yusuf en stor hule af grene. "
    "Freja strålede, da hulen stod færdig, og hun inviterede Liva med ind. "
    "For første gang spurgte hun selv, om hun måtte være med. Jeg tænker, at hun er ved at finde sin plads."
)


def test_analysis_deficit_heavy_text(nlp):
    a = analyse(DEFICIT_HEAVY, nlp=nlp)
    cats = {f.category for f in a.findings if f.kind == "deficit"}
    assert {"inability", "disruption", "generalisation", "blame", "interpretation"} <= cats
    for f in a.findings:
        assert f.explanation and 1 <= len(f.suggestions) <= 3
        assert a.text[f.start : f.end] == f.text
    # suggestions speak of the child by name and add no facts
    inability = next(f for f in a.findings if f.category == "inability")
    assert any("Omar" in s for s in inability.suggestions)
    assert a.profile.n_deficit_sentences >= 3
    assert a.profile.resource_share is not None and a.profile.resource_share < 30


def test_analysis_resource_heavy_text_and_checklist(nlp):
    a = analyse(RESOURCE_HEAVY, nlp=nlp)
    kinds = {f.kind for f in a.findings}
    assert kinds == {"resource"}
    assert a.profile.resource_share == 100.0
    checklist = {c.id: c for c in a.profile.checklist}
    assert checklist["situation"].present and checklist["situation"].evidence_text
    assert checklist["reflection"].present and "tænker" in checklist["reflection"].evidence_text
    assert checklist["others_present"].present
    for c in checklist.values():
        if c.present:
            assert RESOURCE_HEAVY[c.evidence_start : c.evidence_end] == c.evidence_text


@pytest.mark.parametrize(
    "sentence",
    ["Sara kan ikke lide tomat.", "Vi kunne ikke nå bussen, så vi gik.", "Det var en urolig dag med mange vikarer."],
)
def test_analysis_hard_negatives_not_flagged_as_deficit(nlp, sentence):
    assert not [f for f in analyse(sentence, nlp=nlp).findings if f.kind == "deficit"]


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_analysis_empty_text(text):
    a = analyse(text)
    assert a.findings == [] and a.profile is None and a.is_empty


def test_analysis_long_text_is_chunked(nlp):
    text = (DEFICIT_HEAVY + "\n") * 110  # > 20,000 characters
    assert len(text) > 20_000
    a = analyse(text, nlp=nlp)
    assert len([f for f in a.findings if f.category == "blame"]) == 110
    assert all(text[f.start : f.end] == f.text for f in a.findings)
    assert any("dele" in n for n in a.notes)


def test_analysis_more_suggestions_shows_at_least_as_many(nlp):
    text = "Han byggede et tårn. Han kan ikke vente."
    assert len(analyse(text, more=True, nlp=nlp).findings) >= len(analyse(text, nlp=nlp).findings)


def test_analysis_findings_never_change_the_text(nlp):
    a = analyse(DEFICIT_HEAVY, nlp=nlp)
    assert a.text == DEFICIT_HEAVY


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_analysis_rules_work_without_classifier(tmp_path, blank_nlp, damage):
    from narrativ_nlp.pipeline import models_dir

    target = tmp_path / "framing"
    target.mkdir()
    if damage == "corrupt":
        shutil.copy(models_dir() / "framing" / "framing_classifier.meta.json", target)
        (target / "framing_classifier.skops").write_bytes(b"PK\x03\x04 this is not a model")
    comp = FramingComponent(blank_nlp, "narrativ_framing", classifier_path=str(target))
    assert comp.classifier is None
    doc = comp(blank_nlp("Han kan ikke sidde stille til samling."))
    result = doc._.framing
    assert result.classifier_available is False
    assert [f.rule_id for f in result.findings] == ["inability.kan_ikke"]
    assert result.findings[0].source == "rule"
    assert "Klassifikatoren er ikke tilgængelig" in result.notes[0]
