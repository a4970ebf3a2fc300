"""Same sentence starts in this tree as in a baseline checkout (a speed change to the segmenter must not change them).

    python evaluation/benchmarks/check_segment_identity.py --baseline /tmp/narrativ-base [--corpus corpora/*.jsonl]

``--baseline`` is a checkout of an older commit; its code runs with ``PYTHONPATH`` set to it (same interpreter and
packages, its own ``models/``), as in ``check_detect_identity.py``. Each tree runs, in a fresh process, over every
text of the corpus files (default: every ``corpora/*.jsonl``), on the pipeline's own tokenizer:

* ``sentence_starts(doc)`` on a doc that carries its text (as ``anonymise.detect`` makes it) and on one that does
  not (the text is joined from the tokens);
* the ``narrativ_segmenter`` component: the token indices where ``doc.sents`` start.

The two dumps are compared record by record; only record ids and counts are printed, never narrative text.
Exit code 0 when everything is identical, 1 otherwise.
"""

from __future__ import annotations

import argparse
import glob
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
from narrativ_nlp.framing.segment import sentence_starts
from narrativ_nlp.pipeline import load_pipeline
nlp = load_pipeline()
seg = nlp.get_pipe("narrativ_segmenter")
out = open(sys.argv[1], "w", encoding="utf-8")
out.write(json.dumps({"package": os.path.dirname(narrativ_nlp.__file__)}) + "\n")
for path in sys.argv[2:]:
    for i, line in enumerate(open(path, encoding="utf-8")):
        if not line.strip():
            continue
        row = json.loads(line)
        text = row["text"]
        with_text = nlp.make_doc(text)
        with_text.user_data["narrativ_text"] = text
        plain = nlp.make_doc(text)
        a = [k for k, s in enumerate(sentence_starts(with_text)) if s]
        b = [k for k, s in enumerate(sentence_starts(plain)) if s]
        doc = seg(nlp.make_doc(text))
        c = [s.start for s in doc.sents] if len(doc) else []
        out.write(json.dumps({"file": os.path.basename(path), "id": row.get("id", i), "tokens": len(plain),
                              "starts": a, "starts_plain": b, "sents": c}) + "\n")
out.close()
"""


def dump(tree: Path | None, corpora: list[str], out: Path) -> list[dict]:
    return dump_in_tree(tree, DUMP_CODE, corpora, out, "/tmp/narrativ-check-segment.sqlite3")


def compare(before: list[dict], after: list[dict]) -> dict:
    if len(before) != len(after):
        return {"identical": False, "error": f"{len(before)} records before, {len(after)} after"}
    fields: dict[str, int] = {}
    first: list[dict] = []
    for b, a in zip(before, after):
        if (b["file"], b["id"]) != (a["file"], a["id"]):
            return {"identical": False, "error": f"record order differs at {b['file']}:{b['id']}"}
        for key in ("tokens", "starts", "starts_plain", "sents"):
            if b[key] != a[key]:
                fields[key] = fields.get(key, 0) + 1
                if len(first) < 20:
                    first.append({"file": b["file"], "id": b["id"], "field": key})
    return {"identical": not fields, "texts": len(before),
            "sentence_starts_compared": sum(len(b["starts"]) for b in before),
            "tokens_compared": sum(b["tokens"] for b in before), "differing_fields": fields,
            "first_differences": first}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline", required=True, help="a checkout of the older commit")
    ap.add_argument("--corpus", nargs="*", default=None, help="JSONL files with a 'text' field (default: corpora/*.jsonl)")
    ap.add_argument("--json", default=None, help="also write the result here")
    args = ap.parse_args()
    corpora = [str(Path(c).resolve()) for c in (args.corpus or sorted(glob.glob(str(REPO / "corpora" / "*.jsonl"))))]
    base = Path(args.baseline).resolve()
    with tempfile.TemporaryDirectory(prefix="narrativ-segment-") as tmp:
        before = dump(base, corpora, Path(tmp) / "before.jsonl")
        after = dump(None, corpora, Path(tmp) / "after.jsonl")
    result = compare(before, after)
    result["corpora"] = [os.path.relpath(c, REPO) for c in corpora]
    result["baseline"] = str(base)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0 if result["identical"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
