"""Does a blind re-annotation of the training narratives' curriculum help the tagger? (dev only)

The training narratives' ``curriculum`` labels were written by other annotators than the first
annotator of dev/test. ``corpora/annotations/curriculum.train-annotator2.jsonl`` re-annotates the
849 training narratives blind, to the written guidelines of ``README-curriculum.md``. This script
prints how far the two label sets agree (micro-F1) and trains the shipped words model (map weight 0)
on the training split with (a) the original labels, (b) the re-annotation, (c) both (each narrative
twice), scoring each on the dev split (first annotator). Test and blind are not read.

    .venv/bin/python evaluation/curriculum_reannotation.py [--cache DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "evaluation"))

import theme_cv as T  # noqa: E402

from narrativ_nlp.corpus.format import read_corpus  # noqa: E402
from narrativ_nlp.themes.curriculum import CurriculumTagger  # noqa: E402

REANNOTATION = ROOT / "corpora" / "annotations" / "curriculum.train-annotator2.jsonl"


def micro(gold: list[list[str]], pred: list[list[str]]) -> float:
    tp = sum(len(set(a) & set(b)) for a, b in zip(gold, pred))
    return 2 * tp / max(1, sum(map(len, gold)) + sum(map(len, pred)))


def main() -> int:
    args = sys.argv[1:]
    cache = Path(args[args.index("--cache") + 1]) if "--cache" in args else None
    train = list(read_corpus(ROOT / "corpora" / "narratives.train.jsonl"))
    dev = list(read_corpus(ROOT / "corpora" / "narratives.dev.jsonl"))
    l_train, l_dev = T.lemmas_of(train, "after", cache), T.lemmas_of(dev, "after", cache)
    second = {o["id"]: o["curriculum"] for o in map(json.loads, REANNOTATION.read_text(encoding="utf-8").splitlines())}
    original = [T.curriculum_of(r) for r in train]
    both_ids = [i for i, r in enumerate(train) if r.id in second and original[i] is not None]
    print(f"re-annotated training narratives: {len(both_ids)}; agreement with the original labels, micro-F1 "
          f"{micro([original[i] for i in both_ids], [second[train[i].id] for i in both_ids]):.3f}")
    harmonised = [second.get(r.id, c) for r, c in zip(train, original)]
    gold = [T.curriculum_of(r) for r in dev]
    nar = [i for i, r in enumerate(dev) if r.id.startswith("n")]
    reg = [i for i, r in enumerate(dev) if not r.id.startswith("n")]
    idx = [i for i, c in enumerate(original) if c is not None]
    variants = {
        "original": ([l_train[i] for i in idx], [original[i] for i in idx]),
        "re-annotation": ([l_train[i] for i in idx], [harmonised[i] for i in idx]),
        "both": ([l_train[i] for i in idx] * 2, [original[i] for i in idx] + [harmonised[i] for i in idx]),
    }
    print("| labels | threshold | dev micro-F1 | dev narratives | dev register | tags per record |")
    print("|---|---|---|---|---|---|")
    for name, (lem, lab) in variants.items():
        for th in (0.35, 0.40, 0.45):
            tagger = CurriculumTagger.from_prior(map_weight=0.0, threshold=th).fit(lem, lab)
            pred = [[t.theme for t in tags] for tags in tagger.tag(l_dev)]
            print(f"| {name} | {th:.2f} | {micro(gold, pred):.3f} | {micro([gold[i] for i in nar], [pred[i] for i in nar]):.3f} | "
                  f"{micro([gold[i] for i in reg], [pred[i] for i in reg]):.3f} | {np.mean([len(p) for p in pred]):.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
