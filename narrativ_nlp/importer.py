"""Compatibility API for ``narrativ import``; the work is done by ``narrativ_nlp.workflows.narratives``
(the same path the app's save takes: anonymise, then ``enrich()``, then one transaction)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from narrativ_nlp.io.segments import RawNarrative  # noqa: F401
from narrativ_nlp.workflows.enrichment import profile_dict, tags_dicts  # noqa: F401
from narrativ_nlp.workflows.narratives import (  # noqa: F401
    DEFAULT_GROUP,
    ImportReport,
    ImportRequest,
    expand_paths,
    normalise_date,
    placeholder_key,
)


def import_files(paths: list[str | Path], store: Any, group: str | None = None, mode: str = "placeholder",
                 progress: bool = False, column: str | None = None) -> ImportReport:
    """Import ``paths`` into ``store`` (a ``NarrativeStore``; its file is used)."""
    from narrativ_nlp.workflows.narratives import import_files as run

    return run(ImportRequest(paths, group=group, mode=mode, column=column), db=store.path)
