"""Scale of themes and the overview: tag, store, cluster and summarise 1k, 10k and 50k narratives.

    python evaluation/benchmarks/bench_themes.py [--sizes 1000 10000 50000] [--max 50000] [--seed 0]
                                                 [--import-sample 40] [--tracemalloc]

Synthetic scale-up: the sentences of ``corpora/narratives.train.jsonl`` are
anonymised once with their gold entity spans (placeholder mode, as an import
would store them) and re-combined, seeded, into new narratives of 4–9 sentences
(mostly from one source narrative, the rest from narratives of the same first
theme), each with a group, a date in one school year, an author code and a
framing profile built from the gold sentence labels. Each size runs in its own
process with a fresh temporary SQLite file, so its peak memory (``ru_maxrss``)
is its own. Per size it times:

* ``tag_s``: content lemmas + ``tag_many`` (the bundled theme tagger);
* ``store_s``: ``NarrativeStore.add_many`` in one transaction;
* ``cluster_s``: read from the store, lemmas, ``discover_sampled`` (TF-IDF + NMF,
  k chosen on a seeded sample of 2,000, every narrative placed by ``transform``);
* ``summarise_s``: ``build_overview`` (read + all tables);
* extra, not in the target total: the two charts and the Excel export.

``--import-sample N`` also times the real import (anonymise + tag + framing
profile + store) of N corpus narratives, to show what an import of many files
costs. Sizes above ``--max`` are skipped and listed as such. Prints ONE JSON
object on stdout (progress goes to stderr).
"""

from __future__ import annotations

import _common  # noqa: I001  (first: sets the thread variables before numpy/spaCy load)

import argparse
import contextlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if str(_common.REPO_ROOT) not in sys.path:  # benchmark this work tree, not another installed copy
    sys.path.insert(0, str(_common.REPO_ROOT))

TRAIN = "corpora/narratives.train.jsonl"
GROUPS = ["Stue Myretuen", "Stue Bikuben", "Vuggestuen Spurvene", "Dagplejen Nord", "Førskolegruppen", "Stue Egern"]
TARGET = {"size": 10_000, "seconds": 60.0, "peak_mb": 1536.0}


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


def source_sentences(path: Path) -> list[dict[str, Any]]:
    """Per source narrative: its anonymised sentences with deficit/resource flags, and its themes."""
    from narrativ_nlp.identifiers.pseudonymise import Pseudonymiser
    from narrativ_nlp.identifiers.types import IdentifierSpan

    pseudo = Pseudonymiser(mode="placeholder")
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        sents = []
        for s in r.get("sentences") or []:
            spans = [IdentifierSpan(e["start"] - s["start"], e["end"] - s["start"], e["label"], "gold", 1.0)
                     for e in r.get("entities", []) if s["start"] <= e["start"] and e["end"] <= s["end"]]
            text = pseudo.apply(r["text"][s["start"] : s["end"]], spans).text.strip()
            if text:
                sents.append((text, bool(s.get("deficit")), bool(s.get("resource"))))
        if sents:
            out.append({"sentences": sents, "theme": (r.get("themes") or ["?"])[0]})
    return out


def synthetic(n: int, sources: list[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    """``n`` distinct narratives re-combined from the source sentences (seeded)."""
    from narrativ_nlp.store import content_hash

    rng = random.Random(seed)
    by_theme: dict[str, list[int]] = {}
    for i, s in enumerate(sources):
        by_theme.setdefault(s["theme"], []).append(i)
    seen: set[str] = set()
    rows = []
    while len(rows) < n:
        src = rng.randrange(len(sources))
        own = sources[src]["sentences"]
        k = rng.randint(4, 9)
        n_own = min(len(own), max(2, round(k * 0.6)))
        start = rng.randrange(0, len(own) - n_own + 1)
        picked = list(own[start : start + n_own])
        mates = by_theme[sources[src]["theme"]]
        while len(picked) < k:
            other = sources[rng.choice(mates if rng.random() < 0.7 else range(len(sources)))]["sentences"]
            picked.append(rng.choice(other))
        text = " ".join(p[0] for p in picked)
        h = content_hash(text)
        if h in seen:
            continue
        seen.add(h)
        d = sum(p[1] for p in picked)
        r = sum(p[2] for p in picked)
        day = rng.randrange(365)
        rows.append({
            "text": text, "group": rng.choice(GROUPS), "author": f"P{rng.randint(1, 12)}",
            "date": time.strftime("%Y-%m-%d", time.gmtime(1754006400 + day * 86400)),  # from 2025-08-01
            "profile": {"n_sentences": len(picked), "n_deficit_sentences": d, "n_resource_sentences": r,
                        "resource_share": round(100 * r / (d + r), 1) if d + r else None},
        })
    return rows


def run_one(n: int, seed: int, use_tracemalloc: bool) -> dict[str, Any]:
    """One size in this process: generate, tag, store, cluster, summarise."""
    from narrativ_nlp.importer import tags_dicts
    from narrativ_nlp.overview import build_overview, discover_stored, export_excel, figures
    from narrativ_nlp.store import NarrativeStore
    from narrativ_nlp.themes.tagger import default_tagger
    from narrativ_nlp.themes.scale import anonymised_lemmas, light_pipeline, tag_many

    res: dict[str, Any] = {"n": n}
    t = time.perf_counter()
    nlp = light_pipeline()
    tagger = default_tagger()
    res["setup_s"] = round(time.perf_counter() - t, 2)  # pipeline + tagger load, once per process
    t = time.perf_counter()
    rows = synthetic(n, source_sentences(_common.resolve(TRAIN)), seed)
    res["generate_s"] = round(time.perf_counter() - t, 2)
    res["rss_before_mb"] = _rss_mb()
    if use_tracemalloc:
        import tracemalloc

        tracemalloc.start()
    with tempfile.TemporaryDirectory() as tmp:
        store = NarrativeStore(Path(tmp) / "bench.sqlite3")
        t = time.perf_counter()
        lemmas = anonymised_lemmas([r["text"] for r in rows], nlp)
        res["lemmas_s"] = round(time.perf_counter() - t, 2)
        tags = tag_many(tagger, lemmas)
        for r, ts in zip(rows, tags):
            r["themes"] = tags_dicts(ts)
        res["tag_s"] = round(time.perf_counter() - t, 2)
        del lemmas, tags
        t = time.perf_counter()
        stored, dup = store.add_many(rows)
        res["store_s"] = round(time.perf_counter() - t, 2)
        res["stored"], res["duplicates"] = stored, dup
        del rows
        t = time.perf_counter()
        narratives = store.narratives()
        found = discover_stored(narratives)
        res["cluster_s"] = round(time.perf_counter() - t, 2)
        res["k"], res["silhouette"], res["discovery_note"] = found.k, found.silhouette, found.note
        res["cluster_sizes"] = sorted((c.size for c in found.clusters), reverse=True)
        del narratives, found
        t = time.perf_counter()
        ov = build_overview(store)
        res["summarise_s"] = round(time.perf_counter() - t, 2)
        res["total_s"] = round(res["tag_s"] + res["store_s"] + res["cluster_s"] + res["summarise_s"], 2)
        t = time.perf_counter()
        figs = figures(ov)
        res["charts_s"] = round(time.perf_counter() - t, 2)
        del figs
        t = time.perf_counter()
        export_excel(ov, Path(tmp) / "overview.xlsx")
        res["excel_s"] = round(time.perf_counter() - t, 2)
        res["db_mb"] = round(sum(p.stat().st_size for p in Path(tmp).glob("bench.sqlite3*")) / 2**20, 1)
        res["excel_kb"] = round((Path(tmp) / "overview.xlsx").stat().st_size / 1024, 1)
        res["months"] = int((ov["resource_per_month"]["month"] != "uden dato").sum())
        store.close()
    if use_tracemalloc:
        res["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    res["peak_rss_mb"] = _rss_mb()
    return res


def run_import_sample(n: int) -> dict[str, Any]:
    """The real import path (anonymise → tag → framing profile → store) on ``n`` corpus narratives."""
    from narrativ_nlp.importer import import_files
    from narrativ_nlp.pipeline import load_pipeline
    from narrativ_nlp.store import NarrativeStore

    t = time.perf_counter()
    load_pipeline()
    load_s = time.perf_counter() - t
    lines = [ln for ln in _common.resolve(TRAIN).read_text(encoding="utf-8").splitlines() if ln.strip()][:n]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "sample.jsonl"
        src.write_text("\n".join(lines) + "\n", encoding="utf-8")
        store = NarrativeStore(Path(tmp) / "import.sqlite3")
        t = time.perf_counter()
        report = import_files([src], store)
        secs = time.perf_counter() - t
        store.close()
    per = secs / max(1, report.read)
    return {"n": report.read, "stored": report.stored, "pipeline_load_s": round(load_s, 2), "import_s": round(secs, 2),
            "seconds_per_narrative": round(per, 4), "estimated_10k_import_min": round(per * 10_000 / 60, 1),
            "peak_rss_mb": _rss_mb()}


def _child(args: list[str]) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, __file__, *args], check=False, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 50_000])
    ap.add_argument("--max", type=int, default=50_000, help="skip sizes above this (e.g. --max 10000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--import-sample", type=int, default=40, help="narratives for the real-import timing (0: skip)")
    ap.add_argument("--tracemalloc", action="store_true", help="also the Python heap peak (slower)")
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--import-only", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    out = sys.stdout
    with contextlib.redirect_stdout(sys.stderr):
        if args.one is not None:
            result = run_one(args.one, args.seed, args.tracemalloc)
        elif args.import_only is not None:
            result = run_import_sample(args.import_only)
        else:
            result = {"benchmark": "themes_scale", "corpus": TRAIN, "seed": args.seed,
                      "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
                      "environment": _common.environment(), "target": TARGET, "sizes": [], "skipped": []}
            for n in args.sizes:
                if n > args.max:
                    result["skipped"].append({"n": n, "reason": f"above --max {args.max}"})
                    continue
                print(f"[bench_themes] {n} narratives …", file=sys.stderr)
                t = time.perf_counter()
                one = _child(["--one", str(n), "--seed", str(args.seed)] + (["--tracemalloc"] if args.tracemalloc else []))
                one["wall_s"] = round(time.perf_counter() - t, 1)
                result["sizes"].append(one)
            ok = [s for s in result["sizes"] if "total_s" in s]
            base = next((s for s in ok if s["n"] == min(x["n"] for x in ok)), None) if ok else None
            if base:
                result["growth_vs_smallest"] = {str(s["n"]): round(s["total_s"] / base["total_s"], 2) for s in ok}
            at = next((s for s in ok if s["n"] == TARGET["size"]), None)
            if at:
                result["target_met"] = {"seconds": at["total_s"] <= TARGET["seconds"],
                                        "peak_memory": at["peak_rss_mb"] <= TARGET["peak_mb"]}
            if args.import_sample:
                print(f"[bench_themes] import of {args.import_sample} corpus narratives …", file=sys.stderr)
                result["import_sample"] = _child(["--import-only", str(args.import_sample)])
    _common.emit(result, out)


if __name__ == "__main__":
    main()
