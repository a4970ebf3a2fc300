"""User-defined themes: leave one of the ten situation themes out and define it as a leader would.

For each theme T of the codebook: a leader's theme with T's Danish label and description, five
example sentences taken from training narratives whose first theme is T (five narratives drawn
with a fixed seed; from each, the sentence holding most of T's codebook seed words, else its
longest) and T's three codebook seed words as one more example (the words a leader gives).
``tag_user_themes`` then tags held-out narratives — dev + test by default, in one selection — and
T's F1 is measured against the gold themes. The TF-IDF vectorizers and the topic space are fitted
on the training texts without labels, so no model has seen T; nothing is retrained per theme.
Repeated for ``--draws`` seeded draws of examples; mean and lowest F1 per theme. ``--small``
tags each narrative alone (a selection of one: the threshold against the training distribution).

    .venv/bin/python evaluation/user_theme_check.py [--tune] [--small] [--narratives-only]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def load(split_files: list[Path], cache: Path):
    from narrativ_nlp.corpus.format import read_corpus

    recs = [r for f in split_files for r in read_corpus(f) if r.themes]
    lem = json.loads(cache.read_text(encoding="utf-8")) if cache.is_file() else {}
    missing = [r for r in recs if r.id not in lem]
    if missing:
        from narrativ_nlp.themes.features import texts_to_lemmas

        lem.update(zip([r.id for r in missing], texts_to_lemmas([r.text for r in missing])))
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(lem, ensure_ascii=False), encoding="utf-8")
    return recs, [lem[r.id] for r in recs]


def example_sentences(train, theme, n: int, seed: int) -> list[str]:
    from narrativ_nlp.themes.codebook import ThemeCodebook

    seeds = next(t.seeds for t in ThemeCodebook.default().themes if t.id == theme)
    pool = [r for r in train if r.themes[0] == theme and r.sentences]
    rng = np.random.default_rng(seed)
    chosen = [pool[i] for i in sorted(rng.choice(len(pool), size=min(n, len(pool)), replace=False))]
    out = []
    for r in chosen:
        sents = [r.text[s.start:s.end] for s in r.sentences]
        hits = [sum(w in s.lower() for w in seeds) for s in sents]
        best = max(range(len(sents)), key=lambda k: (hits[k], len(sents[k])))
        out.append(sents[best])
    return out


def f1(gold: list[bool], pred: list[bool]) -> float:
    tp = sum(g and p for g, p in zip(gold, pred))
    fp = sum(p and not g for g, p in zip(gold, pred))
    fn = sum(g and not p for g, p in zip(gold, pred))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def run(train, held, held_lemmas, features, draws: int, small: bool = False, **settings) -> dict[str, list[float]]:
    from narrativ_nlp.themes.codebook import ThemeCodebook
    from narrativ_nlp.themes.user_themes import UserTheme, tag_user_themes

    out = {}
    for t in ThemeCodebook.default().themes:
        scores = []
        for d in range(draws):
            examples = tuple(example_sentences(train, t.id, 5, d)) + (", ".join(t.seeds),)
            ut = UserTheme(t.id, t.label, t.description, examples)
            if small:
                tags = [tag_user_themes([x], [ut], lemmas=True, features=features, **settings)[0] for x in held_lemmas]
            else:
                tags = tag_user_themes(held_lemmas, [ut], lemmas=True, features=features, **settings)
            scores.append(f1([t.id in r.themes for r in held], [bool(x) for x in tags]))
        out[t.id] = scores
    return out


def main(argv=None) -> int:
    from narrativ_nlp.themes.tagger import make_features
    from narrativ_nlp.themes.user_themes import fit_theme_space

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=5)
    ap.add_argument("--tune", action="store_true", help="choose the settings on train (held: train narratives)")
    ap.add_argument("--small", action="store_true", help="tag each narrative alone")
    ap.add_argument("--narratives-only", action="store_true", help="held-out: the project's narratives only (ids n…)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/narrativ-theme-cv/user-theme-lemmas.json"))
    args = ap.parse_args(argv)
    C = ROOT / "corpora"
    train, train_lem = load([C / "narratives.train.jsonl"], args.cache)
    features = make_features((2, 5)).fit(train_lem)
    space = fit_theme_space(train_lem, features)
    if args.tune:
        # tune on the older training narratives (the test split's style); examples from the newer ones
        older = [i for i, r in enumerate(train) if r.id[:2] in ("n1", "n2", "n3", "n4", "n5")]
        newer = [r for r in train if r.id[:2] not in ("n1", "n2", "n3", "n4", "n5")]
        best = None
        for lw, zt in itertools.product([0.5, 0.7, 1.0], [0.25, 0.5, 0.75]):
            res = run(newer, [train[i] for i in older], [train_lem[i] for i in older], features, 2, args.small,
                      space=space, lsa_weight=lw, z_threshold=zt)
            mean = float(np.mean([np.mean(v) for v in res.values()]))
            worst = float(min(np.mean(v) for v in res.values()))
            print(json.dumps({"lsa_weight": lw, "z_threshold": zt, "mean_f1": round(mean, 3),
                              "worst_theme_f1": round(worst, 3)}), flush=True)
            if best is None or mean > best[0]:
                best = (mean, lw, zt)
        print("best", best)
        return 0
    held, held_lem = load([C / "narratives.dev.jsonl", C / "narratives.test.jsonl"], args.cache)
    if args.narratives_only:
        keep = [i for i, r in enumerate(held) if r.id.startswith("n")]
        held, held_lem = [held[i] for i in keep], [held_lem[i] for i in keep]
    res = run(train, held, held_lem, features, args.draws, args.small, space=space)
    print(f"held-out narratives: {len(held)}")
    for k, v in res.items():
        print(f"{k:14s} mean F1 {np.mean(v):.3f}  lowest {min(v):.3f}  (n_gold {sum(k in r.themes for r in held)})")
    print(f"mean over themes {np.mean([np.mean(v) for v in res.values()]):.3f}; "
          f"themes with mean F1 >= 0.60: {sum(np.mean(v) >= 0.6 for v in res.values())}/10")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
