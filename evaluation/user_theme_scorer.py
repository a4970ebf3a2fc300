"""Session themes5 (2026-12-07): a learned relevance scorer for user-defined themes (issue #17 item 3).

For a (theme examples, selection) pair, per narrative: generic features of how well the narrative
matches the examples (``pair_features`` below: the shipped z, the TF-IDF and topic-space
similarities standardised over the selection, the best match of any 12-lemma window of the
narrative to any single example, seed-word hits, share of the examples' words present, margin and
rank against the codebook centroids, rank in the selection). A logistic regression on these,
trained once on pairs from training narratives over the codebook themes, would be shipped; a
leader's new theme would need no retraining. Measured, **not adopted** (models/themes/README.md,
session themes5): it ranks no better than the shipped z.

Protocol as ``user_theme_check.py --tune`` / ``user_theme_prf.py`` (examples from the newer training
narratives scored on the 149 older ones; examples from all training narratives scored on dev; 5
draws; mean F1 over ten themes), **nested leave-one-theme-out**: when theme T is evaluated, the
scorer is trained on pairs of the nine other themes only. The scorer's training pairs: a fixed
random subset B of the newer training narratives (``--pairs-n``) as the selection, examples from
the other newer narratives (never from B, never from the evaluated narratives). Threshold: 0.5, or
chosen on the nine other themes' training pairs. Compared with the shipped scorer by a paired
bootstrap over narratives. Test is not read. ``--round 1``: probability cuts; ``--round 2``: the
logit standardised over the selection (z cut chosen on the nine others) and re-ranking only (as
many tags as the shipped rule); ``--round 3``: no learning, a window feature blended into the
shipped z. ``--features-cache``: a scratch pickle of the features (in /tmp) to rerun quickly.

    .venv/bin/python evaluation/user_theme_scorer.py [--cache LEMMAS.json] [--pairs-n 300] [--round 1|2|3]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "evaluation"))
sys.path.insert(0, str(ROOT))

import user_theme_check as U  # noqa: E402
import user_theme_prf as P  # noqa: E402

OLD = ("n1", "n2", "n3", "n4", "n5")

#: the generic (theme-independent) evidence of a narrative for a user theme (``pair_features``)
PAIR_FEATURES = ("z_shipped", "z_tfidf", "z_topic", "cos_tfidf", "cos_topic", "margin_topic", "rank_codebook",
                 "z_window_max", "window_max", "z_window_top2", "z_window_mean", "z_window_topic", "seed_hits",
                 "word_share", "z_word_share", "selection_rank", "log_length")
WINDOW, WINDOW_STEP = 12, 6


def windows(tokens: list[str], size: int = WINDOW, step: int = WINDOW_STEP) -> list[str]:
    """Overlapping windows of ``size`` lemmas (sentence-like pieces of a narrative)."""
    if len(tokens) <= size:
        return [" ".join(tokens)]
    return [" ".join(tokens[i:i + size]) for i in range(0, len(tokens) - size + step, step)]


def selection(tagger, lemmas: list[str]) -> dict:
    """``tagger.selection(lemmas)`` plus the narratives' 12-lemma windows (TF-IDF rows ``VW``, topic rows
    ``LW``, ``owner`` = the narrative of each window) and tokens."""
    from scipy import sparse
    from sklearn.preprocessing import normalize

    from narrativ_nlp.themes.user_themes import _transform

    sel = tagger.selection(lemmas)
    toks = [text.split() for text in lemmas]
    win, owner = [], []
    for i, tk in enumerate(toks):
        for w in windows(tk):
            win.append(w)
            owner.append(i)
    XW, WW = _transform(tagger.features, win) if win else (sparse.csr_matrix((0, sel["V"].shape[1])), None)
    sel.update(toks=toks, owner=np.asarray(owner, dtype=int), VW=normalize(XW).tocsr(),
               LW=tagger.space.project(WW) if (tagger.space is not None and win) else None)
    return sel


def example_matrices(tagger) -> list:
    """Per theme: (examples' TF-IDF rows, their topic rows or None), each example (and the label +
    description) one row, unit length."""
    from sklearn.preprocessing import normalize

    from narrativ_nlp.themes import user_themes as ut

    rows = []
    for t in tagger.themes:
        about = ut._lemmatise([f"{t.label}. {t.description}"])
        docs = [e for e in ut._lemmatise(list(t.examples)) + about if e.strip()]
        if not docs:
            rows.append((None, None))
            continue
        X, W = ut._transform(tagger.features, docs)
        rows.append((normalize(X), tagger.space.project(W) if tagger.space is not None else None))
    return rows


def pair_features(tagger, lemmas: list[str], sel: dict | None = None) -> list[np.ndarray]:
    """Per theme of ``tagger`` (a ``UserThemeTagger``), the generic evidence of each narrative for it
    (n × len(``PAIR_FEATURES``)), columns in the order of ``PAIR_FEATURES``. The first is the shipped
    rule's z; standardised columns are over the selection. Nothing here depends on which theme it
    is: a scorer trained on these for the codebook's themes would apply to a leader's new one.
    ``sel``: ``selection(tagger, lemmas)``."""
    from scipy import sparse

    from narrativ_nlp.themes.user_themes import MARGIN_MAX_COS, _word_vectorizer, _z

    n = len(lemmas)
    if n == 0:
        return [np.zeros((0, len(PAIR_FEATURES))) for _ in tagger.themes]
    sel = sel if sel is not None and "VW" in sel else selection(tagger, lemmas)
    z_all, _ = tagger.z_scores(lemmas, sel)
    V, L, toks, owner, VW, LW = sel["V"], sel["L"], sel["toks"], sel["owner"], sel["VW"], sel["LW"]
    win = len(owner) > 0
    vec = _word_vectorizer(tagger.features)
    vocab, idf = getattr(vec, "vocabulary_", None) or {}, getattr(vec, "idf_", None)
    n_len = np.log1p(np.array([len(tk) for tk in toks], dtype=float))
    sets = [set(tk) for tk in toks]
    out = []
    for j, ((centroid, topic, seeds, ex_words), (EX, ET)) in enumerate(zip(tagger._prepared(),
                                                                           example_matrices(tagger))):
        F = np.zeros((n, len(PAIR_FEATURES)))
        if centroid is None:
            out.append(F)
            continue
        sim = np.asarray(V @ centroid.T).ravel()
        tsim_raw = (L @ topic.T).ravel() if topic is not None else np.zeros(n)
        tsim = tagger._topic_similarity(L, topic) if topic is not None else np.zeros(n)
        C = tagger.space.centroids if tagger.space is not None else None
        if topic is not None and C is not None and len(C):
            C = C[(C @ topic.ravel()) < MARGIN_MAX_COS]
        if topic is not None and C is not None and len(C):
            csim = L @ C.T
            margin = tsim_raw - csim.max(axis=1)
            rank = (csim > tsim_raw[:, None]).sum(axis=1).astype(float)
        else:
            margin, rank = np.zeros(n), np.zeros(n)
        # windows: the best match of any window to any single example; per example its best window
        R = VW @ EX.T if win else np.zeros((0, EX.shape[0]))
        S = R.toarray() if sparse.issparse(R) else np.asarray(R)
        best = np.zeros((n, S.shape[1]))
        if win:
            np.maximum.at(best, owner, S)
        wmax = best.max(axis=1)
        top2 = np.sort(best, axis=1)[:, -2:].mean(axis=1)
        wmean = best.mean(axis=1)
        if LW is not None and ET is not None:
            ST = LW @ ET.T
            bt = np.full((n, ST.shape[1]), -1.0)
            np.maximum.at(bt, owner, ST)
            wtop = bt.max(axis=1)
        else:
            wtop = np.zeros(n)
        ex_idf = {w: (idf[vocab[w]] if idf is not None and w in vocab else 1.0) for w in ex_words}
        total = sum(ex_idf.values()) or 1.0
        share = np.array([sum(ex_idf[w] for w in s & ex_words) / total for s in sets])
        hits = np.log1p(np.array([len(seeds & s) for s in sets], dtype=float))
        zs = z_all[:, j]
        sel_rank = (np.argsort(np.argsort(-zs, kind="stable"), kind="stable") + 0.5) / n
        cols = dict(z_shipped=zs, z_tfidf=_z(sim), z_topic=_z(tsim), cos_tfidf=sim, cos_topic=tsim_raw,
                    margin_topic=margin, rank_codebook=rank, z_window_max=_z(wmax), window_max=wmax,
                    z_window_top2=_z(top2), z_window_mean=_z(wmean), z_window_topic=_z(wtop),
                    seed_hits=hits, word_share=share, z_word_share=_z(share), selection_rank=sel_rank,
                    log_length=n_len)
        for k, name in enumerate(PAIR_FEATURES):
            F[:, k] = cols[name]
        out.append(F)
    return out



class PairSet:
    """A selection (held narratives) + per (theme, draw) the user theme built from examples of ``expool``;
    the other themes' topic centroids from ``expool``'s labels (the evaluated theme left out)."""

    def __init__(self, name, held, held_lem, expool, features, space, draws=5, themes=None, n_examples=5):
        from narrativ_nlp.themes.codebook import ThemeCodebook
        from narrativ_nlp.themes.user_themes import UserTheme, UserThemeTagger
        from sklearn.preprocessing import normalize

        self.name, self.held, self.held_lem = name, held, held_lem
        self.themes = themes or ThemeCodebook.default().themes
        self.G = {t.id: np.array([t.id in r.themes for r in held]) for t in self.themes}
        self.F = {}
        self.Z = {}
        ids = space.centroid_ids
        Lpool = self._pool_proj
        sel = None
        for t in self.themes:
            cents = normalize(np.vstack([Lpool[[c in r.themes for r in expool]].mean(0) for c in ids if c != t.id]))
            own_space = _replace_centroids(space, cents, tuple(c for c in ids if c != t.id))
            for d in range(draws):
                ex = tuple(U.example_sentences(expool, t.id, n_examples, d)) + (", ".join(t.seeds),)
                ut = UserTheme(t.id, t.label, t.description, ex)
                tagger = UserThemeTagger([ut], features=features, space=own_space)
                if sel is None:
                    sel = selection(tagger, held_lem)
                self.F[(t.id, d)] = pair_features(tagger, held_lem, sel)[0]
                self.Z[(t.id, d)] = self.F[(t.id, d)][:, 0]


def _replace_centroids(space, C, ids):
    from dataclasses import replace

    return replace(space, centroids=C, centroid_ids=ids)


def build(cache, pairs_n=300, seed=0, draws=5):
    from narrativ_nlp.themes.tagger import make_features
    from narrativ_nlp.themes.user_themes import _word_vectorizer, fit_theme_space

    C = ROOT / "corpora"
    train, train_lem = U.load([C / "narratives.train.jsonl"], cache)
    dev, dev_lem = U.load([C / "narratives.dev.jsonl"], cache)
    U._cache_example_lemmas()
    features = make_features((2, 5)).fit(train_lem)
    space = fit_theme_space(train_lem, features, labels=[r.themes for r in train])
    proj = {r.id: space.reference[i] for i, r in enumerate(train)}
    old = [i for i, r in enumerate(train) if r.id[:2] in OLD]
    new = [i for i, r in enumerate(train) if r.id[:2] not in OLD]
    rng = np.random.default_rng(seed)
    B = sorted(rng.choice(new, size=min(pairs_n, len(new) // 3), replace=False).tolist())
    Bset = set(B)
    rest = [i for i in new if i not in Bset]

    def ps(name, held_idx, held_recs, held_lem, pool_idx):
        pool = [train[i] for i in pool_idx]
        PairSet._pool_proj = np.vstack([proj[r.id] for r in pool])
        t0 = time.time()
        out = PairSet(name, held_recs if held_recs is not None else [train[i] for i in held_idx],
                      held_lem if held_lem is not None else [train_lem[i] for i in held_idx], pool, features, space,
                      draws)
        print(f"# {name}: {len(out.held)} narratives, features in {time.time() - t0:.0f} s", flush=True)
        return out

    pairs = ps("pairs", B, None, None, rest)
    older = ps("train-older", old, None, None, new)
    devset = ps("dev", None, dev, dev_lem, list(range(len(train))))
    return pairs, [older, devset], features, space, train, train_lem


def f1_of(g, p):
    tp = np.sum(g & p)
    return 2 * tp / (g.sum() + p.sum()) if tp else 0.0


def fit_scorer(pairs, exclude, cols, C=1.0, model="lr", draws=5):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = [], []
    for t in pairs.themes:
        if t.id == exclude:
            continue
        for d in range(draws):
            X.append(pairs.F[(t.id, d)][:, cols])
            y.append(pairs.G[t.id])
    X, y = np.vstack(X), np.concatenate(y)
    if model == "lr":
        clf = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=2000))
    else:
        from sklearn.ensemble import HistGradientBoostingClassifier
        clf = HistGradientBoostingClassifier(max_depth=3, max_iter=150, learning_rate=0.05, random_state=0)
    clf.fit(X, y)
    return clf


def choose_threshold(clf, pairs, exclude, cols, draws=5, grid=np.arange(0.15, 0.66, 0.025)):
    """The probability cut with the best mean F1 over the other nine themes' training pairs."""
    best = None
    for th in grid:
        f = [f1_of(pairs.G[t.id], clf.predict_proba(pairs.F[(t.id, d)][:, cols])[:, 1] >= th)
             for t in pairs.themes if t.id != exclude for d in range(draws)]
        if best is None or np.mean(f) > best[0]:
            best = (np.mean(f), th)
    return best[1]


def _zs(x):
    s = x.std()
    return (x - x.mean()) / s if s > 1e-12 else x * 0


def _logit(clf, F):
    p = np.clip(clf.predict_proba(F)[:, 1], 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def predictions(S, pairs, cols, th_mode="nine", C=1.0, model="lr", draws=5):
    """themes × draws × n booleans, nested leave-one-theme-out.

    ``th_mode``: "half" (probability ≥ 0.5), "nine" (probability cut chosen on the nine other themes'
    pairs), "zlogit" (the logit standardised over the selection, z cut chosen on the nine others),
    "count" (the scorer only re-ranks: as many tags as the shipped rule gives, the scorer's top ones)."""
    out = []
    for t in S.themes:
        clf = fit_scorer(pairs, t.id, cols, C, model, draws)
        if th_mode == "count":
            rows = []
            for d in range(draws):
                k = int((S.Z[(t.id, d)] >= 0.5).sum())
                s = _logit(clf, S.F[(t.id, d)][:, cols])
                rows.append(np.argsort(np.argsort(-s, kind="stable"), kind="stable") < k)
            out.append(np.stack(rows))
            continue
        if th_mode == "zlogit":
            best = None
            for zt in np.arange(-0.25, 1.51, 0.125):
                f = np.mean([f1_of(pairs.G[u.id], _zs(_logit(clf, pairs.F[(u.id, d)][:, cols])) >= zt)
                             for u in pairs.themes if u.id != t.id for d in range(draws)])
                if best is None or f > best[0]:
                    best = (f, zt)
            out.append(np.stack([_zs(_logit(clf, S.F[(t.id, d)][:, cols])) >= best[1] for d in range(draws)]))
            continue
        th = 0.5 if th_mode == "half" else choose_threshold(clf, pairs, t.id, cols, draws)
        out.append(np.stack([clf.predict_proba(S.F[(t.id, d)][:, cols])[:, 1] >= th for d in range(draws)]))
    return np.stack(out)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--pairs-n", type=int, default=300)
    ap.add_argument("--features-cache", type=Path, default=None, help="a pickle of the pair features (scratch, /tmp)")
    ap.add_argument("--round", type=int, default=1,
                    help="1: probability cuts; 2: relative (z of the logit) and re-rank cuts; 3: window blends")
    args = ap.parse_args(argv)
    import pickle

    fc = args.features_cache
    if fc is not None and fc.is_file():
        pairs, sets = pickle.loads(fc.read_bytes())
    else:
        pairs, sets, *_ = build(args.cache, args.pairs_n)
        if fc is not None:
            fc.write_bytes(pickle.dumps((pairs, sets)))
    names = list(PAIR_FEATURES)
    allc = list(range(len(names)))
    variants = {"shipped": None}
    if args.round == 2:
        no_win = [i for i, n in enumerate(names) if "window" not in n]
        z_only = [i for i, n in enumerate(names) if n.startswith("z_")]
        rel = [i for i, n in enumerate(names) if n.startswith("z_") or n in ("seed_hits", "selection_rank",
                                                                              "rank_codebook", "margin_topic")]
        for cname, cols in (("all", allc), ("z only", z_only), ("relative", rel), ("no windows", no_win)):
            for mode in ("count", "zlogit"):
                variants[f"lr {cname}, {mode}"] = dict(cols=cols, th_mode=mode)
        variants["lr z only, zlogit C0.05"] = dict(cols=z_only, th_mode="zlogit", C=0.05)
    variants["lr all, th nine"] = dict(cols=allc)
    variants["lr all, th 0.5"] = dict(cols=allc, th_mode="half")
    variants["lr all C0.1"] = dict(cols=allc, C=0.1)
    res, base = {}, {}
    for S in sets:
        base[S.name] = np.stack([np.stack([S.Z[(t.id, d)] >= 0.5 for d in range(5)]) for t in S.themes])
    if args.round == 3:
        # no learning: the window (sentence-like) match blended into the shipped z, cut as shipped
        ix = {n: i for i, n in enumerate(names)}
        variants = {"shipped": None}
        for wname in ("z_window_max", "z_window_top2", "z_window_mean", "z_window_topic"):
            for a in (0.2, 0.35, 0.5):
                for zt in (0.5, 0.75):
                    variants[f"blend {wname} a{a} z>={zt}"] = dict(blend=(ix[wname], a, zt))
        for a in (0.2, 0.35):
            variants[f"blend window_max+topic a{a}"] = dict(blend2=(ix["z_window_max"], ix["z_window_topic"], a, 0.5))
    if args.round == 2:
        variants = {k: v for k, v in variants.items()
                    if k == "shipped" or (v and v.get("th_mode") in ("count", "zlogit"))}
    for name, kw in variants.items():
        row = {}
        for S in sets:
            if kw is None:
                Pm = base[S.name]
            elif "blend" in kw or "blend2" in kw:
                Pm = np.stack([np.stack([_blend(S.F[(t.id, d)], kw) for d in range(5)]) for t in S.themes])
            else:
                Pm = predictions(S, pairs, **kw)
            S.held_ = S.held
            m, per = P.mean_f1(_Shim(S), Pm)
            ci = P.paired(_Shim(S), Pm, base[S.name], B=500) if kw is not None else [0, 0]
            row[S.name] = round(m, 3)
            row[S.name + "_ci"] = np.round(ci, 3).tolist()
            row[S.name + "_per"] = {t.id: round(x, 3) for t, x in zip(S.themes, per)}
        res[name] = row
        print(json.dumps({"variant": name, **row}), flush=True)


def _blend(F, kw):
    if "blend" in kw:
        i, a, zt = kw["blend"]
        return _zs((1 - a) * F[:, 0] + a * F[:, i]) >= zt
    i, k, a, zt = kw["blend2"]
    return _zs((1 - a) * F[:, 0] + a / 2 * F[:, i] + a / 2 * F[:, k]) >= zt


class _Shim:
    def __init__(self, S):
        self.held, self.themes, self.G = S.held, S.themes, S.G


if __name__ == "__main__":
    main()
