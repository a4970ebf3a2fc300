"""The cue lexicon per læreplanstema (data/curriculum_cues.yaml) on invented Danish narratives."""

from __future__ import annotations

import numpy as np
import pytest

from narrativ_nlp.themes.curriculum import cue_counts, curriculum_codebook, curriculum_cues
from narrativ_nlp.themes.features import texts_to_lemmas

CLIMB = ("Efter frokost klatrede Selma helt op i klatrestativet. Hun holdt balancen på den smalle bom "
         "og hoppede ned i sandet. Bagefter cyklede hun tre runder på legepladsen.")
WORMS = ("Det havde regnet hele natten, og på turen i skoven fandt Jonas en regnorm i en vandpyt. "
         "Vi tog luppen frem og undersøgte, hvordan den bevægede sig, og han talte ringene på den.")
BIRTHDAY = ("Det var Noors fødselsdag, og vi sang fødselsdagssang i samlingen. Hun havde tegnet et flag "
            "til sin krone, og bagefter dansede vi til musik fra hendes hjemland.")


@pytest.fixture(scope="module")
def lemmas():
    return texts_to_lemmas([CLIMB, WORMS, BIRTHDAY])


def test_lexicon_covers_the_six_themes_with_their_ids():
    cues = curriculum_cues()
    assert list(cues) == curriculum_codebook().ids
    assert all(len(words) >= 20 for words in cues.values())
    assert ("regnorm", "") in cues["nature"]


def test_each_narrative_counts_most_cues_for_its_own_theme(lemmas):
    counts, found = cue_counts(lemmas)
    ids = curriculum_codebook().ids
    assert counts.shape == (3, 6)
    assert [ids[int(np.argmax(row))] for row in counts] == ["body", "nature", "culture"]
    assert {"klatre", "balance", "cykle"} <= set(found[0][ids.index("body")])
    assert {"regnorm", "skov", "undersøge"} <= set(found[1][ids.index("nature")])
    assert {"fødselsdag", "synge", "tegne", "flag"} <= set(found[2][ids.index("culture")])


def test_compound_heads_count():
    counts, found = cue_counts(["fødselsdagssang", "vandpyt regnorm", "kage stol"])
    ids = curriculum_codebook().ids
    assert "sang" in found[0][ids.index("culture")]  # the head of the compound
    assert counts[1, ids.index("nature")] == 2
    assert counts[2].sum() == 0  # no cue word at all: zero, nothing invented


def test_found_words_are_distinct_and_counts_are_occurrences():
    counts, found = cue_counts(["løbe løbe løbe hoppe"])
    j = curriculum_codebook().ids.index("body")
    assert counts[0, j] == 4 and found[0][j] == ["løbe", "hoppe"]


def test_empty_input():
    counts, found = cue_counts([])
    assert counts.shape == (0, 6) and found == []
