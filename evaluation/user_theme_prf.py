"""Session curric4 (2026-12-07): three more ideas for user-defined themes, measured in the protocol of
``user_theme_check.py --tune`` (examples from the newer training narratives scored on the 149 older
ones, centroids of the other nine themes from the newer ones' labels; and examples from all training
narratives scored on dev, centroids from the training labels; 5 draws; mean F1 over the ten themes).
Test is not read.

1. Pseudo-relevance feedback (Rocchio-style query expansion): tag with the examples, take the top-k
   narratives most similar to them (no labels) — from the training narratives' stored topic
   projections (``ThemeSpace.reference``) or from the selection itself — re-centre the theme vector
   (``(1 − β) · examples + β · feedback``), score again; optionally a second round.
2. Thresholds from the selection's own distribution: a per-narrative rank (is the user theme among
   the narrative's top-r themes, against the nine codebook centroids?) combined with the z cut.
3. Contrast weighting of the examples' TF-IDF centroid against the other themes' TF-IDF centroids
   (distinctive words), and the label + description as a weaker example.

Every variant is compared with the shipped scorer (reproduced here and checked against
``tag_user_themes``) by a paired bootstrap over narratives (the same resamples for both; the
statistic is the mean F1 over themes × draws).

    .venv/bin/python evaluation/user_theme_prf.py [--cache LEMMA_CACHE.json] [--check]
        [--only-new | --profile | --words-only | --n-examples N]

(no flag: round 1, feedback, raw-centroid ranks, contrast, label weight; ``--only-new``: standardised
ranks, Otsu / mixture cuts, fixed cuts; ``--profile``: the codebook tagger's profile; ``--words-only``:
no character n-grams; ``--n-examples``: the shipped scorer with N example sentences)
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "evaluation"))
sys.path.insert(0, str(ROOT))

import user_theme_check as U  # noqa: E402


def z(x):
    s = x.std()
    return (x - x.mean()) / s if s > 1e-12 else x * 0


def f1_counts(G, P):
    """G: n bool; P: (..., n) bool → tp, fp, fn arrays (..., n) as float."""
    return (G & P).astype(float), (~G & P).astype(float), (G & ~P).astype(float)


class Setup:
    def __init__(self, name, held, held_lem, expool, features, space, centroids_by_theme, pool_ref, C_tfidf,
                 n_examples=5):
        from narrativ_nlp.themes.codebook import ThemeCodebook
        from narrativ_nlp.themes.user_themes import _lemmatise, _word_vectorizer
        from sklearn.preprocessing import normalize

        self.name, self.held, self._held_lem = name, held, held_lem
        self.themes = ThemeCodebook.default().themes
        words = _word_vectorizer(features)
        self.V = normalize(features.transform(held_lem))
        self.L = space.project(words.transform(held_lem))
        self.CE = centroids_by_theme  # theme id -> (9 × k) other themes' topic centroids
        self.CT = C_tfidf  # theme id -> (9 × n_features) other themes' TF-IDF centroids (dense)
        self.pool = pool_ref  # reference topic projections (no labels) for feedback
        self.G = {t.id: np.array([t.id in r.themes for r in held]) for t in self.themes}
        self.Q = {}
        for t in self.themes:
            about = _lemmatise([f"{t.label}. {t.description}"])[0]
            seeds = _lemmatise([", ".join(t.seeds)])[0]
            for d in range(5):
                ex = [e for e in _lemmatise(U.example_sentences(expool, t.id, n_examples, d)) + [seeds] if e.strip()]
                docs = ex + [about]
                self.Q[(t.id, d)] = dict(Xw=normalize(features.transform(docs)), Xw_raw=features.transform(docs), d=d,
                                         Xt=space.project(words.transform(docs)), n_ex=len(ex), tid=t.id)


def topic_sim(S, q, ct, margin=0.6, cap=0.7, L=None):
    L = S.L if L is None else L
    s = (L @ ct.ravel())
    C = S.CE[q["tid"]]
    C = C[(C @ ct.ravel()) < cap]
    if margin and len(C):
        s = s - margin * (L @ C.T).max(axis=1)
    return s


def centroids(q, about_w=1.0):
    from sklearn.preprocessing import normalize

    w = np.ones(q["Xw"].shape[0])
    w[-1] = about_w
    cw = normalize(np.asarray(q["Xw"].T @ w).reshape(1, -1))
    ct = normalize((q["Xt"] * w[:, None]).sum(0, keepdims=True))
    return cw, ct


def shipped(S, q, lw=0.7, margin=0.6, about_w=1.0, cw=None, ct=None):
    if cw is None:
        cw, ct = centroids(q, about_w)
    sim = np.asarray(S.V @ cw.T).ravel()
    return z((1 - lw) * z(sim) + lw * z(topic_sim(S, q, ct, margin)))


def prf(S, q, k=10, beta=0.5, source="pool", rounds=1, both=False, margin=0.6):
    """Re-centre the topic centroid (and with ``both`` the TF-IDF one, selection only) on the top-k."""
    from sklearn.preprocessing import normalize

    cw, ct = centroids(q)
    for _ in range(rounds):
        if source == "pool":
            P = S.pool
            s = P @ ct.ravel()
            C = S.CE[q["tid"]]
            C = C[(C @ ct.ravel()) < 0.7]
            if margin and len(C):
                s = s - margin * (P @ C.T).max(axis=1)
            top = np.argsort(-s)[:k]
            fb = normalize(P[top].mean(0, keepdims=True))
            ct = normalize((1 - beta) * ct + beta * fb)
        else:
            sc = shipped(S, q, cw=cw, ct=ct, margin=margin)
            top = np.argsort(-sc)[:k]
            ct = normalize((1 - beta) * ct + beta * normalize(S.L[top].mean(0, keepdims=True)))
            if both:
                cw = normalize((1 - beta) * cw + beta * normalize(np.asarray(S.V[top].mean(axis=0))))
    return shipped(S, q, cw=cw, ct=ct, margin=margin)


def rank_of(S, q, ct):
    """Per narrative: how many of the other themes' centroids are closer than the user theme's."""
    s = S.L @ ct.ravel()
    C = S.CE[q["tid"]]
    return ((S.L @ C.T) > s[:, None]).sum(axis=1)


def zrank(S, q, margin=0.6):
    """Per narrative: how many of the other themes (each standardised over the selection) score above the user theme."""
    cw, ct = centroids(q)
    zu = shipped(S, q, margin=margin)
    C = S.CE[q["tid"]]
    Zc = np.stack([z(S.L @ c) for c in C], axis=1)
    return (Zc > zu[:, None]).sum(axis=1), zu


def otsu(x, bins=64):
    """The cut that maximises the between-class variance of ``x`` (Otsu)."""
    h, e = np.histogram(x, bins=bins)
    c = (e[:-1] + e[1:]) / 2
    w0 = np.cumsum(h)
    w1 = w0[-1] - w0
    m0 = np.cumsum(h * c) / np.maximum(w0, 1)
    m1 = (np.sum(h * c) - np.cumsum(h * c)) / np.maximum(w1, 1)
    return e[1:][np.argmax(w0 * w1 * (m0 - m1) ** 2)]


def gmm_cut(x, seed=0):
    from sklearn.mixture import GaussianMixture

    g = GaussianMixture(2, random_state=seed).fit(x.reshape(-1, 1))
    hi = int(np.argmax(g.means_.ravel()))
    return g.predict_proba(x.reshape(-1, 1))[:, hi] >= 0.5


def contrast(S, q, lam=0.5, mode="max", lw=0.7, margin=0.6):
    from sklearn.preprocessing import normalize

    cw, ct = centroids(q)
    C = S.CT[q["tid"]]
    cd = np.asarray(cw.todense()).ravel() if hasattr(cw, "todense") else np.asarray(cw).ravel()
    cos = (C @ cd)
    C = C[cos < 0.7] if (cos < 0.7).any() else C
    bg = C.max(0) if mode == "max" else C.mean(0)
    c2 = normalize(np.clip(cd - lam * bg, 0, None).reshape(1, -1))
    sim = np.asarray(S.V @ c2.T).ravel()
    return z((1 - lw) * z(sim) + lw * z(topic_sim(S, q, ct, margin)))


def evaluate(S, fn, draws=5):
    """Predictions P (themes × draws × n) from fn(q) → bool array."""
    return np.stack([np.stack([fn(S.Q[(t.id, d)]) for d in range(draws)]) for t in S.themes])


def mean_f1(S, P, w=None):
    n = len(S.held)
    w = np.ones(n) if w is None else w
    out = []
    for i, t in enumerate(S.themes):
        G = S.G[t.id]
        tp, fp, fn = f1_counts(G[None, :], P[i])
        TP, FP, FN = tp @ w, fp @ w, fn @ w
        out.append(np.where(TP > 0, 2 * TP / np.maximum(2 * TP + FP + FN, 1e-9), 0).mean())
    return float(np.mean(out)), out


def paired(S, P, P0, B=1000, seed=0):
    rng = np.random.default_rng(seed)
    n = len(S.held)
    diffs = []
    for _ in range(B):
        w = np.bincount(rng.integers(0, n, n), minlength=n).astype(float)
        diffs.append(mean_f1(S, P, w)[0] - mean_f1(S, P0, w)[0])
    return np.percentile(diffs, [2.5, 97.5])


def build_setups(cache, char_ngrams=(2, 5), n_examples=5):
    from narrativ_nlp.themes.tagger import make_features
    from narrativ_nlp.themes.user_themes import fit_theme_space
    from sklearn.preprocessing import normalize

    C = ROOT / "corpora"
    train, train_lem = U.load([C / "narratives.train.jsonl"], cache)
    dev, dev_lem = U.load([C / "narratives.dev.jsonl"], cache)
    features = make_features(char_ngrams).fit(train_lem)
    space = fit_theme_space(train_lem, features, labels=[r.themes for r in train])
    Xall = normalize(features.transform(train_lem))
    old = [i for i, r in enumerate(train) if r.id[:2] in ("n1", "n2", "n3", "n4", "n5")]
    new = [i for i, r in enumerate(train) if r.id[:2] not in ("n1", "n2", "n3", "n4", "n5")]
    ids = space.centroid_ids

    def cents(idx, excl):
        recs = [train[i] for i in idx]
        L = space.reference[idx]
        X = Xall[idx]
        topic, tf = [], []
        for t in ids:
            if t == excl:
                continue
            m = np.array([t in r.themes for r in recs])
            topic.append(normalize(L[m].mean(0, keepdims=True)))
            tf.append(normalize(np.asarray(X[m].mean(axis=0))))
        return np.vstack(topic), np.vstack(tf)

    setups = []
    for name, held_idx_or_recs, ex_idx in (("train-older", old, new), ("dev", None, list(range(len(train))))):
        CE, CT = {}, {}
        for t in ids:
            CE[t], CT[t] = cents(ex_idx, t)
        if held_idx_or_recs is None:
            held, held_lem = dev, dev_lem
        else:
            held, held_lem = [train[i] for i in old], [train_lem[i] for i in old]
        setups.append(Setup(name, held, held_lem, [train[i] for i in ex_idx], features, space, CE,
                            space.reference[ex_idx], CT, n_examples))
    return setups, features, space, train


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--check", action="store_true", help="check the reproduction against tag_user_themes")
    ap.add_argument("--n-examples", type=int, default=5, help="example sentences per theme (shipped scorer only)")
    ap.add_argument("--words-only", action="store_true",
                    help="the TF-IDF side without character n-grams (3-4× faster to tag); shipped scorer only")
    ap.add_argument("--profile", action="store_true", help="round 3: the codebook tagger's profile")
    ap.add_argument("--only-new", action="store_true", help="only the rank/distribution cuts (round 2)")
    args = ap.parse_args(argv)
    setups, features, space, train = build_setups(args.cache, None if args.words_only else (2, 5), args.n_examples)
    if args.check:
        from narrativ_nlp.themes.user_themes import UserTheme, tag_user_themes
        S = setups[1]
        C = ROOT / "corpora"
        dev, dev_lem = U.load([C / "narratives.dev.jsonl"], args.cache)
        agree = []
        for t in S.themes[:3]:
            ex = tuple(U.example_sentences(train, t.id, 5, 0)) + (", ".join(t.seeds),)
            ut = UserTheme(t.id, t.label, t.description, ex)
            tags = tag_user_themes(dev_lem, [ut], lemmas=True, features=features, space=space.without(t.id))
            agree.append(np.mean(np.array([bool(x) for x in tags]) == (shipped(S, S.Q[(t.id, 0)]) >= 0.5)))
        print("agreement with tag_user_themes (3 themes, dev):", agree)

    variants = {"shipped": lambda S, q: shipped(S, q) >= 0.5}
    if args.profile:
        profile_variants(setups, features, train, args.cache)
        for w in (0.15, 0.3, 0.5):
            variants[f"profile cos w{w}"] = lambda S, q, w=w: prof_score(S, q, w) >= 0.5
        for m in (0.2, 0.4, 0.6):
            variants[f"profile margin m{m}"] = lambda S, q, m=m: prof_score(S, q, mode="margin", m=m) >= 0.5
        args.only_new = True
    for k in (5, 10, 20, 40):
        for beta in (0.3, 0.5):
            variants[f"prf pool k{k} b{beta}"] = lambda S, q, k=k, b=beta: prf(S, q, k, b, "pool") >= 0.5
            variants[f"prf selection k{k} b{beta}"] = lambda S, q, k=k, b=beta: prf(S, q, k, b, "sel") >= 0.5
        variants[f"prf selection both k{k} b0.3"] = lambda S, q, k=k: prf(S, q, k, 0.3, "sel", both=True) >= 0.5
        variants[f"prf pool 2 rounds k{k} b0.3"] = lambda S, q, k=k: prf(S, q, k, 0.3, "pool", rounds=2) >= 0.5
    for r in (1, 2, 3):
        for t0 in (0.0, 0.25, 0.5):
            variants[f"rank<{r} & z>={t0}"] = (
                lambda S, q, r=r, t0=t0: (rank_of(S, q, centroids(q)[1]) < r) & (shipped(S, q) >= t0))
        for t1 in (1.0, 1.5):
            variants[f"z>=0.5 & (rank<{r} | z>={t1})"] = (
                lambda S, q, r=r, t1=t1: (shipped(S, q) >= 0.5)
                & ((rank_of(S, q, centroids(q)[1]) < r) | (shipped(S, q) >= t1)))
        variants[f"z>=0.5 | (rank<{r} & z>=0)"] = (
            lambda S, q, r=r: (shipped(S, q) >= 0.5) | ((rank_of(S, q, centroids(q)[1]) < r) & (shipped(S, q) >= 0)))
    if args.n_examples != 5:
        variants = {"shipped": variants["shipped"]}
        args.only_new = args.words_only = True
        args.profile = False
    elif args.words_only:
        variants = {"shipped": variants["shipped"]}
        for lw in (0.6, 0.8):
            variants[f"lsa weight {lw}"] = lambda S, q, lw=lw: shipped(S, q, lw=lw) >= 0.5
        args.only_new = True
    elif args.profile:
        variants = {k: v for k, v in variants.items() if k == "shipped" or k.startswith("profile")}
    elif args.only_new:
        variants = {"shipped": variants["shipped"]}
    for r in (() if args.profile or args.words_only else (1, 2, 3)):
        for t0 in (0.0, 0.25, 0.5):
            variants[f"zrank<{r} & z>={t0}"] = lambda S, q, r=r, t0=t0: (lambda rz: (rz[0] < r) & (rz[1] >= t0))(zrank(S, q))
        variants[f"z>=0.5 | (zrank<{r} & z>=0.25)"] = (
            lambda S, q, r=r: (lambda rz: (rz[1] >= 0.5) | ((rz[0] < r) & (rz[1] >= 0.25)))(zrank(S, q)))
        variants[f"z>=0.5 & (zrank<{r} | z>=1.0)"] = (
            lambda S, q, r=r: (lambda rz: (rz[1] >= 0.5) & ((rz[0] < r) | (rz[1] >= 1.0)))(zrank(S, q)))
        variants[f"top share = share zrank<{r}"] = (
            lambda S, q, r=r: (lambda rz: rz[1] >= np.quantile(rz[1], 1 - max((rz[0] < r).mean(), 1 / len(rz[1]))))(zrank(S, q)))
    if not (args.profile or args.words_only):
        variants["otsu"] = lambda S, q: (lambda x: x >= otsu(x))(shipped(S, q))
        variants["gmm"] = lambda S, q: gmm_cut(shipped(S, q))
    for zt in (() if args.profile or args.words_only else (0.25, 0.75, 1.0)):
        variants[f"z>={zt}"] = lambda S, q, zt=zt: shipped(S, q) >= zt
    for lam in (() if args.only_new else (0.3, 0.5, 1.0)):
        for mode in ("max", "mean"):
            variants[f"contrast tfidf {mode} lam{lam}"] = lambda S, q, l=lam, m=mode: contrast(S, q, l, m) >= 0.5
    for lw in (() if args.only_new else (0.5,)):
        for lam in (0.5, 1.0):
            variants[f"contrast tfidf max lam{lam} lsa{lw}"] = lambda S, q, l=lam, w=lw: contrast(S, q, l, "max", w) >= 0.5
    for aw in (() if args.only_new else (0.0, 0.5, 2.0)):
        variants[f"about weight {aw}"] = lambda S, q, a=aw: shipped(S, q, about_w=a) >= 0.5

    results = {}
    base = {}
    for S in setups:
        base[S.name] = evaluate(S, lambda q: variants["shipped"](S, q))
    for name, fn in variants.items():
        row = {}
        for S in setups:
            P = evaluate(S, lambda q: fn(S, q))
            m, per = mean_f1(S, P)
            row[S.name] = round(m, 3)
            row[S.name + "_worst"] = round(min(per), 3)
            row[S.name + "_per"] = [round(x, 3) for x in per]
            row[S.name + "_P"] = P
        results[name] = row
        print(json.dumps({"variant": name, **{k: v for k, v in row.items() if not k.endswith(("_P", "_per"))}}),
              flush=True)
    ranked = sorted(results, key=lambda k: -(results[k]["train-older"] + results[k]["dev"]))
    print("# best on train-older + dev, paired bootstrap vs shipped (95 %)")
    for name in ranked[:8]:
        ci = {S.name: np.round(paired(S, results[name][S.name + "_P"], base[S.name], B=500), 3).tolist()
              for S in setups}
        print(json.dumps({"variant": name, "train-older": results[name]["train-older"], "dev": results[name]["dev"],
                          "ci": ci, "dev_per": results[name]["dev_per"],
                          "train_per": results[name]["train-older_per"]}), flush=True)


def profile_variants(setups, features, train, cache):
    """Round 3: the codebook tagger's view. One-vs-rest logistic regression per codebook theme on the
    example pool (each theme's classifier sees only its own labels, so the left-out theme's column is
    simply dropped: no classifier has seen it); a narrative's profile = its logits over the nine other
    themes. Evidence: (a) cosine of the selection-centred profiles of narrative and examples, blended in
    as a third z; (b) a margin by the highest other-theme probability instead of the topic centroids."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import normalize

    from narrativ_nlp.themes.user_themes import _lemmatise

    C = ROOT / "corpora"
    tr, tr_lem = U.load([C / "narratives.train.jsonl"], cache)
    lem_of = {r.id: x for r, x in zip(tr, tr_lem)}
    ids = [t.id for t in setups[0].themes]
    for S in setups:
        pool = [r for r in tr if (S.name == "dev" or r.id[:2] not in ("n1", "n2", "n3", "n4", "n5"))]
        X = features.transform([lem_of[r.id] for r in pool])
        clfs = [LogisticRegression(C=2, class_weight="balanced", max_iter=3000, random_state=0)
                .fit(X, [t in r.themes for r in pool]) for t in ids]
        def logits(M):
            return np.column_stack([c.decision_function(M) for c in clfs])
        S.PH = logits(S.V if False else features.transform(S._held_lem))
        S.PQ = {key: logits(q["Xw_raw"]) for key, q in S.Q.items()}
        S.ids = ids
    return setups


def prof_score(S, q, w=0.3, mode="cos", m=0.3):
    keep = [i for i, t in enumerate(S.ids) if t != q["tid"]]
    H = S.PH[:, keep]
    E = S.PQ[(q["tid"], q["d"])][:, keep].mean(0)
    base = shipped(S, q)
    if mode == "cos":
        mu = H.mean(0)
        Hc, Ec = H - mu, E - mu
        s = (Hc @ Ec) / (np.linalg.norm(Hc, axis=1) * np.linalg.norm(Ec) + 1e-9)
        return z((1 - w) * base + w * z(s))
    # margin by the best other-theme probability
    P = 1 / (1 + np.exp(-H))
    return z(base - m * z(P.max(1)))


if __name__ == "__main__":
    main()
