"""Suggestions that fit: templates per category (data), no invented situations, nothing on
identifier or metadata lines, one finding per sentence and category."""

from __future__ import annotations

import pytest

from narrativ_nlp.framing.analysis import analyse
from narrativ_nlp.framing.component import invented_example, is_metadata_line, suggestion_settings
from narrativ_nlp.resources import framing_categories


def _all(a):
    return a.findings + a.hidden_findings


def test_every_category_has_templates_without_invented_situations():
    data = suggestion_settings()
    cats = framing_categories()
    for kind in ("deficit", "resource"):
        assert set(data["templates"][kind]) == set(cats[kind])
        for cat, templates in data["templates"][kind].items():
            assert 1 <= len(templates) <= data["max_suggestions"], cat
            for t in templates:
                assert not invented_example(t, data["invented_example_markers"]), t


@pytest.mark.parametrize("template,invented", [
    ('Beskriv, hvad {navn} gjorde, fx: "{navn} rejste sig og gik hen til ..."', True),
    ('Skriv om én bestemt gang: "I dag, ved frokosten, ..." i stedet for "{udsnit}".', True),
    ('Skriv om én bestemt gang, du så det, i stedet for "{udsnit}".', False),
    ("Hvornår lykkes det bedre for {navn}?", False),
])
def test_invented_example_detection(template, invented):
    assert invented_example(template, suggestion_settings()["invented_example_markers"]) is invented


def test_label_gets_a_label_prompt_and_inability_an_inability_prompt(nlp):
    a = analyse("Ali er en doven dreng. Emma kan ikke sidde stille til samling.", nlp=nlp, more=True)
    label = next(f for f in _all(a) if f.category == "label")
    inability = next(f for f in _all(a) if f.category == "inability")
    assert "etiket" in label.suggestions[0] and "Ali" in label.suggestions[0]
    assert "ikke kan" in inability.suggestions[0] and "Emma" in inability.suggestions[0]
    for f in _all(a):
        for s in f.suggestions:
            assert "I dag, ved frokosten" not in s and "rejste sig og gik hen til" not in s


@pytest.mark.parametrize("line,metadata", [
    ("120318-1234", True),
    ("20 45 67 89", True),
    ("Observation 3. marts", True),
    ("Barn: Mykola K.", True),
    ("CPR-nr.: 110620-4518", True),
    ("Ali kan ikke sidde stille.", False),
    ("min nevø på 3 er mega afhængig af youtube og skriger hvis man tager telefonen", False),
    ("Hun er altid sur", False),
])
def test_metadata_lines(line, metadata):
    keys = frozenset(k.lower() for k in suggestion_settings()["metadata_keys"])
    assert is_metadata_line(line, keys) is metadata


def test_no_finding_on_identifier_and_metadata_lines(nlp):
    text = "Observation 3. marts\n\nCPR: 120318-1234\nTlf. 20 45 67 89\n\nAli kan ikke sidde stille til samling."
    a = analyse(text, nlp=nlp, more=True)
    assert _all(a)
    first_real = text.index("Ali kan")
    assert all(f.start >= first_real for f in _all(a))


def test_one_finding_per_sentence_and_category(nlp):
    text = "Han holder op med at slå, når vi sidder to og to, og når vi sidder to og to, leger han fint."
    a = analyse(text, nlp=nlp, more=True)
    keys = [(f.kind, f.category) for f in _all(a)]
    assert keys and len(keys) == len(set(keys))


def test_findings_start_at_first_non_space_character(nlp):
    text = "Overskrift uden punktum\n\n\nOmar kan ikke vente på sin tur.\n\n   Han slår altid de andre børn.\n"
    a = analyse(text, nlp=nlp, more=True)
    assert _all(a)
    for f in _all(a):
        assert not text[f.start].isspace() and not text[f.end - 1].isspace()
    for s in a.sentences:
        assert not text[s.start].isspace()
