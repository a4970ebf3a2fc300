"""Theme discovery: TF-IDF + NMF clusters for what the codebook does not cover.

Reproducible (fixed seed, deterministic initialisation), the number of clusters
chosen automatically within ``k_range`` by the silhouette of the documents'
cluster assignment in TF-IDF space; each cluster is described by its top terms
and its most typical narratives.

Optional embeddings backend: with ``vectors`` (one unit vector per narrative, e.g.
``narrativ_nlp.themes.embeddings.embed_texts`` from a local ``transformers`` model),
the narratives are clustered by KMeans on the vectors (k by cosine silhouette on the
vectors) and each cluster is still described by its TF-IDF top terms.
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


def discover(lemmas: list[str], k_range: tuple[int, int] = (4, 12), seed: int = 0, n_terms: int = 8,
             vectors: np.ndarray | None = None) -> Discovery:
    """Cluster narratives (their content lemmas); fewer than 4 narratives are not clustered.

    ``vectors``: optional embeddings (n_narratives × dim) to cluster instead of TF-IDF + NMF.
    """
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
    if vectors is not None:
        return _discover_vectors(np.asarray(vectors, dtype=np.float64), X, vec.get_feature_names_out(), (lo, hi), seed, n_terms)
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


def _discover_vectors(V: np.ndarray, X, terms, k_range: tuple[int, int], seed: int, n_terms: int) -> Discovery:
    """KMeans on (unit) embedding vectors; top terms from the clusters' mean TF-IDF above the overall mean."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import normalize

    if V.ndim != 2 or V.shape[0] != X.shape[0]:
        raise ValueError(f"vectors shape {V.shape} should be (n_narratives={X.shape[0]}, dim)")
    V = normalize(V)
    best = None
    for k in range(k_range[0], k_range[1] + 1):
        km = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(V)
        labels = km.labels_
        if len(set(labels)) < 2:
            continue
        sil = float(silhouette_score(V, labels, metric="cosine", random_state=seed))
        if best is None or sil > best[0]:
            best = (sil, k, km, labels)
    if best is None:
        return Discovery(1, tuple([0] * V.shape[0]), tuple(), None, "Narrativerne danner ikke adskilte grupper.")
    sil, k, km, labels = best
    overall = np.asarray(X.mean(axis=0)).ravel()
    centres = normalize(km.cluster_centers_)
    clusters = []
    for c in range(k):
        members = np.where(labels == c)[0]
        lift = np.asarray(X[members].mean(axis=0)).ravel() - overall
        top = tuple(str(terms[i]) for i in np.argsort(-lift, kind="stable")[:n_terms] if lift[i] > 0)
        closeness = V[members] @ centres[c]
        typical = tuple(int(i) for i in members[np.argsort(-closeness, kind="stable")][:3])
        clusters.append(Cluster(c, top, typical, int(len(members))))
    return Discovery(k, tuple(int(x) for x in labels), tuple(clusters), round(sil, 4))
