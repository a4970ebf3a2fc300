"""The workflow layer: the only door from the faces (``cli.py``, ``narrativ_nlp.app``) to the core.

Each journey is a function with typed requests and results:

| journey | function | result |
| --- | --- | --- |
| analyse a narrative | ``analyse_text(text, more)`` | ``Analysis`` |
| detect for review, by person | ``detect_for_review(text, keep, add)`` | ``Review`` (``PersonGroup`` rows) |
| apply the reviewed spans | ``pseudonymise(text, spans, mode)`` | ``PseudonymisedText`` |
| save one reviewed narrative | ``save_reviewed(SaveRequest, db)`` | ``SaveResult`` |
| import files into the store | ``import_files(ImportRequest, db)`` | ``ImportReport`` |
| anonymise files | ``anonymise_files(FilesRequest)`` | ``FilesResult`` |
| themes of a file / a group | ``themes_for_file``, ``themes_for_group`` | dict |
| the leader's overview | ``build_overview``, ``export_overview`` | ``Overview`` |

Everything stored passes ``enrich()`` (lemmas, themes, curriculum, profile), so the app and the
importer store the same narrative identically. Modules are imported lazily: importing this
package costs nothing.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "analyse_text": "analysis", "analysis_dict": "analysis", "read_text_input": "analysis",
    "LABEL_DA": "review",
    "AddTerm": "review", "PersonGroup": "review", "Review": "review", "ADD_LABELS": "review",
    "detect_for_review": "review", "pseudonymise": "review", "anonymise_text": "review", "group_spans": "review",
    "Enrichment": "enrichment", "enrich": "enrichment",
    "SaveRequest": "narratives", "SaveResult": "narratives", "save_reviewed": "narratives",
    "ImportRequest": "narratives", "ImportReport": "narratives", "import_files": "narratives",
    "normalise_date": "narratives",
    "FilesRequest": "files", "FilesResult": "files", "FileOutcome": "files", "anonymise_files": "files",
    "csv_columns": "files",
    "themes_for_file": "themes", "themes_for_group": "themes", "build_overview": "themes",
    "export_overview": "themes", "curriculum_workbook": "themes", "effect": "themes",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'narrativ_nlp.workflows' has no attribute {name!r}")
    return getattr(import_module(f"narrativ_nlp.workflows.{module}"), name)
