"""A leader's own themes: defined with examples, tagged at once, explained, exported in the codebook."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.themes.codebook import ThemeCodebook
from narrativ_nlp.themes.features import texts_to_lemmas
from narrativ_nlp.themes.qdc import code_guid, codebook_qdc, export_qdc
from narrativ_nlp.themes.user_themes import UserTheme, tag_user_themes

BAAL = UserTheme("baal", "Bål og madlavning ude", "Når vi laver mad over bål i skoven.", (
    "Vi tændte bål ved shelteret og bagte snobrød.",
    "Børnene samlede pinde til bålet og ventede på, at gløderne blev røde.",
    "Vi lavede suppe i den sorte gryde over bålet.",
    "bål",
    "snobrød",
))
NARRATIVES = [
    "I dag tændte vi bål i skoven. Karla hjalp med at samle tørre pinde, og bagefter bagte vi snobrød over gløderne. "
    "Hun holdt selv pinden og drejede den langsomt.",
    "Ved frokosten spildte Oliver mælk på bordet. Han hentede selv en klud og tørrede op, mens han nynnede.",
    "Emil og Noor byggede en hule af puder i puderummet og legede, at de var bjørne, der sov vintersøvn.",
]


def test_user_theme_tags_the_narrative_about_it_with_its_words(nlp):
    lemmas = texts_to_lemmas(NARRATIVES, nlp)
    tags = tag_user_themes(lemmas, [BAAL], lemmas=True)
    assert [bool(t) for t in tags] == [True, False, False]
    words = tags[0][0].words
    assert {"bål", "snobrød"} <= set(words)
    assert "Karla" not in words and "karla" not in words
    assert tags == tag_user_themes(lemmas, [BAAL], lemmas=True)  # deterministic


def test_user_theme_from_raw_texts(nlp):
    tags = tag_user_themes(NARRATIVES[:2], [BAAL])
    assert tags[0] and tags[0][0].theme == "baal" and not tags[1]


@pytest.mark.parametrize("kwargs, code", [
    (dict(id="Bål", label="Bål", examples=("bål",)), "E110"),
    (dict(id="baal", label=" ", examples=("bål",)), "E111"),
    (dict(id="baal", label="Bål", examples=()), "E112"),
])
def test_bad_user_themes_get_danish_messages(kwargs, code):
    with pytest.raises(NarrativError) as err:
        UserTheme(**kwargs)
    assert err.value.code == code and "Temaet" in str(err.value)


def test_two_themes_with_one_id_are_refused():
    with pytest.raises(NarrativError) as err:
        tag_user_themes(["bål"], [BAAL, BAAL], lemmas=True)
    assert err.value.code == "E113"


def test_qdc_holds_codebook_user_themes_curriculum_and_the_applied_set(tmp_path):
    selection = [["play", "baal"], ["play", "nature"], ["language"]]
    path = export_qdc(tmp_path / "kodebog.qdc", ThemeCodebook.default(), [BAAL], selection)
    root = ET.fromstring(path.read_text(encoding="utf-8"))
    ns = {"q": "urn:QDA-XML:codebook:1.0"}
    groups = root.findall("q:Codes/q:Code", ns)
    assert [g.get("name") for g in groups] == ["Situationstemaer", "Egne temaer", "Læreplanstemaer"]
    assert all(g.get("isCodable") == "false" for g in groups)
    user = groups[1].findall("q:Code", ns)
    assert user[0].get("name") == "Bål og madlavning ude" and "snobrød" in user[0].find("q:Description", ns).text
    members = [m.get("guidTargetRef") for m in root.findall("q:Sets/q:Set/q:MemberCode", ns)]
    assert members == [code_guid(t) for t in ("play", "language", "baal", "nature")]
    desc = root.find("q:Sets/q:Set/q:Description", ns).text
    assert "3 narrativer" in desc and "Leg: 2" in desc
    # the same code keeps its GUID as in the plain codebook export
    assert code_guid("play") in ThemeCodebook.default().to_qdc()


def test_qdc_without_selection_has_no_set():
    root = ET.fromstring(codebook_qdc(user_themes=[BAAL]))
    assert root.find("{urn:QDA-XML:codebook:1.0}Sets") is None


def test_store_user_themes_are_accepted(nlp):
    from narrativ_nlp.store import UserTheme as StoredTheme

    stored = StoredTheme("baal", BAAL.label, BAAL.description, list(BAAL.examples), "2026-12-07", "2026-12-07")
    lemmas = texts_to_lemmas(NARRATIVES, nlp)
    assert tag_user_themes(lemmas, [stored], lemmas=True) == tag_user_themes(lemmas, [BAAL], lemmas=True)
    assert "Bål og madlavning ude" in codebook_qdc(user_themes=[stored])


SPROG = UserTheme("sprog_egen", "Sprog og samtale", "Når barnet taler, fortæller, rimer eller lærer nye ord.", (
    "Hun fortalte mig en lang historie om sin farmors hund og fandt selv på et nyt ord for hvalp.",
    "Vi sang rim og remser i samlingen, og han klappede stavelserne i sit navn.",
    "Han pegede på billedet i bogen og sagde 'traktor' for første gang.",
    "Drengene talte sammen på arabisk og dansk, mens de byggede.",
    "Under højtlæsningen spurgte hun, hvad 'forsigtig' betyder.",
    "ord, samtale, fortælle",
))


def _split(name: str):
    from pathlib import Path

    from narrativ_nlp.corpus.format import read_corpus

    path = Path(__file__).resolve().parents[2] / "corpora" / name
    return [r for r in read_corpus(path) if r.themes]


def test_user_theme_on_a_selection_finds_the_gold_theme(nlp):
    """A selection of ≥ 30 narratives: the threshold is relative to the selection (z-score)."""
    from narrativ_nlp.themes.user_themes import MIN_SELECTION

    records = _split("narratives.dev.jsonl")
    assert len(records) >= MIN_SELECTION
    lemmas = texts_to_lemmas([r.text for r in records], nlp)
    tags = tag_user_themes(lemmas, [SPROG], lemmas=True)
    gold = ["language" in r.themes for r in records]
    pred = [bool(t) for t in tags]
    tp = sum(g and p for g, p in zip(gold, pred))
    f1 = 2 * tp / (sum(gold) + sum(pred))
    assert f1 >= 0.5, f1  # measured 0,6–0,9 for the language theme in evaluation/user_theme_check.py
    assert 0 < sum(pred) < len(records) * 0.6  # neither nothing nor everything
    assert all(t.score >= 0.5 for row in tags for t in row)


def test_one_narrative_alone_is_judged_against_the_training_distribution(nlp):
    lemmas = texts_to_lemmas(NARRATIVES, nlp)
    alone = [tag_user_themes([x], [BAAL], lemmas=True)[0] for x in lemmas]
    assert [bool(t) for t in alone] == [True, False, False]


def test_theme_space_round_trip(tmp_path):
    import numpy as np

    from narrativ_nlp.themes.user_themes import SPACE_FILE, ThemeSpace, _default_space

    space = _default_space()
    assert space is not None and space.components.shape[0] == 50
    space.save(tmp_path / SPACE_FILE)
    again = ThemeSpace.load(tmp_path / SPACE_FILE)
    assert np.allclose(again.components, space.components, atol=1e-6) and np.allclose(again.cov, space.cov)


def test_bundled_space_holds_the_codebook_centroids_and_reference(tmp_path):
    import numpy as np

    from narrativ_nlp.themes.user_themes import SPACE_FILE, ThemeSpace, _default_space

    space = _default_space()
    assert set(space.centroid_ids) == set(ThemeCodebook.default().ids)
    assert space.centroids.shape == (10, 50) and np.allclose(np.linalg.norm(space.centroids, axis=1), 1.0)
    assert space.reference.shape[1] == 50 and space.reference.shape[0] > 1000
    space.save(tmp_path / SPACE_FILE)
    again = ThemeSpace.load(tmp_path / SPACE_FILE)
    assert again.centroid_ids == space.centroid_ids and np.allclose(again.centroids, space.centroids)
    assert np.allclose(again.reference, space.reference, atol=1e-6)
    fewer = space.without("play")
    assert "play" not in fewer.centroid_ids and len(fewer.centroids) == 9 and len(space.centroids) == 10


def test_fit_theme_space_needs_one_label_list_per_text():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from narrativ_nlp.themes.user_themes import fit_theme_space

    texts = ["bål snobrød skov", "sang rim ord", "cykel løbe hoppe", "mad frokost spise", "vinke mor farvel"] * 4
    words = TfidfVectorizer().fit(texts)
    space = fit_theme_space(texts, words, k=3, labels=[["a"], ["b"], ["c"], ["a", "b"], ["c"]] * 4)
    assert space.centroid_ids == ("a", "b", "c") and space.reference.shape == (20, 3)
    with pytest.raises(ValueError):
        fit_theme_space(texts, words, k=3, labels=[["a"]])


def test_an_older_space_file_without_centroids_still_tags(nlp, tmp_path):
    """A space file from before the margin (components, mean, covariance only) loads and tags as before."""
    from narrativ_nlp.themes.user_themes import SPACE_FILE, ThemeSpace, _default_space

    space = _default_space()
    ThemeSpace(space.components, space.mean, space.cov).save(tmp_path / SPACE_FILE)
    old = ThemeSpace.load(tmp_path / SPACE_FILE)
    assert old.centroids is None and old.reference is None
    lemmas = texts_to_lemmas(NARRATIVES, nlp)
    alone = [tag_user_themes([x], [BAAL], lemmas=True, space=old)[0] for x in lemmas]
    assert [bool(t) for t in alone] == [True, False, False]


def test_margin_helps_a_left_out_theme_on_dev(nlp):
    """Leave 'conflict' out of the centroids and define it as a leader would: the margin against the
    other nine themes does not lose F1 on dev (measured +0,02 on average over the ten themes in
    evaluation/user_theme_check.py), and it tags neither nothing nor everything."""
    from narrativ_nlp.themes.user_themes import _default_space

    conflict = next(t for t in ThemeCodebook.default().themes if t.id == "conflict")
    theme = UserTheme("konflikt_egen", conflict.label, conflict.description, (
        "Anton tog skovlen fra Liva, og hun begyndte at græde og slog ud efter ham.",
        "To drenge skændtes højlydt om, hvem der måtte sidde forrest i ladcyklen.",
        "Hun skubbede Ahmed væk fra puden og råbte, at det var hendes plads.",
        "Vi hjalp dem med at finde en løsning, så de kunne skiftes til gyngen.",
        "Han bed sin makker i armen, da han ikke fik lov at være med i legen.",
        ", ".join(conflict.seeds),
    ))
    records = _split("narratives.dev.jsonl")
    lemmas = texts_to_lemmas([r.text for r in records], nlp)
    space = _default_space().without("conflict")
    gold = ["conflict" in r.themes for r in records]

    def f1(margin: float) -> float:
        pred = [bool(t) for t in tag_user_themes(lemmas, [theme], lemmas=True, space=space, margin=margin)]
        tp = sum(g and p for g, p in zip(gold, pred))
        assert 0 < sum(pred) < len(records) * 0.6
        return 2 * tp / (sum(gold) + sum(pred))

    with_margin, without = f1(0.6), f1(0.0)
    assert with_margin >= 0.5, with_margin
    assert with_margin >= without - 0.03, (with_margin, without)


# --- session curric4: the character features word by word (speed), the same matrix as scikit-learn's ---

_FAST_LEMMAS = [
    "tænde bål skov karla samle tør pind bage snobrød glød",
    "frokost spilde mælk bord hente klud tørre nynne",
    "bygge hule pude puderum lege bjørn sove vintersøvn",
    "bål bål bål snobrød",  # a word repeated: counts add up
    "i å ø",  # words shorter than the n-grams (counted once, as scikit-learn does)
    "vandleg  pjaske\tvandrende",  # unseen words, two spaces and a tab
    "",
]


def test_char_features_word_by_word_equal_scikit_learn():
    from narrativ_nlp.themes.tagger import make_features
    from narrativ_nlp.themes.user_themes import _char_wb_fast, _transform

    train = _FAST_LEMMAS[:3] + ["sove middagslur puderum dyne", "tur skov pind gren bål sang", "mælk madpakke frokost"]
    features = make_features((2, 5)).fit(train)
    X, W = _transform(features, _FAST_LEMMAS)
    expected = features.transform(_FAST_LEMMAS)
    assert X.shape == expected.shape
    assert abs(X - expected).max() < 1e-12
    assert abs(W - features.transformer_list[0][1].transform(_FAST_LEMMAS)).max() < 1e-12
    char = features.transformer_list[1][1]
    again = _char_wb_fast(char, list(reversed(_FAST_LEMMAS)))  # the remembered words give the same rows
    assert abs(again - char.transform(list(reversed(_FAST_LEMMAS)))).max() < 1e-12
    assert X[len(_FAST_LEMMAS) - 1].nnz == 0  # an empty text has no features


def test_other_vectorizers_fall_back_to_their_own_transform():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from narrativ_nlp.themes.user_themes import _char_wb_fast

    vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 3)).fit(_FAST_LEMMAS[:3])
    assert abs(_char_wb_fast(vec, _FAST_LEMMAS) - vec.transform(_FAST_LEMMAS)).max() < 1e-12
