"""Session themes5 (2026-12-07): Danish compound splitting for user themes (issue #17 item 3, idea 3).

An example's compound lemma ("mudderkøkken", "madpakke") also contributes its parts when both are
words of the training narratives (seen ≥ 3 times; a linking -s-/-e- allowed), so a narrative's
"køkken" or "pakke" meets the example's compound. Two variants: parts added to the examples only
(narratives, vectorizers and topic space unchanged), and to every text (training narratives too:
vectorizers and topic space refitted on the split lemmas). Measured in the protocol of
``user_theme_prf.py`` (examples from the newer training narratives scored on the 149 older ones;
examples from all training narratives scored on dev; 5 draws; mean F1 over ten themes; paired
bootstrap over narratives against the shipped scorer). Test is not read.

    .venv/bin/python evaluation/user_theme_compounds.py --cache LEMMAS.json
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "evaluation"))
sys.path.insert(0, str(ROOT))

import user_theme_check as U  # noqa: E402
import user_theme_prf as P  # noqa: E402


def splitter(words: set[str], min_part: int = 3):
    cache: dict[str, list[str]] = {}

    def parts(w: str) -> list[str]:
        if w in cache:
            return cache[w]
        out: list[str] = []
        if len(w) >= 2 * min_part + 1:
            for i in range(len(w) - min_part, min_part - 1, -1):  # the longest head (last part) first
                head, tail = w[:i], w[i:]
                for h in (head, head[:-1] if head[-1:] in "se" else None):
                    if h and len(h) >= min_part and h in words and tail in words:
                        out = [h, tail]
                        break
                if out:
                    break
        cache[w] = out
        return out

    def apply(text: str) -> str:
        toks = text.split()
        extra = [p for t in toks for p in parts(t)]
        return " ".join(toks + extra)

    return apply, parts


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, default=None)
    args = ap.parse_args(argv)
    from narrativ_nlp.themes import user_themes

    C = ROOT / "corpora"
    _, train_lem = U.load([C / "narratives.train.jsonl"], args.cache)
    counts = Counter(w for x in train_lem for w in x.split())
    words = {w for w, c in counts.items() if c >= 3 and len(w) >= 3}
    apply, parts = splitter(words)
    demo = ["mudderkøkken", "madpakke", "vandpyt", "legeplads", "gummistøvle", "puderum", "sandkasse", "morgenmad"]
    print(json.dumps({w: parts(w) for w in demo}, ensure_ascii=False), flush=True)
    split_share = np.mean([bool(parts(w)) for w in counts])
    print(f"# {len(counts)} lemma types in train, {split_share:.1%} split into two known words", flush=True)

    base_setups = P.build_setups(args.cache)[0]
    base = {S.name: P.evaluate(S, lambda q, S=S: P.shipped(S, q) >= 0.5) for S in base_setups}
    plain_lem, plain_load = user_themes._lemmatise, U.load
    U._cache_example_lemmas()
    cached = user_themes._lemmatise

    def ex_split(texts):
        return [apply(x) for x in cached(texts)]

    def load_split(files, cache):
        recs, lem = plain_load(files, cache)
        return recs, [apply(x) for x in lem]

    rows = {}
    for name, both in (("examples only", False), ("every text", True)):
        user_themes._lemmatise = ex_split
        U.load = load_split if both else plain_load
        P.U.load = U.load
        setups = P.build_setups(args.cache)[0]
        row = {}
        for S in setups:
            Pm = P.evaluate(S, lambda q, S=S: P.shipped(S, q) >= 0.5)
            m, per = P.mean_f1(S, Pm)
            m0, _ = P.mean_f1(S, base[S.name])
            row[S.name] = {"shipped": round(m0, 3), "split": round(m, 3),
                           "ci": np.round(P.paired(S, Pm, base[S.name], B=500), 3).tolist(),
                           "per": {t.id: round(x, 3) for t, x in zip(S.themes, per)}}
        rows[name] = row
        print(json.dumps({"variant": name, **row}), flush=True)
    user_themes._lemmatise, U.load = plain_lem, plain_load


if __name__ == "__main__":
    main()
