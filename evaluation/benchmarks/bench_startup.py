"""Cold start of ``narrativ info`` and the one-text anonymisation rate, for this tree and a baseline.

    python evaluation/benchmarks/bench_startup.py --baseline /tmp/narrativ-old [--rounds 3] [--json out.json]

``--baseline`` is a checkout of an older commit (its code is run with ``PYTHONPATH`` set to it, with
the same interpreter and packages), so "before" and "after" are measured in one run, interleaved:
each round times this tree and the baseline one after the other.

* cold start: wall time of ``python -m narrativ_nlp.cli info`` in a fresh process (median of rounds);
* one-text anonymisation: ``anonymise_text(text)`` called once per narrative (a new call each time,
  as the app and the API do), on one core, over the blind narratives (~110 words), after a warm-up;
  narratives per second.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

RATE_CODE = r"""
import os, sys, time, json
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[v] = "1"
from narrativ_nlp.anonymise import anonymise_text
from narrativ_nlp.pipeline import load_pipeline
texts = [json.loads(l)["text"] for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
load_pipeline()
for t in texts[:10]:
    anonymise_text(t)
t0 = time.perf_counter()
for t in texts * int(sys.argv[2]):
    anonymise_text(t)
dt = time.perf_counter() - t0
words = sum(len(t.split()) for t in texts) / len(texts)
print(json.dumps({"per_second": len(texts) * int(sys.argv[2]) / dt, "n": len(texts) * int(sys.argv[2]),
                  "mean_words": words}))
"""


def _env(tree: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATIV_")}
    env["NARRATIV_DB"] = "/tmp/narrativ-bench-startup.sqlite3"
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
        env["NARRATIV_MODELS_DIR"] = str(tree / "models")
    return env


def cold_start(tree: Path | None) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "narrativ_nlp.cli", "info"], capture_output=True, env=_env(tree),
                          cwd="/tmp")
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.decode()[-500:])
    return time.perf_counter() - t0


def rate(tree: Path | None, corpus: Path, repeat: int) -> dict:
    proc = subprocess.run([sys.executable, "-c", RATE_CODE, str(corpus), str(repeat)], capture_output=True,
                          env=_env(tree), cwd="/tmp")
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.decode()[-500:])
    return json.loads(proc.stdout.decode().strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline", required=True, help="a checkout of the older commit")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--corpus", default=str(REPO / "corpora" / "blind.jsonl"))
    ap.add_argument("--repeat", type=int, default=3, help="passes over the corpus per rate measurement")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    base = Path(args.baseline).resolve()
    rows: dict[str, dict[str, list]] = {"before": {"cold": [], "rate": []}, "after": {"cold": [], "rate": []}}
    for _ in range(args.rounds):
        for name, tree in (("before", base), ("after", None)):
            rows[name]["cold"].append(cold_start(tree))
            rows[name]["rate"].append(rate(tree, Path(args.corpus), args.repeat)["per_second"])
    out = {name: {"cold_start_s_median": statistics.median(r["cold"]), "cold_start_s": r["cold"],
                  "anonymise_text_per_s_median": statistics.median(r["rate"]), "anonymise_text_per_s": r["rate"]}
           for name, r in rows.items()}
    out["corpus"] = args.corpus
    out["mean_words"] = rate(None, Path(args.corpus), 1)["mean_words"]
    print(json.dumps(out, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
