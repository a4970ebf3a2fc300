"""Word documents (interim: body paragraphs, tables, default headers and footers; replaced by the
all-parts reader/writer)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.io.segments import Segmented
from narrativ_nlp.io.text import atomic_write


def _open(path: Path):
    import docx

    try:
        return docx.Document(str(path))
    except Exception as exc:  # PackageNotFoundError, zipfile.BadZipFile, lxml errors
        raise NarrativError("E042", path=str(path)) from exc


def _paragraphs(document) -> list:
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs.extend(cell.paragraphs)
    for section in document.sections:
        for part in (section.header, section.footer):
            paragraphs.extend(part.paragraphs)
    return paragraphs


@dataclass
class DocxDocument:
    body: list[str]

    def text_for_import(self) -> str:
        return "\n".join(p for p in self.body if p.strip())


def read_docx(path: Path) -> DocxDocument:
    document = _open(path)
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return DocxDocument(parts)


def open_for_anonymise(path: Path, keep: frozenset[str] = frozenset()) -> Segmented:
    document = _open(path)
    paragraphs = _paragraphs(document)

    def write(dst: Path, new: list[str]) -> None:
        for para, text in zip(paragraphs, new):
            if para.text != text:
                para.text = text
        atomic_write(dst, lambda p: document.save(str(p)))

    return Segmented(path, "docx", [p.text for p in paragraphs], write)
