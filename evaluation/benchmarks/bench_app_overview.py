"""Overblik in the app for 1,000 stored narratives: time of ``narrativ_nlp.app.overview.overview``.

A database of ``--n`` narratives is built from the project's corpora (``corpora/narratives.*.jsonl`` and
``blind.jsonl``; eight rooms, dates over 2025–2026) through ``narrativ import`` 's workflow
(``narrativ_nlp.workflows.import_files``: anonymised, ``enrich()`` stores lemmas and themes at import).
Then the Overblik tab's three steps are timed for every group together and for the largest room: the view
(tables and chart data), the patterns (clustering; lemmas are kept per narrative after the first time) and
the export files, each cold and again for the same selection (from the per-selection cache).

    .venv/bin/python evaluation/benchmarks/bench_app_overview.py            # builds /tmp/narrativ-bench-1000.sqlite3
    .venv/bin/python evaluation/benchmarks/bench_app_overview.py --db other.sqlite3 --n 1000

Not a test: the figures depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
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
    for label, group in (("all", over_h.ALL_GROUPS), ("largest_group", largest)):
        over_h.invalidate()
        row: dict = {"group": group}
        for step, fn in (("view", over_h.overview), ("patterns", over_h.patterns_for), ("exports", over_h.exports_for)):
            t0 = time.perf_counter()
            r = fn(str(db), group)
            cold = time.perf_counter() - t0
            t0 = time.perf_counter()
            again = fn(str(db), group)
            warm = time.perf_counter() - t0
            assert again is r
            row[f"{step}_cold_s"] = round(cold, 2)
            row[f"{step}_cached_s"] = round(warm, 4)
            if step == "view":
                row["n"] = r["n"]
            if step == "patterns":
                row["patterns"] = r.count("Mønster ")
        if label == "all":  # again after a store change: the lemmas are kept, only the clustering runs
            over_h.invalidate()
            t0 = time.perf_counter()
            over_h.patterns_for(str(db), group)
            row["patterns_lemmas_kept_s"] = round(time.perf_counter() - t0, 2)
        figures[label] = row
    figures["largest_group"]["size"] = n_largest
    figures["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
