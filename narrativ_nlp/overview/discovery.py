"""Patterns (theme discovery) and theme tags over stored narratives: ``narrativ themes --group``."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from narrativ_nlp.overview.tables import empty_message
from narrativ_nlp.store import NarrativeStore, StoredNarrative, parse_date


def discover_stored(narratives: list[StoredNarrative], k_range: tuple[int, int] = (4, 12), seed: int = 0,
                    embeddings: str | Path | None = None):
    """Theme discovery over stored narratives (fewer than 30: no clustering, with a note).

    ``embeddings``: a local ``transformers`` model directory; the narratives are then
    clustered on its mean-pooled vectors (see ``narrativ_nlp.themes.embeddings``).
    """
    from narrativ_nlp.themes.discovery import MIN_NARRATIVES, Discovery, discover, too_few_note
    from narrativ_nlp.themes.scale import anonymised_lemmas, discover_sampled

    if len(narratives) < MIN_NARRATIVES:  # no need to load a pipeline
        return Discovery(0, (), (), None, too_few_note(len(narratives)))
    lemmas = anonymised_lemmas([n.text for n in narratives])
    if embeddings is not None:
        from narrativ_nlp.themes.embeddings import embed_texts
        from narrativ_nlp.themes.scale import strip_placeholders

        vectors = embed_texts([strip_placeholders(n.text) for n in narratives], embeddings)
        return discover(lemmas, k_range=k_range, seed=seed, vectors=vectors)
    return discover_sampled(lemmas, k_range=k_range, seed=seed)


def themes_from_store(store: NarrativeStore, group: str | None, since: str | None = None, until: str | None = None,
                      k_range: tuple[int, int] = (4, 12), embeddings: str | Path | None = None) -> dict[str, Any]:
    """``narrativ themes --group``: the stored tags and theme discovery, in the shape of the file form."""
    since, until = parse_date(since), parse_date(until)
    narratives = store.narratives(group=group, since=since, until=until)
    if not narratives:
        return {"tags": [], "message": empty_message(store, group, since, until),
                "discovery": {"k": 0, "silhouette": None, "note": None, "clusters": [],
                              "backend": "embeddings" if embeddings is not None else "tfidf-nmf"}}
    untagged = [k for k, n in enumerate(narratives) if not n.themes]
    themes = [n.themes for n in narratives]
    if untagged:  # stored without themes: tag them now (not written back)
        from narrativ_nlp.workflows.enrichment import tags_dicts
        from narrativ_nlp.themes.tagger import default_tagger
        from narrativ_nlp.themes.scale import anonymised_lemmas, tag_many

        tags = tag_many(default_tagger(), anonymised_lemmas([narratives[k].text for k in untagged]))
        for k, ts in zip(untagged, tags):
            themes[k] = tags_dicts(ts)
    found = discover_stored(narratives, k_range=k_range, embeddings=embeddings)
    return {
        "tags": [{"id": n.id, "date": n.date, "themes": ts} for n, ts in zip(narratives, themes)],
        "message": None,
        "discovery": {"k": found.k, "silhouette": found.silhouette, "note": found.note,
                      "backend": "embeddings" if embeddings is not None else "tfidf-nmf",
                      "clusters": [{"id": c.id, "size": c.size, "top_terms": list(c.top_terms),
                                    "typical": [narratives[i].id for i in c.typical]} for c in found.clusters]},
    }


# ---------------------------------------------------------------- patterns of a selection, fast and cached

#: bumped whenever the clustering or its table changes: patterns cached by an older version are not reused
PATTERNS_VERSION = 1
#: the same sample size as ``narrativ_nlp.themes.scale.DISCOVERY_SAMPLE`` (kept here so that up to this many
#: narratives the patterns need neither spaCy nor the pipeline; a test checks the two agree)
DISCOVERY_SAMPLE = 2000
#: patterns kept in memory (one per selection and setting); the oldest goes first
PATTERNS_IN_MEMORY = 32
#: patterns kept in the store's ``derived`` table (shared by the app's processes, kept over a restart)
PATTERNS_IN_STORE = 64

_patterns_memory: OrderedDict[str, pd.DataFrame] = OrderedDict()
_patterns_lock = threading.Lock()  # the memory cache
_compute_lock = threading.Lock()  # one clustering at a time (thread pools are limited process-wide)


def _sklearn_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("scikit-learn")
    except PackageNotFoundError:  # pragma: no cover (sklearn is a dependency)
        return "?"


def patterns_key(lemmas: list[str], ids: list[int], k_range: tuple[int, int], seed: int = 0, n_terms: int = 8,
                 min_narratives: int | None = None, min_cluster_size: int | None = None) -> str:
    """What the patterns of a selection depend on, as one hash: the narratives' ids and stored content lemmas
    (in order), the settings, this module's ``PATTERNS_VERSION`` and scikit-learn's version. A stored narrative
    never changes, so a selection with the same ids and lemmas has the same patterns."""
    h = hashlib.sha256()
    h.update(json.dumps([PATTERNS_VERSION, _sklearn_version(), list(k_range), seed, n_terms, min_narratives,
                         min_cluster_size, len(ids)]).encode())
    for i, lem in zip(ids, lemmas, strict=True):
        h.update(f"{int(i)}\x1f{lem}\x1e".encode())
    return h.hexdigest()


@contextmanager
def _one_thread():
    """BLAS and OpenMP pools at one thread while a clustering runs: the matrices are small, and two threads
    cost three times the CPU time on a shared 2-core machine (same results: checked in tests)."""
    import sklearn.decomposition  # noqa: F401  (loads the pools first, so the limit reaches them)
    import sklearn.metrics  # noqa: F401
    from threadpoolctl import threadpool_limits

    with _compute_lock, threadpool_limits(limits=1):
        yield


def discover_lemmas(lemmas: list[str], k_range: tuple[int, int] = (4, 12), seed: int = 0, n_terms: int = 8,
                    min_narratives: int | None = None, min_cluster_size: int | None = None) -> Any:
    """``narrativ_nlp.themes.scale.discover_sampled`` on stored content lemmas, the same ``Discovery``; up to
    ``DISCOVERY_SAMPLE`` narratives without importing spaCy (``discover`` itself), one thread."""
    from narrativ_nlp.themes.discovery import discover

    sizes = {k: v for k, v in (("min_narratives", min_narratives), ("min_cluster_size", min_cluster_size))
             if v is not None}
    with _one_thread():
        if len(lemmas) <= DISCOVERY_SAMPLE:
            return discover(lemmas, k_range=k_range, seed=seed, n_terms=n_terms, **sizes)
        from narrativ_nlp.themes.scale import discover_sampled

        return discover_sampled(lemmas, k_range=k_range, seed=seed, n_terms=n_terms, **sizes)


def _table_json(table: pd.DataFrame) -> str:
    return json.dumps({"columns": list(table.columns), "rows": table.astype(object).values.tolist()},
                      ensure_ascii=False)


def _table_from_json(text: str) -> pd.DataFrame | None:
    from narrativ_nlp.overview.tables import CLUSTER_COLUMNS

    try:
        data = json.loads(text)
        if data["columns"] != CLUSTER_COLUMNS:
            return None
        table = pd.DataFrame(data["rows"], columns=CLUSTER_COLUMNS)
    except (ValueError, KeyError, TypeError):
        return None  # a damaged entry is computed again
    return table.astype({"cluster": "int64", "size": "int64"}) if len(table) else table


def _remember(key: str, table: pd.DataFrame) -> None:
    with _patterns_lock:
        _patterns_memory[key] = table
        _patterns_memory.move_to_end(key)
        while len(_patterns_memory) > PATTERNS_IN_MEMORY:
            _patterns_memory.popitem(last=False)


def forget_patterns() -> None:
    """Empty the in-memory patterns (the store's are emptied by ``NarrativeStore.clear_derived``)."""
    with _patterns_lock:
        _patterns_memory.clear()


def patterns_table(lemmas: list[str], ids: list[int], k_range: tuple[int, int] = (4, 12), seed: int = 0,
                   n_terms: int = 8, min_narratives: int | None = None, min_cluster_size: int | None = None,
                   db: str | Path | None = None) -> pd.DataFrame:
    """The clusters table (``cluster``, ``size``, ``top_terms``, ``typical_ids``) of the narratives ``ids`` with
    their stored content ``lemmas``: exactly ``clusters_table(discover_sampled(lemmas, …), ids)``.

    Cached per selection (``patterns_key``: the ids, their lemmas and the settings): in memory
    (``PATTERNS_IN_MEMORY``) and, with ``db``, in the store's ``derived`` table (``PATTERNS_IN_STORE``; emptied
    when narratives are deleted). A copy is returned, so the caller may change it."""
    from narrativ_nlp.overview.tables import clusters_table

    key = patterns_key(lemmas, ids, k_range, seed, n_terms, min_narratives, min_cluster_size)
    with _patterns_lock:
        hit = _patterns_memory.get(key)
        if hit is not None:
            _patterns_memory.move_to_end(key)
            return hit.copy()
    if db is not None:
        table = _stored_patterns(db, key)
        if table is not None:
            _remember(key, table)
            return table.copy()
    found = discover_lemmas(lemmas, k_range=k_range, seed=seed, n_terms=n_terms, min_narratives=min_narratives,
                            min_cluster_size=min_cluster_size)
    table = clusters_table(found, ids)
    _remember(key, table)
    if db is not None:
        _store_patterns(db, key, table)
    return table.copy()


def _stored_patterns(db: str | Path, key: str) -> pd.DataFrame | None:
    from contextlib import closing

    from narrativ_nlp.errors import NarrativError

    try:
        with closing(NarrativeStore(db, create=False)) as store:
            text = store.derived("patterns", key)
    except NarrativError:  # the cache is a help only: a store that cannot be read is computed from
        return None
    return None if text is None else _table_from_json(text)


def _store_patterns(db: str | Path, key: str, table: pd.DataFrame) -> None:
    from contextlib import closing

    from narrativ_nlp.errors import NarrativError

    try:
        with closing(NarrativeStore(db, create=False)) as store:
            store.put_derived("patterns", key, _table_json(table), keep=PATTERNS_IN_STORE)
    except NarrativError:  # read-only or busy: kept in memory only
        pass
