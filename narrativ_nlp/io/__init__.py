"""One reader and one writer per file format, used by import, anonymise and the app alike.

``open_for_anonymise(path, keep)`` → ``Segmented`` (every text of the file that can hold a name,
and a writer that puts reviewed replacements back); ``read_narratives(path, column)`` → the
narratives of a file for import. Nothing here detects or replaces names itself.
"""

from __future__ import annotations

from pathlib import Path

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.io.segments import RawNarrative, Segmented

SUFFIXES = (".txt", ".md", ".docx", ".csv", ".xlsx", ".jsonl")


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise NarrativError("E041", suffix=path.suffix or "(ingen)", path=str(path))
    return suffix


def open_for_anonymise(path: Path, keep: frozenset[str] = frozenset()) -> Segmented:
    """The segments of ``path`` and its writer; ``keep`` names columns/fields left as they are."""
    path = Path(path)
    if not path.is_file():
        raise NarrativError("E001", path=str(path))
    suffix = _kind(path)
    if suffix in (".txt", ".md"):
        from narrativ_nlp.io import plain

        return plain.open_for_anonymise(path, keep)
    if suffix == ".csv":
        from narrativ_nlp.io import tabular

        return tabular.open_csv_for_anonymise(path, keep)
    if suffix == ".xlsx":
        from narrativ_nlp.io import tabular

        return tabular.open_xlsx_for_anonymise(path, keep)
    if suffix == ".jsonl":
        from narrativ_nlp.io import jsonl

        return jsonl.open_for_anonymise(path, keep)
    from narrativ_nlp.io import docx

    return docx.open_for_anonymise(path, keep)


def read_narratives(path: Path, column: str | None = None) -> list[RawNarrative]:
    """The narratives of one file (a ``.txt``/``.docx`` is one narrative; a row or line each otherwise)."""
    path = Path(path)
    if not path.is_file():
        raise NarrativError("E001", path=str(path))
    suffix = _kind(path)
    if suffix in (".txt", ".md"):
        from narrativ_nlp.io import plain

        return plain.read_narratives(path)
    if suffix == ".csv":
        from narrativ_nlp.io import tabular

        return tabular.read_narratives_csv(path, column)
    if suffix == ".xlsx":
        from narrativ_nlp.io import tabular

        return tabular.read_narratives_xlsx(path, column)
    if suffix == ".jsonl":
        from narrativ_nlp.io import jsonl

        return jsonl.read_narratives(path, column or "text")
    from narrativ_nlp.io import docx

    return [RawNarrative(docx.read_docx(path).text_for_import(), path.name)]


__all__ = ["SUFFIXES", "RawNarrative", "Segmented", "open_for_anonymise", "read_narratives"]
