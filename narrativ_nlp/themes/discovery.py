"""Theme discovery: TF-IDF + NMF clusters for what the codebook does not cover.

Reproducible (fixed seed, deterministic initialisation), the number of clusters
chosen automatically within ``k_range`` by the silhouette of the documents'
cluster assignment in TF-IDF space; each cluster is described by its top terms
and its most typical narratives.

Optional embeddings backend: with ``vectors`` (one unit vector per narrative, e.g.
``narrativ_nlp.themes.embeddings.embed_texts`` from a local ``transformers`` model),
the narratives are clustered by KMeans on the vectors (k by cosine silhouette on the
vectors) and each cluster is still described by its TF-IDF top terms.

Robustness on real writing (issue 17): patterns are only looked for in a selection of at least
``MIN_NARRATIVES`` (30) narratives, and a pattern holds at least ``MIN_CLUSTER_SIZE`` (5)
narratives — the members of a smaller cluster go to their next-best cluster. Below that the
result has no clusters and a Danish note pointing to the theme counts (``patterns_or_counts``).
Clusters are shown to users as "Mønster 1", "Mønster 2", … (``Cluster.name``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

MIN_NARRATIVES = 30
MIN_CLUSTER_SIZE = 5


@dataclass(frozen=True)
class Cluster:
    id: int
    top_terms: tuple[str, ...]
    typical: tuple[int, ...]  # indices of the most typical narratives
    size: int

    @property
    def name(self) -> str:
        """The Danish name shown to users: "Mønster 1", "Mønster 2", …"""
        return f"Mønster {self.id + 1}"


@dataclass(frozen=True)
class Discovery:
    k: int
    labels: tuple[int, ...]
    clusters: tuple[Cluster, ...]
    silhouette: float | None
    note: str | None = None


def too_few_note(n: int, minimum: int = MIN_NARRATIVES) -> str:
    return (f"For få narrativer til at finde mønstre ({n}; mindst {minimum}). "
            "Se i stedet, hvor mange narrativer der har hvert tema.")


def discover(lemmas: list[str], k_range: tuple[int, int] = (4, 12), seed: int = 0, n_terms: int = 8,
             vectors: np.ndarray | None = None, min_narratives: int = MIN_NARRATIVES,
             min_cluster_size: int = MIN_CLUSTER_SIZE) -> Discovery:
    """Cluster narratives (their content lemmas); fewer than ``min_narratives`` are not clustered.

    ``vectors``: optional embeddings (n_narratives × dim) to cluster instead of TF-IDF + NMF.
    A cluster smaller than ``min_cluster_size`` is dissolved into the others.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(lemmas)
    if n < max(2, min_narratives):
        return Discovery(0, tuple(), tuple(), None, too_few_note(n, max(2, min_narratives)))
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
    best = _best_nmf(X, (lo, hi), seed, min_cluster_size)
    if best is None:
        return Discovery(1, tuple([0] * n), tuple(), None, "Narrativerne danner ikke adskilte mønstre.")
    sil, model, W, labels, keep = best
    return Discovery(len(keep), tuple(int(x) for x in labels),
                     _describe(model, W, labels, keep, vec.get_feature_names_out(), n_terms), round(sil, 4))


def _best_nmf(X, k_range: tuple[int, int], seed: int, min_cluster_size: int):
    """(silhouette, model, W, labels, kept topics) of the k with the best cosine silhouette, or None."""
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import silhouette_score

    best = None
    for k in range(k_range[0], k_range[1] + 1):
        model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=1000)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            W = model.fit_transform(X)
        keep, labels = _merge_small(W, min_cluster_size)
        if len(keep) < 2:
            continue
        sil = float(silhouette_score(X, labels, metric="cosine", random_state=seed))
        if best is None or sil > best[0]:
            best = (sil, model, W, labels, keep)
    return best


def _describe(model, W: np.ndarray, labels: np.ndarray, keep: list[int], terms, n_terms: int) -> tuple[Cluster, ...]:
    clusters = []
    for c, topic in enumerate(keep):
        top = tuple(str(terms[i]) for i in np.argsort(-model.components_[topic], kind="stable")[:n_terms])
        members = np.where(labels == c)[0]
        typical = tuple(int(i) for i in members[np.argsort(-W[members, topic], kind="stable")][:3])
        clusters.append(Cluster(c, top, typical, int(len(members))))
    return tuple(clusters)


def _merge_small(W: np.ndarray, min_size: int) -> tuple[list[int], np.ndarray]:
    """Topics kept (each the best topic of ≥ ``min_size`` narratives, by size then index) and the labels.

    The narratives of a dissolved topic go to their best kept topic; labels are 0.. in ``keep`` order.
    """
    best = W.argmax(axis=1)
    sizes = np.bincount(best, minlength=W.shape[1])
    keep = [int(t) for t in np.argsort(-sizes, kind="stable") if sizes[t] >= max(1, min_size)]
    if len(keep) < 2:
        return keep, np.zeros(W.shape[0], dtype=int)
    labels = W[:, keep].argmax(axis=1)
    return keep, labels


def patterns_or_counts(lemmas: list[str], theme_tags: list[list[str]], **settings) -> dict:
    """Patterns (clusters) when the selection is large enough, else the theme counts, with a Danish note.

    ``theme_tags``: the theme ids of each narrative (tags or gold). Returns
    ``{"kind": "patterns", "discovery": Discovery}`` or
    ``{"kind": "counts", "counts": {theme: n}, "note": str}`` (counts most frequent first).
    """
    found = discover(lemmas, **settings) if len(lemmas) >= settings.get("min_narratives", MIN_NARRATIVES) else None
    if found is not None and found.clusters:
        return {"kind": "patterns", "discovery": found}
    counts: dict[str, int] = {}
    for tags in theme_tags:
        for t in dict.fromkeys(tags):
            counts[t] = counts.get(t, 0) + 1
    note = found.note if found is not None and found.note else too_few_note(len(lemmas), settings.get("min_narratives", MIN_NARRATIVES))
    return {"kind": "counts", "counts": dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))), "note": note}


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
        return Discovery(1, tuple([0] * V.shape[0]), tuple(), None, "Narrativerne danner ikke adskilte mønstre.")
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
