"""Session themes5: a leader's new theme 'udeliv' defined by five invented sentences and a word list.

Invented Danish narratives (no corpus text): the mud kitchen on the playground is tagged, a nap is
not; the words that gave the tag are shown (the word list's words first). The generic pair features
of the learned-scorer experiment (``evaluation/user_theme_scorer.py``, measured, not adopted) see one
outdoor situation inside a long narrative about other things (its best-matching window), which the
centroid of the whole narrative dilutes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from narrativ_nlp.themes.features import texts_to_lemmas
from narrativ_nlp.themes.user_themes import UserTheme, UserThemeTagger, tag_user_themes

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "evaluation"))

from user_theme_scorer import PAIR_FEATURES, pair_features  # noqa: E402

UDELIV = UserTheme("udeliv", "Udeliv og naturleg",
                   "Når børnene leger ude i al slags vejr: mudder, vand, pinde og dyr.", (
    "Børnene lavede mudderkager i mudderkøkkenet på legepladsen og pyntede dem med blade.",
    "Vi gik i skoven og fandt snegle under en væltet træstamme.",
    "Han hoppede i vandpytterne i regntøj og gummistøvler og grinede højt.",
    "Hun gravede efter regnorme i sandkassen og viste dem stolt til de andre.",
    "Vi samlede kastanjer og pinde på turen og byggede en lille hule af grene.",
    "mudder, regntøj, skov",
))

MUDDER = ("Efter frokost var vi på legepladsen i regnvejr. Sofie og Malik stod længe i mudderkøkkenet og rørte "
          "mudder i gryderne med en pind. De lavede mudderkager og pyntede dem med blade og små sten, og Malik "
          "hentede vand i en spand fra vandpytten.")
LUR = ("Efter frokost skulle de mindste sove til middag. Ida ville ikke ligge i sin seng og græd, men da jeg satte "
       "mig hos hende og sang den sang, hendes mor plejer at synge, faldt hun til ro og sov i halvanden time.")
LANG = ("I morges kom Jonas grædende ind ad døren, og hans far havde svært ved at sige farvel. Vi vinkede sammen "
        "ved vinduet, og jeg gav ham en krammer. Ved morgenmaden spiste han kun lidt og sad tæt ved mig. "
        "Senere på formiddagen ville han ikke være med til samling og gemte sig under bordet. "
        "Om eftermiddagen på legepladsen stod han pludselig i mudderkøkkenet og lavede mudderkager med en "
        "skovl og pyntede dem med blade. "
        "Da hans far hentede ham, fortalte vi om dagen, og far var glad for at høre, at Jonas havde leget.")
MAD = ("Ved frokosten øvede vi at smøre vores egen mad. Liva ville selv hælde mælk op og spildte lidt, men hun "
       "hentede en klud og tørrede op. Bagefter hjalp hun med at tørre bordene af.")


@pytest.fixture(scope="module")
def lemmas(nlp):
    return texts_to_lemmas([MUDDER, LUR, LANG, MAD], nlp)


def test_udeliv_tags_the_mud_kitchen_not_the_nap(lemmas):
    alone = [tag_user_themes([x], [UDELIV], lemmas=True)[0] for x in lemmas[:2]]
    assert [bool(t) for t in alone] == [True, False]
    tag = alone[0][0]
    assert tag.theme == "udeliv" and tag.score >= 0.5
    # the word list's words that occur come first among the words that gave the tag
    assert tag.words[0] == "mudder" and "sofie" not in tag.words and "malik" not in tag.words


def test_a_word_list_example_gives_seed_words():
    """'mudder, regntøj, skov' is a list of words a leader gives: each is a seed word (shown first),
    as a one- or two-word example is; a sentence's words are not seeds."""
    seeds = UserThemeTagger([UDELIV])._prepared()[0][2]
    assert {"mudder", "regntøj", "skov"} <= seeds
    assert "snegl" not in seeds and "regnorm" not in seeds


def test_udeliv_from_raw_texts_without_names_in_the_words():
    tags = tag_user_themes([MUDDER, LUR], [UDELIV])
    assert tags[0] and not tags[1]
    assert not {"sofie", "malik", "Sofie", "Malik"} & set(tags[0][0].words)


def test_pair_features_find_one_outdoor_situation_in_a_long_narrative(lemmas):
    tagger = UserThemeTagger([UDELIV])
    F = pair_features(tagger, lemmas)[0]
    assert F.shape == (4, len(PAIR_FEATURES))
    col = {name: F[:, i] for i, name in enumerate(PAIR_FEATURES)}
    # the shipped z is the tagger's own score
    z, _ = tagger.z_scores(lemmas)
    assert np.allclose(col["z_shipped"], z[:, 0])
    # the long narrative (a hard morning, one mud-kitchen moment) is diluted as a whole ...
    assert col["cos_tfidf"][2] < col["cos_tfidf"][0]
    # ... but its best window matches the examples about as well as the mud-kitchen narrative does,
    # far better than the nap or the lunch do
    assert col["window_max"][2] > max(col["window_max"][1], col["window_max"][3]) * 1.5
    assert col["window_max"][2] > 0.5 * col["window_max"][0]
    # seed words are whole lemmas: 'mudder' is in the mud-kitchen narrative; the long one has only the
    # compounds 'mudderkøkken' and 'mudderkage' (compounds are not split: evaluation/user_theme_compounds.py)
    assert list(col["seed_hits"] > 0) == [True, False, False, False]
