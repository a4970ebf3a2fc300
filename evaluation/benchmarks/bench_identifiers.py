"""Throughput of identifier detection + pseudonymisation on one CPU core.

    python evaluation/benchmarks/bench_identifiers.py [--corpus corpora/narratives.test.jsonl] [--n 240]

Makes N narratives of exactly 150 words by reading the corpus texts as one
stream and cutting it at word boundaries (short texts are concatenated, long
ones trimmed), then runs ``detect`` + ``Pseudonymiser.apply`` on each (one
``Pseudonymiser`` for the batch, as ``anonymise_text`` does in batch use) and
reports narratives per second; then the same narratives through the batch API
``detect_many`` (``nlp.pipe`` in batches) + ``Pseudonymiser.apply``, reported
separately as ``batch_detect_many``. Both paths run ``--rounds`` times (default 3, interleaved)
and the figures are the medians of the rounds (every round is listed): this virtual machine's
speed varies from minute to minute. Then one text of 1 MB (corpus narratives
repeated) through ``anonymise_text``. Prints one JSON object on stdout.
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
    ap.add_argument("--n", type=int, default=240, help="number of narratives (at least 200)")
    ap.add_argument("--words", type=int, default=150)
    ap.add_argument("--mode", default="placeholder", choices=["placeholder", "surrogate", "mask"])
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--big-bytes", type=int, default=1_000_000, help="size of the big text in UTF-8 bytes")
    ap.add_argument("--skip-big", action="store_true")
    ap.add_argument("--ner-model", default=None, help="passed to load_pipeline (default: the pipeline's own choice)")
    ap.add_argument("--batch-size", type=int, default=64, help="batch size of the detect_many figure")
    ap.add_argument("--rounds", type=int, default=3,
                    help="timed rounds of both paths, interleaved; the figures are the medians of the rounds")
    args = ap.parse_args()
    if args.n < 200:
        ap.error("--n must be at least 200")
    out = sys.stdout
    with contextlib.redirect_stdout(sys.stderr):
        from narrativ_nlp.anonymise import CHUNK_CHARS, anonymise_text, detect, detect_many
        from narrativ_nlp.identifiers.pseudonymise import Pseudonymiser
        from narrativ_nlp.pipeline import load_pipeline

        texts = _common.load_texts(args.corpus)
        narratives = _common.word_pieces(texts, args.words, args.n)
        t0 = time.perf_counter()
        nlp = load_pipeline(args.ner_model)
        load_s = time.perf_counter() - t0

        warm = Pseudonymiser(mode=args.mode)
        for text in narratives[: args.warmup]:
            warm.apply(text, detect(text, nlp).spans)
        core = _common.single_core()  # after loading and warm-up, so threadpoolctl sees every pool in use

        rounds = []
        for _ in range(max(1, args.rounds)):
            pseudonymiser = Pseudonymiser(mode=args.mode)
            per_text, detect_s, apply_s = [], 0.0, 0.0
            n_spans = n_repl = 0
            t_all = time.perf_counter()
            one_by_one = []
            for text in narratives:
                t0 = time.perf_counter()
                spans = detect(text, nlp).spans
                one_by_one.append(spans)
                t1 = time.perf_counter()
                result = pseudonymiser.apply(text, spans)
                t2 = time.perf_counter()
                detect_s += t1 - t0
                apply_s += t2 - t1
                per_text.append(t2 - t0)
                n_spans += len(spans)
                n_repl += len(result.replacements)
            total = time.perf_counter() - t_all

            # the batch path: detect_many (nlp.pipe) + the same pseudonymisation, one Pseudonymiser
            batch_pseudonymiser = Pseudonymiser(mode=args.mode)
            t0 = time.perf_counter()
            detections = detect_many(narratives, nlp, batch_size=args.batch_size)
            t1 = time.perf_counter()
            for text, det in zip(narratives, detections):
                batch_pseudonymiser.apply(text, det.spans)
            batch_total = time.perf_counter() - t0
            rounds.append({"total": total, "per_text": per_text, "detect_s": detect_s, "apply_s": apply_s,
                           "batch_total": batch_total, "batch_detect_s": t1 - t0,
                           "same": [d.spans for d in detections] == one_by_one})
        # the round with the median one-at-a-time time gives the per-narrative figures
        mid = sorted(rounds, key=lambda r: r["total"])[len(rounds) // 2]
        total, per_text, detect_s, apply_s = mid["total"], mid["per_text"], mid["detect_s"], mid["apply_s"]
        batch_mid = sorted(rounds, key=lambda r: r["batch_total"])[len(rounds) // 2]
        batch = {
            "api": "detect_many + Pseudonymiser.apply",
            "batch_size": args.batch_size,
            "narratives_per_second": round(len(narratives) / batch_mid["batch_total"], 2),
            "seconds_total": round(batch_mid["batch_total"], 3),
            "detect_seconds_total": round(batch_mid["batch_detect_s"], 3),
            "same_spans_as_detect": all(r["same"] for r in rounds),
            "rounds_narratives_per_second": [round(len(narratives) / r["batch_total"], 2) for r in rounds],
        }

        big = None
        if not args.skip_big:
            big_text = _common.repeated_text(texts, min_bytes=args.big_bytes)
            t0 = time.perf_counter()
            big_result = anonymise_text(big_text, mode=args.mode, nlp=nlp)
            big_s = time.perf_counter() - t0
            big = {
                "bytes_utf8": len(big_text.encode("utf-8")),
                "n_chars": len(big_text),
                "n_words": _common.n_words(big_text),
                "detect_chunks_of_chars": CHUNK_CHARS,
                "seconds": round(big_s, 3),
                "replacements": len(big_result.replacements),
                "mb_per_second": round(len(big_text.encode("utf-8")) / 1e6 / big_s, 4),
            }

    _common.emit({
        "benchmark": "identifiers.detect+pseudonymise",
        "corpus": args.corpus,
        "mode": args.mode,
        "n_narratives": len(narratives),
        "words_per_narrative": args.words,
        "distinct_narratives": len(set(narratives)),
        "narratives_per_second": round(len(narratives) / total, 2),
        "rounds": len(rounds),
        "rounds_narratives_per_second": [round(len(narratives) / r["total"], 2) for r in rounds],
        "seconds_total": round(total, 3),
        "per_narrative_ms": _common.stats_ms(per_text),
        "detect_seconds_total": round(detect_s, 3),
        "pseudonymise_seconds_total": round(apply_s, 3),
        "spans_detected": n_spans,
        "batch_detect_many": batch,
        "replacements": n_repl,
        "one_mb_text": big,
        "pipeline_load_seconds": round(load_s, 3),
        "pipeline": _common.pipeline_info(nlp),
        "single_core": _common.public(core),
        "environment": _common.environment(),
    }, out)


if __name__ == "__main__":
    main()
