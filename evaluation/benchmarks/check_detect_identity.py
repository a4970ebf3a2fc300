"""Same detection and anonymisation in this tree as in a baseline checkout (a speed change must not change behaviour).

    python evaluation/benchmarks/check_detect_identity.py --baseline /tmp/narrativ-base [--corpus corpora/*.jsonl]

``--baseline`` is a checkout of an older commit; its code runs with ``PYTHONPATH`` set to it (same interpreter
and packages, its own ``models/``), as in ``bench_startup.py``. Each tree runs, in a fresh process, over every
text of the corpus files (default: every ``corpora/*.jsonl``: narratives of all registers, sentences, blind):

* ``detect(text)``: the pre-selected spans and the suggestions (label, start, end, source, score);
* ``anonymise_text(text)`` (placeholder mode, one call per text, as the app and the API do) and
  ``anonymise_text(text, mode="surrogate")``: the anonymised text and every replacement;
* ``detect_many`` over each file (the batch path): the same spans as ``detect``;
* one ``Pseudonymiser(mode="surrogate")`` for a whole file (batch consistency): its output and mapping.

The two dumps are compared record by record. Only record ids, labels and offsets are printed, never
narrative text. Exit code 0 when everything is identical, 1 otherwise.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import dump_in_tree  # noqa: E402

REPO = Path(__file__).resolve().parents[2]

DUMP_CODE = r"""
import json, sys, os
import narrativ_nlp
from narrativ_nlp.anonymise import anonymise_text, detect, detect_many
from narrativ_nlp.identifiers.pseudonymise import Pseudonymiser
out = open(sys.argv[1], "w", encoding="utf-8")
out.write(json.dumps({"package": os.path.dirname(narrativ_nlp.__file__)}) + "\n")

def spans(ss):
    return [[s.label, s.start, s.end, s.source, s.score] for s in ss]

def repl(p):
    return {"text": p.text, "replacements": [[r.start, r.end, r.label, r.original, r.replacement] for r in p.replacements]}

for path in sys.argv[2:]:
    rows = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    texts = [r["text"] for r in rows]
    many = detect_many(texts)
    batch = Pseudonymiser(mode="surrogate")
    for i, (row, text) in enumerate(zip(rows, texts)):
        d = detect(text)
        rec = {"file": os.path.basename(path), "id": row.get("id", i), "spans": spans(d.spans),
               "suggestions": spans(d.suggestions), "threshold": d.threshold,
               "many_spans": spans(many[i].spans), "many_suggestions": spans(many[i].suggestions),
               "placeholder": repl(anonymise_text(text)),
               "surrogate": repl(anonymise_text(text, mode="surrogate")),
               "batch_surrogate": repl(batch.apply(text, d.spans))}
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    out.write(json.dumps({"file": os.path.basename(path), "batch_mapping": batch.mapping_table()},
                         ensure_ascii=False) + "\n")
out.close()
"""


def dump(tree: Path | None, corpora: list[str], out: Path) -> list[dict]:
    return dump_in_tree(tree, DUMP_CODE, corpora, out, "/tmp/narrativ-check-identity.sqlite3")


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:12]


def compare(before: list[dict], after: list[dict]) -> dict:
    """Differences per field, as (file, id, field) with offsets/labels only."""
    if len(before) != len(after):
        return {"identical": False, "error": f"{len(before)} records before, {len(after)} after"}
    diffs: list[dict] = []
    fields: dict[str, int] = {}
    texts = 0
    for b, a in zip(before, after):
        if (b.get("file"), b.get("id")) != (a.get("file"), a.get("id")):
            return {"identical": False, "error": f"record order differs at {b.get('file')}:{b.get('id')}"}
        if "spans" in b:
            texts += 1
        for key in sorted(set(b) | set(a)):
            if b.get(key) == a.get(key):
                continue
            fields[key] = fields.get(key, 0) + 1
            if len(diffs) < 20:
                item = {"file": b["file"], "id": b.get("id"), "field": key}
                if key.endswith("spans") or key.endswith("suggestions"):
                    item["only_before"] = [s[:3] for s in b[key] if s not in a[key]]
                    item["only_after"] = [s[:3] for s in a[key] if s not in b[key]]
                else:
                    item["before"], item["after"] = _digest(b.get(key)), _digest(a.get(key))
                diffs.append(item)
    return {"identical": not fields, "texts": texts, "records": len(before), "differing_fields": fields,
            "first_differences": diffs}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline", required=True, help="a checkout of the older commit")
    ap.add_argument("--corpus", nargs="*", default=None, help="JSONL files with a 'text' field (default: corpora/*.jsonl)")
    ap.add_argument("--candidate", default=None, help="compare this checkout instead of this tree")
    ap.add_argument("--json", default=None, help="also write the result here")
    ap.add_argument("--baseline-dump", default=None,
                    help="keep the baseline's dump in this file and reuse it when it exists (same baseline and corpora)")
    args = ap.parse_args()
    corpora = [str(Path(c).resolve()) for c in (args.corpus or sorted(glob.glob(str(REPO / "corpora" / "*.jsonl"))))]
    base = Path(args.baseline).resolve()
    candidate = Path(args.candidate).resolve() if args.candidate else None
    with tempfile.TemporaryDirectory(prefix="narrativ-identity-") as tmp:
        kept = Path(args.baseline_dump) if args.baseline_dump else None
        if kept is not None and kept.exists():
            before = [json.loads(line) for line in kept.read_text(encoding="utf-8").splitlines()]
        else:
            before = dump(base, corpora, Path(tmp) / "before.jsonl")
            if kept is not None:
                kept.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in before), encoding="utf-8")
        after = dump(candidate, corpora, Path(tmp) / "after.jsonl")
    result = compare(before, after)
    result["corpora"] = [os.path.relpath(c, REPO) for c in corpora]
    result["baseline"] = str(base)
    result["candidate"] = str(candidate or REPO)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0 if result["identical"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
