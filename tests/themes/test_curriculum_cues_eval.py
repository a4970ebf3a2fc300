"""The decoding and per-theme helpers of evaluation/curriculum_cues.py."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "evaluation"))

import curriculum_cues as C  # noqa: E402

# columns: personal, social, communication, body, nature, culture
S = np.array([
    [0.90, 0.48, 0.42, 0.41, 0.10, 0.00],
    [0.30, 0.20, 0.10, 0.05, 0.02, 0.01],
    [0.95, 0.44, 0.05, 0.00, 0.00, 0.00],
])


def test_threshold_keeps_the_top_theme_and_at_most_three():
    assert C.decode(S, 0.40).sum(1).tolist() == [3, 1, 2]


def test_relative_threshold_drops_tags_far_below_the_top():
    P = C.decode(S, 0.40, ratio=0.5)  # 0.44 < 0.5 × 0.95; 0.48 ≥ 0.45 but 0.42 and 0.41 are not
    assert P.sum(1).tolist() == [2, 1, 1]
    assert P[0].tolist() == [True, True, False, False, False, False]


def test_fixed_number_of_tags():
    assert C.decode(S, 0, k=2).sum(1).tolist() == [2, 2, 2]
    assert C.decode(S, 0, k=1)[1].tolist() == [True, False, False, False, False, False]


def test_micro_f1_and_per_theme_counts():
    Y = np.array([[True, True, False, False, False, False], [False, True, False, False, False, False],
                  [True, False, False, False, False, True]])
    P = C.decode(S, 0.40)
    assert abs(C.micro(Y, P) - 2 * 3 / (5 + 6)) < 1e-12
    lines = C.per_theme(Y, P, ["personal", "social", "communication", "body", "nature", "culture"])
    assert lines[0].split()[:5] == ["personal", "gold", "2", "tagged", "3"]
    assert "R 0.000" in lines[5]  # culture is in the gold once and never tagged
