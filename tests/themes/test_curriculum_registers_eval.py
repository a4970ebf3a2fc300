"""The decoding helper of evaluation/curriculum_registers.py (register-aware curriculum thresholds)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "evaluation"))

import curriculum_registers as R  # noqa: E402


def test_decode_keeps_the_top_theme_and_applies_each_records_threshold():
    # columns: personal, social, communication, body, nature, culture
    S = np.array([
        [0.30, 0.20, 0.10, 0.05, 0.02, 0.01],  # nothing above any threshold: the top theme alone
        [0.90, 0.48, 0.42, 0.41, 0.10, 0.00],  # a narrative at 0.40: three tags at most
        [0.90, 0.48, 0.42, 0.41, 0.10, 0.00],  # a register record at 0.45: two tags
    ])
    P = R.decode(S, np.array([0.40, 0.40, 0.45]))
    assert P.sum(1).tolist() == [1, 3, 2]
    assert P[0].tolist() == [True, False, False, False, False, False]
    assert P[2].tolist() == [True, True, False, False, False, False]
    assert R.decode(S, 0.40).sum() == 7


def test_micro_f1_counts_every_tag_with_weights():
    Y = np.array([[True, True, False], [False, True, False]])
    P = np.array([[True, False, False], [False, True, True]])
    assert abs(R.micro(Y, P) - 2 * 2 / (3 + 3)) < 1e-12
    assert abs(R.micro(Y, P, np.array([2.0, 0.0])) - 2 * 2 / (4 + 2)) < 1e-12
