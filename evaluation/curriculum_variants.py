"""Curriculum tagger variants by 5-fold CV on train + dev (test and blind never read).

Out-of-fold scores of the curriculum words model (C 1 / 2 / 4 / 8) and of a situation tagger trained
on the same folds; then, on those scores: the shipped decoding (top theme + 2nd/3rd ≥ threshold,
max 3 or 2 tags), per-theme thresholds chosen on four folds of the scores and applied to the
fifth, and stacking (a logistic regression per læreplanstema over the six words scores, or the
six words + ten situation scores; its own 5-fold CV over the out-of-fold scores). Micro-F1 over
all records with curriculum gold and over the project's narratives (ids n…).

    .venv/bin/python evaluation/curriculum_variants.py   (≈ 10 min on a loaded 2-core machine)

``--round2`` (session curr, 2026-12-07) scores other variants on the same records and folds
instead: class weights (balanced or none), C, word-only features, register records down-weighted
(0.5) or left out of training, the seed-word weight (0 / 0.15 / 0.3), an average of the
char + word and word-only models, and separate thresholds for the 2nd and 3rd tag (label
cardinality); micro-F1 over all records, over the project's narratives and over the dev records,
with the mean number of tags per narrative against the gold's.

    .venv/bin/python evaluation/curriculum_variants.py --round2 [--cache DIR]   (≈ 9 min on a loaded 2-core machine)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "evaluation"))


def cache_dir() -> Path | None:
    """``--cache DIR``: a lemma cache (keyed by the texts, not by the code: a cache made before a change of
    the lemmas or of the name detection is stale, so by default the lemmas are computed afresh)."""
    args = sys.argv[1:]
    return Path(args[args.index("--cache") + 1]) if "--cache" in args else None


def decode(P, th, max_tags=3, per=None):
    out = np.zeros_like(P, dtype=bool)
    for i, row in enumerate(P):
        o = np.argsort(-row)
        out[i, o[0]] = True
        for j in o[1:max_tags]:
            if row[j] >= (per[j] if per is not None else th):
                out[i, j] = True
    return out


def micro(Y, P) -> float:
    return float(2 * (Y & P).sum() / (Y.sum() + P.sum()))


def decode_positions(S, th2, th3):
    """Top theme always, the 2nd when ≥ ``th2``, the 3rd when ≥ ``th3``."""
    out = np.zeros_like(S, dtype=bool)
    for i, row in enumerate(S):
        o = np.argsort(-row, kind="stable")
        out[i, o[0]] = True
        out[i, o[1]] = row[o[1]] >= th2
        out[i, o[2]] = row[o[2]] >= th3 and out[i, o[1]]
    return out


def round2() -> int:
    """Out-of-fold probabilities of one logistic regression per læreplanstema, several variants."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold

    import theme_cv as T
    from narrativ_nlp.corpus.format import read_corpus
    from narrativ_nlp.themes.curriculum import curriculum_codebook
    from narrativ_nlp.themes.tagger import ThemeTagger, make_features

    records = [r for p in T.TRAIN for r in read_corpus(p) if r.themes]
    lemmas = T.lemmas_of(records, "after", cache_dir())
    labels = [T.curriculum_of(r) for r in records]
    idx = np.array([i for i, c in enumerate(labels) if c is not None])
    cb = curriculum_codebook()
    Y = np.array([[c in labels[i] for c in cb.ids] for i in idx])
    isn = np.array([records[i].id.startswith("n") for i in idx])
    dev_ids = {r.id for r in read_corpus(T.TRAIN[1])}
    isdev = np.array([records[i].id in dev_ids for i in idx])
    L = [lemmas[i] for i in idx]
    seed = ThemeTagger(cb)._seed_scores(L)[0]
    variants = {  # name: (C, class_weight, weight of register records (None: 1), char n-grams)
        "balanced C=2 (shipped)": (2, "balanced", None, (2, 5)),
        "balanced C=4": (4, "balanced", None, (2, 5)),
        "unweighted C=4": (4, None, None, (2, 5)),
        "unweighted C=8": (8, None, None, (2, 5)),
        "balanced C=2, register weight 0.5": (2, "balanced", 0.5, (2, 5)),
        "balanced C=2, no register records": (2, "balanced", 0.0, (2, 5)),
        "balanced C=2, words only": (2, "balanced", None, None),
        "balanced C=4, words only": (4, "balanced", None, None),
    }
    oof = {k: np.zeros(Y.shape) for k in variants}
    for tr, te in KFold(5, shuffle=True, random_state=0).split(idx):
        feats = {}
        for fe in ((2, 5), None):
            F = make_features(fe).fit([L[i] for i in tr])
            feats[fe] = (F.transform([L[i] for i in tr]), F.transform([L[i] for i in te]))
        for name, (C, cw, w, fe) in variants.items():
            Xtr, Xte = feats[fe]
            rows, sw = tr, None
            if w == 0.0:
                keep = np.where(isn[tr])[0]
                rows, Xtr = tr[keep], Xtr[keep]
            elif w is not None:
                sw = np.where(isn[tr], 1.0, w)
            for j in range(6):
                m = LogisticRegression(C=C, class_weight=cw, max_iter=3000).fit(Xtr, Y[rows, j], sample_weight=sw)
                oof[name][te, j] = m.predict_proba(Xte)[:, 1]
    oof["average of balanced C=4 and C=4 words only"] = (oof["balanced C=4"] + oof["balanced C=4, words only"]) / 2
    print(f"records {len(idx)}, narratives {int(isn.sum())}, dev {int(isdev.sum())}; "
          f"gold tags per narrative {Y[isn].sum(1).mean():.2f}")
    shipped = decode_positions(0.85 * oof["balanced C=2 (shipped)"] + 0.15 * seed, 0.4, 0.4)
    rng = np.random.default_rng(0)
    boot = [rng.integers(0, len(Y), len(Y)) for _ in range(1000)]
    rows = []
    for name, P in oof.items():
        for sw in (0.0, 0.15, 0.3):
            S = (1 - sw) * P + sw * seed
            for th2, th3 in ((0.35, 0.35), (0.4, 0.4), (0.45, 0.45), (0.5, 0.5), (0.4, 0.5), (0.45, 0.55)):
                D = decode_positions(S, th2, th3)
                rows.append((micro(Y, D), D, f"narratives {micro(Y[isn], D[isn]):.4f}  "
                             f"dev {micro(Y[isdev], D[isdev]):.4f}  register {micro(Y[~isn], D[~isn]):.4f}  "
                             f"tags/narrative {D[isn].sum(1).mean():.2f}  "
                             f"{name}, seed weight {sw}, thresholds {th2}/{th3}"))
    rows.sort(key=lambda r: -r[0])
    for k, (m, D, text) in enumerate(rows):
        diff = ""
        if k < 10:  # paired bootstrap over records of the difference to the shipped decoding
            d = [micro(Y[b], D[b]) - micro(Y[b], shipped[b]) for b in boot]
            lo, hi = np.percentile(d, 2.5), np.percentile(d, 97.5)
            diff = f"  vs shipped {m - micro(Y, shipped):+.4f} ({lo:+.4f} to {hi:+.4f})"
        print(f"{m:.4f}  {text}{diff}", flush=True)
    return 0


def main() -> int:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold

    import theme_cv as T
    from narrativ_nlp.corpus.format import read_corpus
    from narrativ_nlp.themes.codebook import ThemeCodebook
    from narrativ_nlp.themes.curriculum import curriculum_codebook
    from narrativ_nlp.themes.tagger import ThemeTagger

    records = [r for p in T.TRAIN for r in read_corpus(p) if r.themes]
    lemmas = T.lemmas_of(records, "after", cache_dir())
    labels = [T.curriculum_of(r) for r in records]
    idx = np.array([i for i, c in enumerate(labels) if c is not None])
    cb, sb = curriculum_codebook(), ThemeCodebook.default()
    Y = np.array([[c in labels[i] for c in cb.ids] for i in idx])
    isn = np.array([records[i].id.startswith("n") for i in idx])
    Ws = {C: np.zeros((len(idx), 6)) for C in (1.0, 2.0, 4.0, 8.0)}
    S = np.zeros((len(idx), 10))
    for tr, te in KFold(5, shuffle=True, random_state=0).split(idx):
        tl = [lemmas[i] for i in idx[tr]]
        el = [lemmas[i] for i in idx[te]]
        for C, W in Ws.items():
            W[te] = ThemeTagger(cb, C=C).fit(tl, [labels[i] for i in idx[tr]]).scores(el)[0]
        S[te] = ThemeTagger(sb).fit(tl, [records[i].themes for i in idx[tr]]).scores(el)[0]
    print(f"records {len(idx)}, narratives {int(isn.sum())}")

    def report(name, P):
        print(f"{micro(Y, P):.4f}  narratives {micro(Y[isn], P[isn]):.4f}  {name}", flush=True)

    for C, W in Ws.items():
        for th in (0.35, 0.4, 0.45, 0.5):
            report(f"words C={C} threshold {th}", decode(W, th))
    W = Ws[2.0]
    for th in (0.4, 0.45):
        report(f"words C=2 threshold {th}, max 2 tags", decode(W, th, 2))
    grid = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6]
    P = np.zeros_like(Y)
    for tr, te in KFold(5, shuffle=True, random_state=2).split(W):
        per = np.full(6, 0.45)
        for _ in range(2):
            for j in range(6):
                per[j] = max(grid, key=lambda g: micro(Y[tr], decode(W[tr], 0, 3, np.where(np.arange(6) == j, g, per))))
        P[te] = decode(W[te], 0, 3, per)
    report("words C=2, per-theme thresholds (nested)", P)
    for feats, X in (("words", W), ("words+situation", np.hstack([W, S]))):
        for C in (0.3, 1.0, 3.0):
            Pr = np.zeros(Y.shape)
            for tr, te in KFold(5, shuffle=True, random_state=1).split(X):
                for j in range(6):
                    m = LogisticRegression(C=C, max_iter=1000).fit(X[tr], Y[tr, j])
                    Pr[te, j] = m.predict_proba(X[te])[:, 1]
            for th in (0.35, 0.4, 0.45):
                report(f"stacking over {feats} scores, C={C}, threshold {th}", decode(Pr, th))
    return 0


if __name__ == "__main__":
    raise SystemExit(round2() if "--round2" in sys.argv[1:] else main())
