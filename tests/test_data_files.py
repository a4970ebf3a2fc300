"""Every data file under narrativ_nlp/data is valid, sourced, and used as data."""

from __future__ import annotations

import copy
import logging

import pytest

from narrativ_nlp.framing.rules import compile_pattern
from narrativ_nlp.identifiers.engine import IdentifierEngine
from narrativ_nlp.resources import data_text, load_yaml


def test_data_identifier_settings_valid_and_broken_config_rejected():
    settings = load_yaml("identifiers.yaml")
    engine = IdentifierEngine.from_settings(settings)
    assert len(engine.recognizers) == len(settings["recognizers"])
    assert 0 < settings["min_score"] < settings["threshold"] < 1
    cues = settings["subject_cues"]
    assert {"verbs", "family_nouns", "prepositions", "after_og", "age_units"} <= set(cues)
    assert all(w == w.lower() for key in cues for w in cues[key])
    broken = copy.deepcopy(settings)
    broken["recognizers"].append("telepathy")
    with pytest.raises(ValueError, match="unknown recognizers"):
        IdentifierEngine.from_settings(broken)


def test_data_checklist_patterns_compile():
    for item in load_yaml("checklist.yaml")["items"]:
        assert item["label"] and item["patterns"]
        for p in item["patterns"]:
            compile_pattern(p)


@pytest.mark.parametrize(
    "name", ["names/first_names_faker.tsv", "names/last_names_faker.txt", "names/supplement_first_names.txt",
             "names/supplement_last_names.txt", "names/towns_faker.txt", "names/places_extra.txt",
             "names/not_person_proper_nouns.txt", "names/places_uner.txt"],
)
def test_data_name_lists_state_source_and_license(name):
    head = data_text(name).splitlines()[0]
    assert head.startswith("#") and ("MIT" in head or "CC0" in head or "project" in head.lower())


def test_data_no_narrative_text_in_logs(caplog, nlp):
    from narrativ_nlp.anonymise import detect
    from narrativ_nlp.framing.analysis import analyse

    text = "Zainab kan ikke sidde stille. Mor ringede på 20 45 67 89."
    with caplog.at_level(logging.DEBUG):
        analyse(text, nlp=nlp)
        detect(text, nlp)
    for record in caplog.records:
        assert "Zainab" not in record.getMessage() and "20 45 67 89" not in record.getMessage()
