"""What each part of the user-theme scorer adds: the choice protocol of models/themes/README.md.

Train only: for each of the ten themes, five example sentences from the newer training narratives
(``user_theme_check.example_sentences``, draws 0–4), label + description as one more example and
optionally the three codebook seed words as another; scored on the 185 older training narratives
(ids n1…–n5…) as one selection. Variants: TF-IDF cosine with an absolute cut, with a z-score cut
over the selection, pseudo-relevance feedback (top k added to the centroid), and the blend with a
topic space (truncated SVD of the word TF-IDF over the other training narratives, no labels).
Mean F1 over the ten themes (each the mean over the draws); the best rows are printed.

    .venv/bin/python evaluation/user_theme_ablation.py
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "evaluation"))


def main() -> int:
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    import user_theme_check as U
    from narrativ_nlp.themes.codebook import ThemeCodebook
    from narrativ_nlp.themes.tagger import make_features
    from narrativ_nlp.themes.user_themes import _lemmatise

    train, train_lem = U.load([ROOT / "corpora/narratives.train.jsonl"],
                              None)  # lemmas computed afresh (a shared cache can be stale)
    features = make_features((2, 5)).fit(train_lem)
    words = features.transformer_list[0][1]
    older = [i for i, r in enumerate(train) if r.id[:2] in ("n1", "n2", "n3", "n4", "n5")]
    newer = [r for r in train if r.id[:2] not in ("n1", "n2", "n3", "n4", "n5")]
    held = [train[i].themes for i in older]
    lem = [train_lem[i] for i in older]
    background = [x for i, x in enumerate(train_lem) if i not in set(older)]
    themes = ThemeCodebook.default().themes
    V = normalize(features.transform(lem))

    def f1(g, p):
        tp = np.sum(g & p)
        return 2 * tp / (g.sum() + p.sum()) if tp else 0.0

    queries = {}
    for t in themes:
        about = _lemmatise([f"{t.label}. {t.description}"])[0]
        seeds = _lemmatise([", ".join(t.seeds)])[0]
        for d in range(5):
            ex = [e for e in _lemmatise(U.example_sentences(newer, t.id, 5, d)) + [about] if e.strip()]
            queries[(t.id, d, False)] = ex
            queries[(t.id, d, True)] = ex + [seeds]

    def z(x):
        return (x - x.mean()) / x.std()

    def evaluate(score_fn, cut) -> tuple[float, list[float]]:
        per = []
        for t in themes:
            g = np.array([t.id in h for h in held])
            per.append(np.mean([f1(g, cut(score_fn(t.id, d))) for d in range(5)]))
        return float(np.mean(per)), per

    rows = []
    for seeds in (False, True):
        def tfidf(tid, d, seeds=seeds, prf=0):
            c = normalize(np.asarray(normalize(features.transform(queries[(tid, d, seeds)])).mean(axis=0)))
            s = np.asarray(V @ c.T).ravel()
            if prf:
                top = np.argsort(-s)[:prf]
                c = normalize(c + 0.5 * np.asarray(V[top].mean(axis=0)))
                s = np.asarray(V @ c.T).ravel()
            return s
        for cut in (0.1, 0.12, 0.14):
            rows.append((f"seeds={seeds} tfidf abs≥{cut}", *evaluate(tfidf, lambda s, c=cut: s >= c)))
        for zc in (0.25, 0.5):
            rows.append((f"seeds={seeds} tfidf z≥{zc}", *evaluate(tfidf, lambda s, c=zc: z(s) >= c)))
            for k in (5, 10, 20):
                rows.append((f"seeds={seeds} tfidf+prf{k} z≥{zc}",
                             *evaluate(lambda t, d, k=k: tfidf(t, d, prf=k), lambda s, c=zc: z(s) >= c)))
    for k in (50, 100):
        svd = TruncatedSVD(k, random_state=0).fit(normalize(words.transform(background)))
        L = normalize(svd.transform(normalize(words.transform(lem))))
        for wl, zc in itertools.product((0.5, 0.7, 1.0), (0.25, 0.5)):
            def blend(tid, d, wl=wl, svd=svd, L=L):
                q = queries[(tid, d, True)]
                c = normalize(np.asarray(normalize(features.transform(q)).mean(axis=0)))
                ct = normalize(normalize(svd.transform(normalize(words.transform(q)))).mean(axis=0, keepdims=True))
                return z((1 - wl) * z(np.asarray(V @ c.T).ravel()) + wl * z((L @ ct.T).ravel()))
            rows.append((f"seeds=True topics{k} weight {wl} z≥{zc}", *evaluate(blend, lambda s, c=zc: s >= c)))
    for name, mean, per in sorted(rows, key=lambda r: -r[1]):
        print(f"{mean:.3f}  worst {min(per):.3f}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
