"""Scoring conventions on small hand-made cases with known answers."""

from __future__ import annotations

import pytest

from narrativ_nlp.corpus.format import GoldEntity, GoldSentence
from narrativ_nlp.evaluation.scoring import (
    PredSpan,
    bootstrap_interval,
    covered,
    micro_f1_difference,
    score_clusters,
    score_framing,
    score_identifiers,
    score_themes,
    theme_agreement,
    wilson_interval,
)

TEXT = "Emma Sofie legede med Ali. Ring 20 45 67 89."
GOLD = [GoldEntity(0, 10, "PERSON"), GoldEntity(22, 25, "PERSON"), GoldEntity(32, 43, "PHONE")]


def test_scoring_identifiers_perfect():
    pred = [PredSpan(g.start, g.end, g.label) for g in GOLD]
    s = score_identifiers([("n1", TEXT, GOLD, pred)])
    assert s["PERSON"] == {"gold": 2, "recall": 1.0, "recall_ci": [0.3424, 1.0], "precision": 1.0, "f1": 1.0, "leaked": []}
    assert s["ALL"]["recall"] == 1.0 and s["PHONE"]["f1"] == 1.0


def test_scoring_identifiers_empty_prediction_leaks_everything():
    s = score_identifiers([("n1", TEXT, GOLD, [])])
    assert s["PERSON"]["recall"] == 0.0
    assert s["PERSON"]["f1"] == 0.0
    assert [leak["text"] for leak in s["ALL"]["leaked"]] == ["Emma Sofie", "Ali", "20 45 67 89"]
    assert all(leak["id"] == "n1" for leak in s["ALL"]["leaked"])


def test_scoring_identifiers_partly_covered_name_is_a_leak():
    pred = [PredSpan(0, 4, "PERSON"), PredSpan(22, 25, "PERSON"), PredSpan(32, 43, "PHONE")]
    s = score_identifiers([("n1", TEXT, GOLD, pred)])
    assert s["PERSON"]["recall"] == 0.5
    assert s["PERSON"]["leaked"] == [{"id": "n1", "text": "Emma Sofie"}]
    # the partial span still overlaps a gold PERSON: it is not a false positive
    assert s["PERSON"]["precision"] == 1.0


def test_scoring_identifiers_split_prediction_covers_the_name():
    pred = [PredSpan(0, 4, "PERSON"), PredSpan(5, 10, "PERSON")]
    s = score_identifiers([("n1", TEXT, GOLD[:1], pred)])
    assert s["PERSON"]["recall"] == 1.0


def test_scoring_identifiers_false_positive_lowers_precision():
    pred = [PredSpan(0, 10, "PERSON"), PredSpan(22, 25, "PERSON"), PredSpan(11, 17, "PERSON")]
    s = score_identifiers([("n1", TEXT, GOLD[:2], pred)])
    assert s["PERSON"]["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert s["PERSON"]["f1"] == pytest.approx(0.8, abs=1e-4)


@pytest.mark.parametrize(
    "start, end, spans, expected",
    [(0, 10, [(0, 10)], True), (0, 10, [(0, 5), (5, 10)], True), (0, 10, [(0, 4), (5, 10)], False), (0, 10, [], False)],
)
def test_scoring_covered(start, end, spans, expected):
    assert covered(start, end, spans) is expected


def test_scoring_covered_allows_white_space_gaps_only_with_text():
    text = "Emma Sofie"
    assert covered(0, 10, [(0, 4), (5, 10)], text) is True
    assert covered(0, 10, [(0, 4), (6, 10)], text) is False


def test_scoring_framing_counts_first_character():
    sents = [GoldSentence(0, 20, True, False), GoldSentence(21, 40, False, True), GoldSentence(41, 60, False, False)]
    findings = [(5, "deficit"), (19, "resource"), (45, "deficit")]  # resource in sentence 0 is a false positive
    s = score_framing([(sents, findings)])
    ci = s["deficit"].pop("f1_ci")
    assert s["deficit"] == {"precision": 0.5, "recall": 1.0, "f1": pytest.approx(0.6667, abs=1e-4), "support": 1}
    assert ci == [pytest.approx(0.6667, abs=1e-4)] * 2  # one narrative: every resample is the same
    assert s["resource"]["recall"] == 0.0 and s["resource"]["precision"] == 0.0


def test_scoring_themes_micro_macro():
    gold = [["play", "relations"], ["conflict"]]
    pred = [["play"], ["conflict", "motor"]]
    s = score_themes(gold, pred, ["play", "relations", "conflict", "motor"])
    # tp=2, fp=1, fn=1 → micro 2*2/(4+2) = 0.6667; per theme: play 1, relations 0, conflict 1, motor 0
    assert s == {"micro_f1": pytest.approx(0.6667, abs=1e-4), "macro_f1": 0.5}


def test_scoring_clusters_identical_partition():
    s = score_clusters(["a", "a", "b", "b"], [1, 1, 0, 0])
    assert s["nmi"] == 1.0 and s["ari"] == 1.0 and s["ami"] == 1.0
    assert s["nmi_chance"] < 1.0


def test_scoring_clusters_chance_level_of_many_small_clusters_is_high():
    """65 narratives, 10 themes, 12 clusters drawn at random: NMI is well above 0, AMI is near 0."""
    import numpy as np

    rng = np.random.default_rng(1)
    gold = [f"t{i % 10}" for i in range(65)]
    clusters = rng.integers(0, 12, 65).tolist()
    s = score_clusters(gold, clusters)
    assert s["nmi"] > 0.2 and abs(s["ami"]) < 0.1
    assert abs(s["nmi"] - s["nmi_chance"]) < 0.1


IDS = ["play", "relations", "routines", "conflict"]


def test_theme_agreement_identical_labels_agree_fully():
    a = [["play", "relations"], ["routines"], ["conflict", "play"]]
    r = theme_agreement(a, a, IDS)
    assert r["micro_f1"] == 1.0 and r["first_theme_agreement"] == 1.0
    assert r["first_theme_kappa"] == 1.0 and r["first_theme_nmi"] == 1.0 and r["n"] == 3


def test_theme_agreement_order_matters_for_first_theme_not_for_tags():
    a = [["play", "relations"], ["routines", "conflict"], ["conflict"], ["relations"]]
    b = [["relations", "play"], ["routines", "conflict"], ["conflict"], ["relations"]]
    r = theme_agreement(a, b, IDS)
    assert r["micro_f1"] == 1.0  # the same tag sets
    assert r["first_theme_agreement"] == 0.75  # one narrative has the other first theme
    assert r["first_theme_kappa"] < 1.0
    assert r["second_first_in_first"] == 1.0  # b's first theme is one of a's themes


def test_theme_agreement_on_the_corpus_second_annotation():
    """The shipped second annotation covers the test split and agrees far above chance, not fully."""
    import json
    from pathlib import Path

    from narrativ_nlp.corpus.format import read_corpus
    from narrativ_nlp.resources import default_theme_ids

    root = Path(__file__).resolve().parents[2]
    second = {}
    for line in (root / "corpora/annotations/themes.annotator2.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        second[row["id"]] = row["themes"]
    # the second annotation covers the project's test narratives (the register-diverse records came later)
    records = [r for r in read_corpus(root / "corpora/narratives.test.jsonl") if r.id[:2] not in ("ra", "rb")]
    assert len(records) >= 60 and all(r.id in second for r in records)
    assert all(set(second[r.id]) <= set(default_theme_ids()) and 1 <= len(second[r.id]) <= 3 for r in records)
    r = theme_agreement([x.themes for x in records], [second[x.id] for x in records], default_theme_ids())
    assert 0.5 < r["micro_f1"] < 1.0 and 0.4 < r["first_theme_kappa"] < 1.0


def test_theme_agreement_rejects_mismatched_lengths():
    with pytest.raises(ValueError):
        theme_agreement([["play"]], [], IDS)


# --- 95 % intervals -------------------------------------------------------------------------------


def test_wilson_interval_stays_informative_at_full_recall():
    """0 missed of 150 names: the lower bound says how sure that is (the bootstrap would say [1, 1])."""
    assert wilson_interval(150, 150) == [pytest.approx(0.975, abs=1e-3), 1.0]
    lo, hi = wilson_interval(148, 150)
    assert lo < 148 / 150 < hi and hi < 1.0
    assert wilson_interval(0, 0) is None
    # more names, a narrower interval
    assert wilson_interval(1500, 1500)[0] > wilson_interval(150, 150)[0]


def test_bootstrap_interval_brackets_the_estimate_and_narrows_with_more_items():
    import numpy as np

    from narrativ_nlp.evaluation.scoring import _f1_of_sums

    rng = np.random.default_rng(3)
    # per narrative (tp, fp, fn): about 70 % of tags right
    small = np.array([(rng.binomial(2, 0.7), rng.binomial(1, 0.3), rng.binomial(1, 0.3)) for _ in range(65)])
    large = np.vstack([small] * 10)
    point = float(_f1_of_sums(small.sum(axis=0, keepdims=True))[0])
    lo, hi = bootstrap_interval(small, _f1_of_sums)
    assert lo < point < hi
    lo10, hi10 = bootstrap_interval(large, _f1_of_sums)
    assert hi10 - lo10 < (hi - lo) / 2
    assert bootstrap_interval(small, _f1_of_sums) == [lo, hi]  # fixed seed: reproducible
    assert bootstrap_interval(np.zeros((0, 3)), _f1_of_sums) is None


def test_score_themes_interval_on_request():
    gold = [["play", "relations"], ["conflict"], ["play"], ["routines"]] * 10
    pred = [["play"], ["conflict", "motor"], ["play"], ["conflict"]] * 10
    plain = score_themes(gold, pred, ["play", "relations", "conflict", "motor", "routines"])
    s = score_themes(gold, pred, ["play", "relations", "conflict", "motor", "routines"], interval=True)
    assert set(plain) == {"micro_f1", "macro_f1"}
    assert s["micro_f1_ci"][0] < s["micro_f1"] < s["micro_f1_ci"][1]
    assert s["macro_f1_ci"][0] < s["macro_f1"] < s["macro_f1_ci"][1]


def test_score_themes_interval_counts_unknown_themes_like_the_point_estimate():
    """A leader's own theme (not in the ids) counts in micro-F1, also inside the interval."""
    gold = [["play"], ["garden"]] * 5
    pred = [["play"], ["garden"]] * 5
    s = score_themes(gold, pred, ["play"], interval=True)
    assert s["micro_f1"] == 1.0 and s["micro_f1_ci"] == [1.0, 1.0]


def test_micro_f1_difference_is_paired():
    gold = [["play", "relations"], ["conflict"], ["routines"], ["play"]] * 15
    better = [["play", "relations"], ["conflict"], ["routines"], ["relations"]] * 15
    worse = [["play"], ["play"], ["routines"], ["relations"]] * 15
    d = micro_f1_difference(gold, better, worse, ["play", "relations", "conflict", "routines"])
    expected = score_themes(gold, better, IDS)["micro_f1"] - score_themes(gold, worse, IDS)["micro_f1"]
    assert d["difference"] == pytest.approx(expected, abs=1e-3) and d["difference"] > 0
    assert 0 < d["difference_ci"][0] <= d["difference"] <= d["difference_ci"][1]
    same = micro_f1_difference(gold, better, better, IDS)
    assert same == {"difference": 0.0, "difference_ci": [0.0, 0.0]}
