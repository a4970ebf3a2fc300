"""Themes for many stored narratives: fast lemmas, batch tagging and sampled discovery.

The stored text is anonymised already, so its content lemmas need no name
detection: the placeholders (``[Person 1]``, ``[CPR]``, ``■■■■``) are cut out
and the rest is tokenised and lemmatised only. ``tag_many`` gives exactly the
tags of ``ThemeTagger.tag``, in batches. ``discover_sampled`` picks the number of clusters and fits
TF-IDF + NMF on a seeded sample and then places every narrative in a cluster.
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from narrativ_nlp.identifiers.types import LABEL_DA
from narrativ_nlp.themes.discovery import MIN_CLUSTER_SIZE, Discovery, discover
from narrativ_nlp.themes.features import theme_stop_words
from narrativ_nlp.themes.lemmas import lookup_lemma, project_lemma_table
from narrativ_nlp.themes.tagger import ThemeTag, ThemeTagger

#: placeholders written by the ``placeholder`` mode, and runs of mask characters
PLACEHOLDER_RE = re.compile(
    r"\[(?:" + "|".join(re.escape(v) for v in sorted(set(LABEL_DA.values()), key=len, reverse=True)) + r")(?: \d+)?\]|■+"
)
#: above this many narratives, discovery fits on a sample and transforms the rest
DISCOVERY_SAMPLE = 2000


def strip_placeholders(text: str) -> str:
    return PLACEHOLDER_RE.sub(" ", text)


@lru_cache(maxsize=1)
def light_pipeline() -> Language:
    """Tokeniser and lookup lemmas of the project pipeline, without its slow components."""
    from narrativ_nlp.pipeline import build_pipeline

    return build_pipeline(with_components=False)


def _doc_lemmas(doc: Doc) -> str:
    # the same filter as features.content_lemmas (names are already replaced)
    stop = theme_stop_words()
    out = []
    for tok in doc:
        if not tok.is_alpha or tok.lower_ in stop or len(tok.text) < 2:
            continue
        lemma = (tok.lemma_ or tok.text).lower()
        if lemma not in stop:
            out.append(lemma)
    return " ".join(out)


def anonymised_lemmas(texts: list[str], nlp: Language | None = None, batch_size: int = 256) -> list[str]:
    """Content lemmas of already anonymised texts (placeholder or mask mode).

    With a lookup lemmatizer (the project's pipeline) only the tokenizer runs and the
    lookup table is read directly, with a cache per word form: the same lemmas as
    the lemmatizer component, several times faster on thousands of narratives.
    """
    nlp = nlp or light_pipeline()
    stripped = (strip_placeholders(t) for t in texts)
    lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
    if lemmatizer is None or getattr(lemmatizer, "mode", None) != "lookup":
        disable = [name for name in nlp.pipe_names if name != "lemmatizer" and name != "tagger" and name != "morphologizer"]
        return [_doc_lemmas(doc) for doc in nlp.pipe(stripped, disable=disable, batch_size=batch_size)]
    table = project_lemma_table()
    if table is None:
        table = lemmatizer.lookups.get_table("lemma_lookup", {})
    stop = theme_stop_words()
    cache: dict[str, str | None] = {}

    def lemma_of(word: str) -> str | None:
        if word not in cache:
            lower = word.lower()
            if not word.isalpha() or lower in stop or len(word) < 2:
                cache[word] = None
            else:
                lemma = lookup_lemma(word, table)
                cache[word] = None if lemma in stop else lemma
        return cache[word]

    out = []
    for doc in nlp.tokenizer.pipe(stripped, batch_size=batch_size):
        out.append(" ".join(lem for lem in (lemma_of(tok.text) for tok in doc) if lem))
    return out


def tag_many(tagger: ThemeTagger, lemmas: list[str], batch_size: int = 5000) -> list[list[ThemeTag]]:
    """``tagger.tag(lemmas)`` in batches (the tagger caches its feature names once)."""
    out: list[list[ThemeTag]] = []
    for start in range(0, len(lemmas), batch_size):
        out.extend(tagger.tag(lemmas[start : start + batch_size]))
    return out


def discover_sampled(lemmas: list[str], k_range: tuple[int, int] = (4, 12), seed: int = 0, n_terms: int = 8,
                     sample: int = DISCOVERY_SAMPLE, min_narratives: int | None = None,
                     min_cluster_size: int | None = None) -> Discovery:
    """``discover`` for any number of narratives.

    Up to ``sample`` narratives: exactly ``discover``. Above it, ``discover`` runs on
    a seeded sample to choose k (silhouette on the sample), the same TF-IDF + NMF is
    fitted on that sample, and every narrative is placed by ``NMF.transform``.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfVectorizer

    from narrativ_nlp.themes.discovery import _best_nmf, _describe

    n = len(lemmas)
    sizes = {k: v for k, v in (("min_narratives", min_narratives), ("min_cluster_size", min_cluster_size)) if v is not None}
    if n <= sample:
        return discover(lemmas, k_range=k_range, seed=seed, n_terms=n_terms, **sizes)
    rng = np.random.default_rng(seed)
    idx = np.sort(rng.choice(n, size=sample, replace=False))
    fitted = [lemmas[i] for i in idx]
    found = discover(fitted, k_range=k_range, seed=seed, n_terms=n_terms)
    if not found.clusters:  # no patterns: every narrative in the one group, not only the sample's
        return Discovery(found.k, tuple([0] * n) if found.labels else (), (), found.silhouette, found.note)
    # the same settings as discover() on the same sample: the same vocabulary, k and topics kept
    vec = TfidfVectorizer(min_df=2, max_df=0.6, sublinear_tf=True, max_features=5000)
    Xs = vec.fit_transform(fitted)
    lo, hi = k_range
    hi = min(hi, len(fitted) - 1, Xs.shape[1])
    _, model, _, _, keep = _best_nmf(Xs, (min(lo, hi), hi), seed, sizes.get("min_cluster_size", MIN_CLUSTER_SIZE))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        W = model.transform(vec.transform(lemmas))
    labels = W[:, keep].argmax(axis=1)
    clusters = _describe(model, W, labels, keep, vec.get_feature_names_out(), n_terms)
    k = len(keep)
    note = (f"Temafund er beregnet på en stikprøve af {sample} af {n} narrativer "
            "(silhouet på stikprøven); alle narrativer er derefter placeret i et mønster.")
    return Discovery(k, tuple(int(x) for x in labels), tuple(clusters), found.silhouette, note)
