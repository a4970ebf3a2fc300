"""Session curric4 (2026-12-07): curriculum tags on other registers than narratives — register-aware
decoding, measured in the cross-validation of ``theme_cv.py --target curriculum`` (the same 5 folds
over the 1,108 train + dev records with curriculum gold, the shipped words model trained on four
folds, scored on the fifth). The register-diverse records (ids ra/rb/rc…) stand in for real writing;
the private real check is not used for anything here, nor is test.

Variants, applied to the out-of-fold words scores (``ThemeTagger.scores``):
- the shipped decoding (top theme always, a 2nd/3rd when ≥ 0.40);
- a separate threshold for records that are not narratives (``register`` records: longer or shorter
  texts, other writers);
- per-theme prior correction for register records: the score of theme c is multiplied by
  (gold rate of c / mean score of c) on the register records of the *other* folds (nested);
- a threshold that depends on the text's length in content lemmas (``th + s · (log n − log n₀)``);
- the scores calibrated per theme (a logistic regression of the gold on the logit score, and
  optionally the log length and a register flag), with a threshold chosen on the same folds.
Every variant's choice of setting is made on the other four folds' out-of-fold scores (nested), and
compared with the shipped decoding by a paired bootstrap over records.

    .venv/bin/python evaluation/curriculum_registers.py [--cache LEMMA_CACHE.json]
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "evaluation"))
sys.path.insert(0, str(ROOT))


def decode(S, th):
    """Top theme always, others when ≥ th (th: scalar or per-record array); at most 3."""
    th = np.broadcast_to(np.asarray(th, dtype=float).reshape(-1, 1) if np.ndim(th) else th, S.shape)
    order = np.argsort(-S, axis=1, kind="stable")
    P = np.zeros_like(S, dtype=bool)
    rows = np.arange(len(S))
    P[rows, order[:, 0]] = True
    for k in (1, 2):
        j = order[:, k]
        P[rows, j] = S[rows, j] >= th[rows, j]
    return P


def micro(Y, P, w=None):
    w = np.ones(len(Y)) if w is None else w
    tp = ((Y & P).sum(1) * w).sum()
    return 2 * tp / ((Y.sum(1) * w).sum() + (P.sum(1) * w).sum())


def main(argv=None) -> int:
    from sklearn.model_selection import KFold

    from narrativ_nlp.corpus.format import read_corpus
    from narrativ_nlp.themes.curriculum import curriculum_codebook
    from narrativ_nlp.themes.tagger import ThemeTagger
    import theme_cv as T

    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, default=None, help="lemma cache keyed by record id (user_theme_check.load)")
    ap.add_argument("--oof", type=Path, default=Path("/tmp/curric4/curriculum_oof.npz"))
    args = ap.parse_args(argv)
    records = [r for p in T.TRAIN for r in read_corpus(p) if r.themes]
    if args.cache is not None:
        lem = json.loads(args.cache.read_text(encoding="utf-8"))
        lemmas = [lem[r.id] for r in records]
    else:
        lemmas = T.lemmas_of(records, "after", None)
    book = curriculum_codebook()
    ids = book.ids
    labels = [T.curriculum_of(r) for r in records]
    idx = np.array([i for i, c in enumerate(labels) if c is not None])
    folds = list(KFold(5, shuffle=True, random_state=0).split(idx))
    if args.oof.is_file():
        S = np.load(args.oof)["S"]
    else:
        S = np.zeros((len(idx), len(ids)))
        for tr, te in folds:
            tagger = ThemeTagger(book).fit([lemmas[idx[i]] for i in tr], [labels[idx[i]] for i in tr], seed=0)
            S[te] = tagger.scores([lemmas[idx[i]] for i in te])[0]
            print("fold done", flush=True)
        args.oof.parent.mkdir(parents=True, exist_ok=True)
        np.savez(args.oof, S=S)
    recs = [records[i] for i in idx]
    Y = np.array([[c in labels[i] for c in ids] for i in idx])
    reg = np.array([not r.id.startswith("n") for r in recs])
    isdev = np.array([r.id in {x.id for x in read_corpus(T.TRAIN[1])} for r in recs])
    nlem = np.array([max(len(lemmas[i].split()), 1) for i in idx])
    loglen = np.log(nlem)
    fold_of = np.zeros(len(idx), int)
    for f, (_, te) in enumerate(folds):
        fold_of[te] = f
    print(json.dumps({"n": len(idx), "register": int(reg.sum()), "median_lemmas_narratives": float(np.median(nlem[~reg])),
                      "median_lemmas_register": float(np.median(nlem[reg]))}))

    def report(name, P):
        row = {"variant": name, "all": round(micro(Y, P), 4), "narratives": round(micro(Y[~reg], P[~reg]), 4),
               "register": round(micro(Y[reg], P[reg]), 4), "dev register": round(micro(Y[reg & isdev], P[reg & isdev]), 4),
               "tags/register record": round(float(P[reg].sum(1).mean()), 2),
               "gold tags/register record": round(float(Y[reg].sum(1).mean()), 2),
               "register predicted per theme": dict(zip(ids, P[reg].sum(0).tolist())),
               "register gold per theme": dict(zip(ids, Y[reg].sum(0).tolist()))}
        return row

    base = decode(S, 0.40)
    rows = [report("shipped, threshold 0.40", base)]

    # nested choice: for each fold, the setting that is best on the other four folds' out-of-fold scores
    def nested(make, grid, name):
        P = np.zeros_like(base)
        chosen = []
        for f in range(5):
            inn, out = fold_of != f, fold_of == f
            best = max(grid, key=lambda g: micro(Y[inn], make(g, inn)[inn]))
            chosen.append(best)
            P[out] = make(best, inn)[out]
        r = report(name, P)
        r["chosen per fold"] = [list(c) if isinstance(c, tuple) else c for c in chosen]
        return r, P

    ths = [0.35, 0.4, 0.45, 0.5, 0.55, 0.6]
    r1, P1 = nested(lambda g, inn: decode(S, np.where(reg, g[1], g[0])), list(itertools.product(ths, ths)),
                    "threshold for narratives / register records (nested)")

    def prior(g, inn):
        lam, thr = g
        m = inn & reg
        f = (Y[m].mean(0) / np.maximum(S[m].mean(0), 1e-6)) ** lam
        S2 = np.where(reg[:, None], S * f[None, :], S)
        return decode(S2, np.where(reg, thr, 0.40))

    r2, P2 = nested(prior, list(itertools.product([0.0, 0.5, 1.0], ths)),
                    "register records: per-theme prior correction × threshold (nested)")

    def length(g, inn):
        th0, s = g
        ref = np.median(loglen[inn & ~reg])
        return decode(S, np.clip(th0 + s * (loglen - ref), 0.2, 0.8))

    r3, P3 = nested(length, list(itertools.product([0.35, 0.4, 0.45], [-0.1, -0.05, 0.0, 0.05, 0.1])),
                    "threshold by length: th + s·(log n − median log n of narratives) (nested)")
    def platt(cols):
        """Per theme a logistic regression of the gold on [logit score, (log length), (register)], fitted
        on the other four folds' out-of-fold scores; decoded with a threshold chosen there too."""
        from sklearn.linear_model import LogisticRegression

        lg = np.log(np.clip(S, 1e-4, 1 - 1e-4) / (1 - np.clip(S, 1e-4, 1 - 1e-4)))
        P = np.zeros_like(base)
        chosen = []
        for f in range(5):
            inn, out = fold_of != f, fold_of == f
            S2 = np.zeros_like(S)
            for j in range(S.shape[1]):
                X = np.column_stack([lg[:, j]] + [{"len": loglen, "reg": reg.astype(float)}[c] for c in cols])
                m = LogisticRegression(C=1.0).fit(X[inn], Y[inn, j])
                S2[:, j] = m.predict_proba(X)[:, 1]
            best = max(ths + [0.3, 0.25], key=lambda t: micro(Y[inn], decode(S2, t)[inn]))
            chosen.append(best)
            P[out] = decode(S2, best)[out]
        r = report("calibrated per theme on [logit score" + "".join(", " + c for c in cols) + "] (nested)", P)
        r["chosen per fold"] = chosen
        return r, P

    r4, P4 = platt([])
    r5, P5 = platt(["len"])
    r6, P6 = platt(["len", "reg"])
    rows += [r1, r2, r3, r4, r5, r6]
    for t in (0.45, 0.5, 0.55):
        rows.append(report(f"register records only at threshold {t} (not nested, for reference)",
                           decode(S, np.where(reg, t, 0.40))))
    rng = np.random.default_rng(0)
    n = len(idx)
    for r, P in ((r1, P1), (r2, P2), (r3, P3), (r4, P4), (r5, P5), (r6, P6)):
        d = []
        for _ in range(1000):
            w = np.bincount(rng.integers(0, n, n), minlength=n).astype(float)
            d.append(micro(Y, P, w) - micro(Y, base, w))
        r["vs shipped, all (95 %)"] = np.round(np.percentile(d, [2.5, 97.5]), 4).tolist()
        dr = []
        ri = np.where(reg)[0]
        for _ in range(1000):
            w = np.bincount(rng.choice(ri, len(ri)), minlength=n).astype(float)
            dr.append(micro(Y, P, w) - micro(Y, base, w))
        r["vs shipped, register (95 %)"] = np.round(np.percentile(dr, [2.5, 97.5]), 4).tolist()
    for r in rows:
        print(json.dumps(r, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
