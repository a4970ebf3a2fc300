"""Stored records and the overview's data for the faces: the store (groups, counts, narratives, rule
feedback), the Overblik's Danish headings, exports and patterns, and checking one file of a batch.

* the store: ``groups``, ``count``, ``narratives``, ``record_feedback``, ``feedback``, ``open_store``
  (create or migrate at start);
* Overblik: the Danish column headings and table names, the per-format exports, and patterns from
  content lemmas kept per stored narrative (the store's ``lemmas`` column, computed at save/import), cached per
  selection; ``warm_overview`` computes the likely first ones ahead (the app's warm-up thread);
* ``read_file_for_check``: open one file for anonymising, to tell which file of a batch is broken.
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Any

# the minimums of patterns (clusters), for the faces: the settings the command line uses too
from narrativ_nlp.themes.discovery import MIN_CLUSTER_SIZE as PATTERN_MIN_SIZE
from narrativ_nlp.themes.discovery import MIN_NARRATIVES as PATTERN_MIN_NARRATIVES



# ------------------------------------------------------------------ the store


def open_store(db: str | None) -> str:
    """Create or migrate the database now (a broken one fails here, in Danish); returns its path."""
    from narrativ_nlp.store import NarrativeStore, default_db_path

    path = str(db or default_db_path())
    NarrativeStore(path).close()
    return path


def groups(db: str | None) -> list[str]:
    from narrativ_nlp.store import NarrativeStore

    with closing(NarrativeStore(db)) as store:
        return store.groups()


def count(db: str | None) -> int:
    from narrativ_nlp.store import NarrativeStore

    with closing(NarrativeStore(db)) as store:
        return store.count()


def narratives(db: str | None, group: str | None = None, since: str | None = None, until: str | None = None) -> list[Any]:
    from narrativ_nlp.store import NarrativeStore

    with closing(NarrativeStore(db)) as store:
        return store.narratives(group=group, since=since, until=until)


def record_feedback(db: str | None, rule_id: str, action: str) -> None:
    from narrativ_nlp.store import NarrativeStore

    with closing(NarrativeStore(db)) as store:
        store.record_feedback(rule_id, action)


def feedback(db: str | None) -> dict[str, dict[str, int]]:
    from narrativ_nlp.store import NarrativeStore

    with closing(NarrativeStore(db)) as store:
        return store.feedback()


# ------------------------------------------------------------------ Overblik


def columns_da() -> dict[str, str]:
    from narrativ_nlp.overview import COLUMNS_DA

    return COLUMNS_DA


def tables_da() -> dict[str, str]:
    from narrativ_nlp.overview import TABLES

    return TABLES


def export_csv(ov: Any, folder: Path) -> list[Path]:
    from narrativ_nlp.overview import export_csv as run

    return run(ov, folder)


def export_excel(ov: Any, path: Path) -> Path:
    from narrativ_nlp.overview import export_excel as run

    return run(ov, path)


def export_qdc(codebook: Any, path: Path) -> Path:
    from narrativ_nlp.overview import export_qdc as run

    return run(codebook, path)


def lemmas_of(texts: list[str]) -> list[str]:
    """Content lemmas of stored (anonymised) texts."""
    from narrativ_nlp.themes.scale import anonymised_lemmas

    return anonymised_lemmas(texts)


def patterns_table(lemmas: list[str], ids: list[int], k_range: tuple[int, int], min_narratives: int | None = None,
                   min_cluster_size: int | None = None, db: str | None = None) -> Any:
    """Clusters of the narratives (TF-IDF + NMF, sampled above 2,000) as the overview's clusters table;
    the minimum selection and pattern sizes default to the discovery's (30 and 5).

    Cached per selection (the ids and their stored lemmas): in memory, and with ``db`` in the store too (shared
    by the app's processes, kept over a restart); no spaCy is loaded for up to 2,000 narratives
    (``narrativ_nlp.overview.discovery.patterns_table``)."""
    from narrativ_nlp.overview.discovery import patterns_table as run

    return run(lemmas, ids, k_range, min_narratives=min_narratives, min_cluster_size=min_cluster_size, db=db)


def warm_overview(db: str | None, k_range: tuple[int, int], min_narratives: int, min_cluster_size: int,
                  max_selections: int = 1) -> dict[str, int]:
    """A head start for Overblik (the app's warm-up thread): the patterns of every group together and, with
    ``max_selections`` above 1, of the largest groups too (kept in memory and in the store, the same as
    ``patterns_table`` would compute them on the first click; about 1.5 s CPU for 1,000 narratives, 0.7 s more
    per group of 125), the chart files of every group together, and the export's libraries imported. Returns
    ``{"patterns": selections computed or found kept, "charts": 0 or 1}``. Narratives stored without lemmas
    (an older store) get them computed here, as Overblik would."""
    from narrativ_nlp.overview import build_overview, chart_pngs
    from narrativ_nlp.store import NarrativeStore

    with closing(NarrativeStore(db)) as store:
        stored = store.narratives()
        if not stored:
            return {"patterns": 0, "charts": 0}
        ov = build_overview(store)
    missing = [n for n in stored if not n.lemmas]
    lemmas = {n.id: n.lemmas for n in stored if n.lemmas}
    if missing:
        lemmas.update(zip([n.id for n in missing], lemmas_of([n.text for n in missing])))
    selections = [stored]
    by_group: dict[str, list[Any]] = {}
    for n in stored:
        by_group.setdefault(n.group, []).append(n)
    for group in sorted(by_group, key=lambda g: (-len(by_group[g]), g)):  # the largest groups first
        if len(by_group[group]) >= min_narratives and len(by_group[group]) < len(stored):
            selections.append(by_group[group])
    done = 0
    for part in selections[:max_selections]:
        if len(part) >= min_narratives:
            patterns_table([lemmas[n.id] for n in part], [n.id for n in part], k_range, min_narratives=min_narratives,
                           min_cluster_size=min_cluster_size, db=db)
            done += 1
    import openpyxl  # noqa: F401  (the export's libraries, imported once)

    chart_pngs(ov)
    return {"patterns": done, "charts": 1}


def overview_of(n: int, clusters: Any, group: str | None = None, since: str | None = None,
                until: str | None = None) -> Any:
    """An overview object holding only a clusters table (for the patterns view)."""
    from narrativ_nlp.overview.tables import Overview

    return Overview(group, since, until, n, {"clusters": clusters})


# ------------------------------------------------------------------ files


def read_file_for_check(path: Path, keep_columns: frozenset[str]) -> None:
    """Open one file as the anonymiser will (a damaged or unsupported file raises a Danish NarrativError)."""
    from narrativ_nlp.io import open_for_anonymise

    open_for_anonymise(path, keep_columns)
