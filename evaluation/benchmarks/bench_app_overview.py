"""Overblik in the app for 1,000 stored narratives: time of ``narrativ_nlp.app.overview.overview``.

A database of ``--n`` narratives is built from the project's corpora (``corpora/narratives.*.jsonl`` and
``blind.jsonl``; eight rooms, dates over 2025–2026) through ``narrativ import`` 's workflow
(``narrativ_nlp.workflows.import_files``: anonymised, ``enrich()`` stores lemmas and themes at import).
Then the Overblik tab's three steps are timed for every group together and for the largest room: the view
(tables and chart data), the patterns (clustering of the stored lemmas) and the export files, each cold and
again for the same selection (from the app's per-selection cache). Cold means computed: the library's kept
patterns and chart files (in memory and in the store's ``derived`` table) are forgotten first. For every group
together three more figures: ``patterns_recomputed_s`` (computed again in the warm process),
``patterns_from_store_s`` (nothing in memory, the store's kept patterns: another worker process or a restart)
and ``exports_charts_kept_s`` (the export files again after the app's cache is cleared: the charts are kept).
Each time has its CPU time beside it (``*_cpu_s``); the load averages are recorded before and after. Last,
``all_after_warm_up``: the app's warm-up (``records.warm_overview``) from nothing kept, then the first view,
patterns and exports of every group together, as the first user after a start sees them.

    .venv/bin/python evaluation/benchmarks/bench_app_overview.py            # builds /tmp/narrativ-bench-1000.sqlite3
    .venv/bin/python evaluation/benchmarks/bench_app_overview.py --db other.sqlite3 --n 1000

Not a test: the figures depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[2]
ROOMS = ["Myretuen", "Bien", "Solsikken", "Mariehønen", "Frøen", "Egernet", "Spurven", "Uglen"]


def records(n: int) -> list[dict]:
    texts = []
    for name in ("narratives.train.jsonl", "narratives.dev.jsonl", "narratives.test.jsonl", "blind.jsonl"):
        for line in (REPO / "corpora" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    out = []
    for i in range(n):
        text = texts[i % len(texts)]
        if i >= len(texts):  # a second round: a different opening, so it is a different narrative
            text = f"Dag {i // len(texts) + 1}. " + text
        month, day = 1 + (i * 7) % 24, 1 + (i * 11) % 28
        year = 2025 + (month - 1) // 12
        out.append({"text": text, "group": ROOMS[i % len(ROOMS)],
                    "date": f"{year}-{(month - 1) % 12 + 1:02d}-{day:02d}"})
    return out


def build(db: Path, n: int) -> float:
    from narrativ_nlp.workflows import ImportRequest, import_files

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "narrativer.jsonl"
        src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records(n)) + "\n", encoding="utf-8")
        t0 = time.perf_counter()
        report = import_files(ImportRequest(paths=[src]), db)
        dt = time.perf_counter() - t0
    print(f"import: {report.stored} stored, {report.duplicates} duplicates in {dt:.1f} s", file=sys.stderr)
    return dt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=str(Path(tempfile.gettempdir()) / "narrativ-bench-1000.sqlite3"))
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--json", help="write the figures to this file")
    args = ap.parse_args(argv)

    from narrativ_nlp.app import overview as over_h
    from narrativ_nlp.app.common import ensure_pipeline
    from narrativ_nlp.store import NarrativeStore

    db = Path(args.db)
    store = NarrativeStore(str(db))
    have = store.count()
    store.close()
    import_s = None
    if have < args.n:
        ensure_pipeline()
        import_s = build(db, args.n - have)
    store = NarrativeStore(str(db))
    n_stored, largest = store.count(), max(ROOMS, key=lambda g: len(store.narratives(group=g)))
    n_largest = len(store.narratives(group=largest))
    store.close()

    figures: dict = {"narratives": n_stored, "import_s": None if import_s is None else round(import_s, 1),
                     "loadavg_before": [round(x, 2) for x in os.getloadavg()]}

    def forget_kept() -> None:
        """The library's kept patterns and chart files (this branch on; absent in older code)."""
        try:
            from narrativ_nlp.overview import forget
        except ImportError:
            return
        forget()
        store = NarrativeStore(str(db))
        if hasattr(store, "clear_derived"):
            store.clear_derived()
        store.close()

    def timed(fn, *args):
        t0, c0 = time.perf_counter(), time.process_time()
        r = fn(*args)
        return r, round(time.perf_counter() - t0, 3), round(time.process_time() - c0, 3)

    for label, group in (("all", over_h.ALL_GROUPS), ("largest_group", largest)):
        over_h.invalidate()
        forget_kept()
        row: dict = {"group": group}
        for step, fn in (("view", over_h.overview), ("patterns", over_h.patterns_for), ("exports", over_h.exports_for)):
            r, cold, cold_cpu = timed(fn, str(db), group)
            again, warm, _ = timed(fn, str(db), group)
            assert again is r
            row[f"{step}_cold_s"], row[f"{step}_cold_cpu_s"] = round(cold, 2), round(cold_cpu, 2)
            row[f"{step}_cached_s"] = round(warm, 4)
            if step == "view":
                row["n"] = r["n"]
            if step == "patterns":
                row["patterns"] = r.count("Mønster ")
                row["patterns_sha256"] = hashlib.sha256(r.encode()).hexdigest()[:16]
        if label == "all":
            over_h.invalidate()  # the app's cache only: the export charts are kept
            _, wall, cpu = timed(over_h.exports_for, str(db), group)
            row["exports_charts_kept_s"], row["exports_charts_kept_cpu_s"] = wall, cpu
            over_h.invalidate()  # the app's cache only: the library's kept patterns answer
            _, row["patterns_lemmas_kept_s"], _ = timed(over_h.patterns_for, str(db), group)
            over_h.invalidate()
            forget_kept()  # nothing kept: computed again in this (warm) process
            _, wall, cpu = timed(over_h.patterns_for, str(db), group)
            row["patterns_recomputed_s"], row["patterns_recomputed_cpu_s"] = wall, cpu
            over_h.invalidate()
            try:  # nothing in memory, the store's kept patterns (another worker process, a restart)
                from narrativ_nlp.overview.discovery import forget_patterns

                forget_patterns()
                _, row["patterns_from_store_s"], _ = timed(over_h.patterns_for, str(db), group)
            except ImportError:
                row["patterns_from_store_s"] = None
        figures[label] = row
    figures["largest_group"]["size"] = n_largest
    # the app after its warm-up thread (``records.warm_overview``): the first clicks for every group together
    try:
        from narrativ_nlp.workflows.records import warm_overview
    except ImportError:  # older code: no warm-up of the overview
        warm_overview = None
    if warm_overview is not None:
        over_h.invalidate()
        forget_kept()
        _, wall, cpu = timed(warm_overview, str(db), over_h.PATTERN_K, over_h.MIN_FOR_PATTERNS, over_h.MIN_PATTERN_SIZE)
        row = {"warm_up_s": round(wall, 2), "warm_up_cpu_s": round(cpu, 2)}
        for step, fn in (("view", over_h.overview), ("patterns", over_h.patterns_for), ("exports", over_h.exports_for)):
            _, wall, cpu = timed(fn, str(db), over_h.ALL_GROUPS)
            row[f"{step}_s"], row[f"{step}_cpu_s"] = round(wall, 2), round(cpu, 2)
        figures["all_after_warm_up"] = row
    figures["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    figures["cpu_total_s"] = round(time.process_time(), 2)
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
