"""Lemmas that read right: the exceptions table, the fall-backs, and one lemma for every path."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrativ_nlp.resources import danish_lemma_lookups, lemma_exceptions
from narrativ_nlp.themes.lemmas import lookup_lemma

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("form, lemma", [
    ("svært", "svær"), ("aftalt", "aftale"), ("aftalte", "aftale"), ("drille", "drille"),
    ("voksen", "voksen"), ("når", "når"), ("tog", "tage"), ("holdt", "holde"), ("godt", "god"),
    ("Svært", "svær"),  # a sentence start
])
def test_exceptions_correct_the_wrong_lookup_lemmas(form, lemma):
    assert lookup_lemma(form) == lemma


def test_exceptions_are_in_the_shared_table_the_pipeline_uses(nlp):
    table = danish_lemma_lookups().get_table("lemma_lookup")
    assert table.get("svært") == "svær"
    doc = nlp("Hun har svært ved at vente, men vi aftalte en tur i skoven.")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["svært"] == "svær" and lemmas["aftalte"] == "aftale"


def test_capitalised_sentence_start_and_unknown_compounds():
    assert lookup_lemma("Mangler") == "mangle"
    assert lookup_lemma("Konkrete") == "konkret"
    assert lookup_lemma("dukkekrogen") == "dukkekrog"
    assert lookup_lemma("formiddagsaktiviteten") == "formiddagsaktivitet"
    # a known word is never split, an unknown short word is left as it is
    assert lookup_lemma("sandkassen") == "sandkasse"
    assert lookup_lemma("hooyo") == "hooyo"


def test_theme_features_and_stored_text_lemmas_agree(nlp):
    from narrativ_nlp.themes.features import texts_to_lemmas
    from narrativ_nlp.themes.scale import anonymised_lemmas

    text = ("Mangler styrke i fingrene. Det var svært for ham at vente i puderummet, "
            "men han holdt fast i sin plads, og vi aftalte at drille mindre.")
    assert texts_to_lemmas([text], nlp) == anonymised_lemmas([text])
    lemmas = texts_to_lemmas([text], nlp)[0].split()
    assert {"mangle", "svær", "puderum", "holde", "aftale", "drille"} <= set(lemmas)
    assert not {"sværte", "aftælle", "dril"} & set(lemmas)


def test_no_new_table_word_is_a_name():
    """A form the lookup table did not hold becomes a Danish word for the name lexicon."""
    from spacy.lookups import load_lookups

    from narrativ_nlp.identifiers.lexicon import load_lexicon

    raw = load_lookups("da", ["lemma_lookup"]).get_table("lemma_lookup")
    lex = load_lexicon()
    added = [f for f in lemma_exceptions() if raw.get(f, None) is None]
    assert added, "expected some forms the table lacked (puderum, hentning)"
    assert not [f for f in added if f in lex.first_names or f in lex.last_names]


def test_lemma_accuracy_on_the_held_out_gold_sample():
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "evaluation" / "lemma_check.py"
    spec = importlib.util.spec_from_file_location("lemma_check", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    rows = mod.read_gold(DATA / "lemma_gold.tsv")
    assert len(rows) == 300
    res = mod.check(rows)
    assert res["before"] < 0.90  # the unchanged lookup table
    assert res["after"] >= 0.97
