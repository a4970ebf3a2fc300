"""Cold start of ``narrativ info`` and the one-text anonymisation rate, for this tree and a baseline.

    python evaluation/benchmarks/bench_startup.py --baseline /tmp/narrativ-old [--rounds 3] [--json out.json]
    python evaluation/benchmarks/bench_startup.py --baseline /tmp/narrativ-old --words 110 [--texts 100]

``--baseline`` is a checkout of an older commit (its code is run with ``PYTHONPATH`` set to it, with
the same interpreter and packages), so "before" and "after" are measured in one run, interleaved:
each round times this tree and the baseline one after the other.

* cold start: wall time of ``python -m narrativ_nlp.cli info`` in a fresh process (median of rounds);
* one-text anonymisation: ``anonymise_text(text)`` called once per narrative (a new call each time,
  as the app and the API do), on one core, over the blind narratives (~110 words), after a warm-up;
  narratives per second (wall time, and CPU time of the process: ``time.process_time``, less
  sensitive to other processes on a shared machine); ``--words N``: instead of the corpus's own
  texts, ``--texts`` narratives of exactly N words cut from ``--corpus-words`` (default the test
  narratives) by ``_common.word_pieces``. The load averages before and after are recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
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
c0 = time.process_time()
for t in texts * int(sys.argv[2]):
    anonymise_text(t)
dt = time.perf_counter() - t0
dc = time.process_time() - c0
words = sum(len(t.split()) for t in texts) / len(texts)
n = len(texts) * int(sys.argv[2])
print(json.dumps({"per_second": n / dt, "per_cpu_second": n / dc, "n": n, "mean_words": words}))
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
    ap.add_argument("--words", type=int, default=None,
                    help="rate on narratives of exactly this many words (cut from --corpus-words) instead of --corpus")
    ap.add_argument("--texts", type=int, default=100, help="with --words: how many narratives")
    ap.add_argument("--corpus-words", default="corpora/narratives.test.jsonl", help="with --words: the source texts")
    ap.add_argument("--no-cold", action="store_true", help="measure the rate only")
    args = ap.parse_args()
    base = Path(args.baseline).resolve()
    corpus = Path(args.corpus)
    tmp = None
    if args.words:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from _common import load_texts, word_pieces

        pieces = word_pieces(load_texts(args.corpus_words), args.words, args.texts)
        tmp = tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False)
        tmp.write("".join(json.dumps({"text": p}, ensure_ascii=False) + "\n" for p in pieces))
        tmp.close()
        corpus = Path(tmp.name)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _common import machine_speed

    speed_before = machine_speed()
    load_before = [round(x, 2) for x in os.getloadavg()]
    rows: dict[str, dict[str, list]] = {n: {"cold": [], "rate": [], "cpu_rate": []} for n in ("before", "after")}
    try:
        for _ in range(args.rounds):
            for name, tree in (("before", base), ("after", None)):
                if not args.no_cold:
                    rows[name]["cold"].append(cold_start(tree))
                r = rate(tree, corpus, args.repeat)
                rows[name]["rate"].append(r["per_second"])
                rows[name]["cpu_rate"].append(r["per_cpu_second"])
        mean_words = rate(None, corpus, 1)["mean_words"]
    finally:
        if tmp is not None:
            os.unlink(tmp.name)
    out = {name: {"cold_start_s_median": statistics.median(r["cold"]) if r["cold"] else None, "cold_start_s": r["cold"],
                  "anonymise_text_per_s_median": statistics.median(r["rate"]), "anonymise_text_per_s": r["rate"],
                  "anonymise_text_per_cpu_s_median": statistics.median(r["cpu_rate"]),
                  "anonymise_text_per_cpu_s": r["cpu_rate"]}
           for name, r in rows.items()}
    out["corpus"] = f"{args.texts} pieces of {args.words} words from {args.corpus_words}" if args.words else args.corpus
    out["mean_words"] = mean_words
    out["loadavg_before"] = load_before
    out["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    out["machine_speed_before"], out["machine_speed_after"] = speed_before, machine_speed()
    print(json.dumps(out, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
