"""The benchmarks' machine-speed index: a fixed workload whose time says how fast the VM runs now."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_COMMON = Path(__file__).resolve().parents[2] / "evaluation" / "benchmarks" / "_common.py"


def _load():
    spec = importlib.util.spec_from_file_location("bench_common_for_test", _COMMON)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_index_is_reference_over_median_time():
    common = _load()
    r = common.machine_speed(rounds=3)
    assert r["workload_ms_best"] <= r["workload_ms_median"]
    expected = 100 * common._SPEED_REFERENCE_MS / r["workload_ms_median"]
    assert abs(r["index"] - expected) <= 0.1 + 0.01 * expected
    assert 0 < r["index"] < 1000


def test_slower_machine_gives_lower_index(monkeypatch):
    common = _load()
    fast = common.machine_speed(rounds=3)["index"]
    monkeypatch.setattr(common, "_SPEED_REFERENCE_MS", common._SPEED_REFERENCE_MS / 2)
    assert common.machine_speed(rounds=3)["index"] < fast
