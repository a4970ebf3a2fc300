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

The margin against the codebook themes (``user_themes.MARGIN``) uses the centroids of the other
nine themes only (``ThemeSpace.without``), from the training narratives' labels. ``--held``
chooses the held-out records (dev, test, or both as one selection). ``--tune`` chooses the
settings on the older training narratives (examples from the newer ones, centroids from the newer
ones' labels) and prints the dev figure of each setting next to it; test is not read.

    .venv/bin/python evaluation/user_theme_check.py [--tune] [--small] [--narratives-only] [--held dev|test|dev+test]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def load(split_files: list[Path], cache: Path | None):
    from narrativ_nlp.corpus.format import read_corpus

    recs = [r for f in split_files for r in read_corpus(f) if r.themes]
    lem = json.loads(cache.read_text(encoding="utf-8")) if cache is not None and cache.is_file() else {}
    missing = [r for r in recs if r.id not in lem]
    if missing:
        from narrativ_nlp.themes.features import texts_to_lemmas

        lem.update(zip([r.id for r in missing], texts_to_lemmas([r.text for r in missing])))
        if cache is not None:
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


_LEMMAS: dict[tuple[str, ...], list[str]] = {}


def _cache_example_lemmas() -> None:
    """Lemmatise each theme's examples once per run of this script (the grid repeats them)."""
    from narrativ_nlp.themes import user_themes

    if getattr(user_themes._lemmatise, "cached", False):
        return
    plain = user_themes._lemmatise

    def cached(texts: list[str]) -> list[str]:
        key = tuple(texts)
        if key not in _LEMMAS:
            _LEMMAS[key] = plain(list(texts))
        return list(_LEMMAS[key])

    cached.cached = True
    user_themes._lemmatise = cached


def run(train, held, held_lemmas, features, draws: int, small: bool = False, **settings) -> dict[str, list[float]]:
    from narrativ_nlp.themes.codebook import ThemeCodebook
    from narrativ_nlp.themes.user_themes import UserTheme, tag_user_themes

    _cache_example_lemmas()

    out = {}
    for t in ThemeCodebook.default().themes:
        scores = []
        for d in range(draws):
            examples = tuple(example_sentences(train, t.id, 5, d)) + (", ".join(t.seeds),)
            ut = UserTheme(t.id, t.label, t.description, examples)
            own = {**settings, "space": settings["space"].without(t.id)} if settings.get("space") else settings
            if small:
                tags = [tag_user_themes([x], [ut], lemmas=True, features=features, **own)[0] for x in held_lemmas]
            else:
                tags = tag_user_themes(held_lemmas, [ut], lemmas=True, features=features, **own)
            scores.append(f1([t.id in r.themes for r in held], [bool(x) for x in tags]))
        out[t.id] = scores
    return out


def main(argv=None) -> int:
    from narrativ_nlp.themes.tagger import make_features
    from narrativ_nlp.themes.user_themes import fit_theme_space
    from sklearn.preprocessing import normalize

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=5)
    ap.add_argument("--tune", action="store_true", help="choose the settings on train (held: train narratives)")
    ap.add_argument("--small", action="store_true", help="tag each narrative alone")
    ap.add_argument("--margin", type=float, default=None, help="margin (default: user_themes.MARGIN; 0 = none)")
    ap.add_argument("--held", choices=["dev", "test", "dev+test"], default="dev+test")
    ap.add_argument("--narratives-only", action="store_true", help="held-out: the project's narratives only (ids n…)")
    ap.add_argument("--cache", type=Path, default=None,
                    help="a lemma cache file (keyed by record id only: stale after a change of the lemmas or of the "
                         "name detection; by default the lemmas are computed afresh)")
    args = ap.parse_args(argv)
    C = ROOT / "corpora"
    train, train_lem = load([C / "narratives.train.jsonl"], args.cache)
    features = make_features((2, 5)).fit(train_lem)
    space = fit_theme_space(train_lem, features, labels=[r.themes for r in train])
    if args.tune:
        # tune on the older training narratives (the test split's style); examples and centroids from the newer ones
        older = [i for i, r in enumerate(train) if r.id[:2] in ("n1", "n2", "n3", "n4", "n5")]
        newer_idx = [i for i, r in enumerate(train) if r.id[:2] not in ("n1", "n2", "n3", "n4", "n5")]
        newer = [train[i] for i in newer_idx]
        L = space.reference[newer_idx]
        ids = space.centroid_ids
        tune_space = replace(space, centroids=normalize(np.vstack([L[[t in r.themes for r in newer]].mean(axis=0)
                                                                   for t in ids])))
        dev, dev_lem = load([C / "narratives.dev.jsonl"], args.cache)
        best = None
        for lw, zt, mg in itertools.product([0.7], [0.5], [0.0, 0.4, 0.6, 0.8]):
            res = run(newer, [train[i] for i in older], [train_lem[i] for i in older], features, args.draws,
                      args.small, space=tune_space, lsa_weight=lw, z_threshold=zt, margin=mg)
            res_dev = run(train, dev, dev_lem, features, args.draws, args.small, space=space, lsa_weight=lw,
                          z_threshold=zt, margin=mg)
            mean = float(np.mean([np.mean(v) for v in res.values()]))
            worst = float(min(np.mean(v) for v in res.values()))
            dev_mean = float(np.mean([np.mean(v) for v in res_dev.values()]))
            print(json.dumps({"lsa_weight": lw, "z_threshold": zt, "margin": mg, "mean_f1": round(mean, 3),
                              "worst_theme_f1": round(worst, 3), "dev_mean_f1": round(dev_mean, 3)}), flush=True)
            if best is None or mean + dev_mean > best[0]:
                best = (mean + dev_mean, lw, zt, mg)
        print("best (train-older + dev)", best)
        return 0
    held_files = {"dev": ["dev"], "test": ["test"], "dev+test": ["dev", "test"]}[args.held]
    held, held_lem = load([C / f"narratives.{h}.jsonl" for h in held_files], args.cache)
    if args.narratives_only:
        keep = [i for i, r in enumerate(held) if r.id.startswith("n")]
        held, held_lem = [held[i] for i in keep], [held_lem[i] for i in keep]
    extra = {} if args.margin is None else {"margin": args.margin}
    res = run(train, held, held_lem, features, args.draws, args.small, space=space, **extra)
    print(f"held-out narratives: {len(held)}")
    for k, v in res.items():
        print(f"{k:14s} mean F1 {np.mean(v):.3f}  lowest {min(v):.3f}  (n_gold {sum(k in r.themes for r in held)})")
    print(f"mean over themes {np.mean([np.mean(v) for v in res.values()]):.3f}; "
          f"themes with mean F1 >= 0.60: {sum(np.mean(v) >= 0.6 for v in res.values())}/10")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
