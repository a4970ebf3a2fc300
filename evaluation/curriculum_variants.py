"""Curriculum tagger variants by 5-fold CV on train + dev (test and blind never read).

Out-of-fold scores of the curriculum words model (C 1 / 2 / 4 / 8) and of a situation tagger trained
on the same folds; then, on those scores: the shipped decoding (top theme + 2nd/3rd ≥ threshold,
max 3 or 2 tags), per-theme thresholds chosen on four folds of the scores and applied to the
fifth, and stacking (a logistic regression per læreplanstema over the six words scores, or the
six words + ten situation scores; its own 5-fold CV over the out-of-fold scores). Micro-F1 over
all records with curriculum gold and over the project's narratives (ids n…).

    .venv/bin/python evaluation/curriculum_variants.py   (≈ 10 min on a loaded 2-core machine)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "evaluation"))


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


def main() -> int:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold

    import theme_cv as T
    from narrativ_nlp.corpus.format import read_corpus
    from narrativ_nlp.themes.codebook import ThemeCodebook
    from narrativ_nlp.themes.curriculum import curriculum_codebook
    from narrativ_nlp.themes.tagger import ThemeTagger

    records = [r for p in T.TRAIN for r in read_corpus(p) if r.themes]
    lemmas = T.lemmas_of(records, "after", Path("/tmp/narrativ-theme-cv"))
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
    raise SystemExit(main())
