"""Theme discovery: TF-IDF + NMF clusters for what the codebook does not cover.

Reproducible (fixed seed, deterministic initialisation), the number of clusters
chosen automatically within ``k_range`` by the silhouette of the documents'
cluster assignment in TF-IDF space; each cluster is described by its top terms
and its most typical narratives.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

MIN_NARRATIVES = 4


@dataclass(frozen=True)
class Cluster:
    id: int
    top_terms: tuple[str, ...]
    typical: tuple[int, ...]  # indices of the most typical narratives
    size: int


@dataclass(frozen=True)
class Discovery:
    k: int
    labels: tuple[int, ...]
    clusters: tuple[Cluster, ...]
    silhouette: float | None
    note: str | None = None


def discover(lemmas: list[str], k_range: tuple[int, int] = (4, 12), seed: int = 0, n_terms: int = 8) -> Discovery:
    """Cluster narratives (their content lemmas); fewer than 4 narratives are not clustered."""
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import silhouette_score

    n = len(lemmas)
    if n < MIN_NARRATIVES:
        return Discovery(0, tuple(), tuple(), None, f"For få narrativer til at finde temaer ({n}; mindst {MIN_NARRATIVES}).")
    lo, hi = k_range
    if not 2 <= lo <= hi:
        raise ValueError(f"k_range={k_range} should satisfy 2 <= low <= high")
    vec = TfidfVectorizer(min_df=2 if n >= 20 else 1, max_df=0.6, sublinear_tf=True, max_features=5000)
    X = vec.fit_transform(lemmas)
    if X.shape[1] < 2:
        return Discovery(0, tuple(), tuple(), None, "Teksterne har for få fælles ord til at finde temaer.")
    hi = min(hi, n - 1, X.shape[1])
    lo = min(lo, hi)
    best = None
    for k in range(lo, hi + 1):
        model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=1000)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            W = model.fit_transform(X)
        labels = W.argmax(axis=1)
        if len(set(labels)) < 2:
            continue
        sil = float(silhouette_score(X, labels, metric="cosine", random_state=seed))
        if best is None or sil > best[0]:
            best = (sil, k, model, W, labels)
    if best is None:
        return Discovery(1, tuple([0] * n), tuple(), None, "Narrativerne danner ikke adskilte grupper.")
    sil, k, model, W, labels = best
    terms = vec.get_feature_names_out()
    clusters = []
    for c in range(k):
        top = tuple(terms[i] for i in np.argsort(-model.components_[c])[:n_terms])
        members = np.where(labels == c)[0]
        typical = tuple(int(i) for i in members[np.argsort(-W[members, c])][:3])
        clusters.append(Cluster(c, top, typical, int(len(members))))
    return Discovery(k, tuple(int(x) for x in labels), tuple(clusters), round(sil, 4))
