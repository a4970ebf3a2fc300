"""``narrativ anonymise``: batch anonymisation of .txt, .docx, .csv and .jsonl files.

Inputs are never modified; every output is written to a temporary file in the
output folder and renamed only when complete (nothing half-written); existing
outputs are not overwritten. One ``Pseudonymiser`` serves the whole batch, so a
name gets the same pseudonym in every file. The summary counts replacements per
label and holds no text. The mapping is written only to ``mapping_path``.
"""

from __future__ import annotations

import csv
import json
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from narrativ_nlp.anonymise import anonymise_text, detect_many
from narrativ_nlp.errors import NarrativError
from narrativ_nlp.identifiers.pseudonymise import Pseudonymiser
from narrativ_nlp.textio import atomic_write, jsonl_objects
from narrativ_nlp.textio import read_text as _read_text

logger = logging.getLogger(__name__)
SUFFIXES = (".txt", ".docx", ".csv", ".jsonl")
PARAGRAPH_SEP = "\u2029"


@dataclass
class BatchSummary:
    counts: Counter = field(default_factory=Counter)
    written: list[Path] = field(default_factory=list)


def _atomic_write(target: Path, write: Callable[[Path], None]) -> None:
    if target.exists():
        raise NarrativError("E043", path=str(target))
    atomic_write(target, write)


def _anon(text: str, pseudo: Pseudonymiser, counts: Counter) -> str:
    result = anonymise_text(text, pseudonymiser=pseudo)
    counts.update(result.counts())
    return result.text


def _anon_many(texts: list[str], pseudo: Pseudonymiser, counts: Counter) -> list[str]:
    """``_anon`` for the rows of one file: detection in batches (``detect_many``), then
    pseudonymisation in row order, so the result is the same as row by row."""
    out = []
    for text, detection in zip(texts, detect_many(texts)):
        result = pseudo.apply(text, detection.spans)
        counts.update(result.counts())
        out.append(result.text)
    return out


def _txt(src: Path, dst: Path, pseudo: Pseudonymiser, counts: Counter, column: str) -> None:
    text = _anon(_read_text(src), pseudo, counts)
    _atomic_write(dst, lambda p: p.write_text(text, encoding="utf-8"))


def _docx(src: Path, dst: Path, pseudo: Pseudonymiser, counts: Counter, column: str) -> None:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(src))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise NarrativError("E042", path=str(src)) from exc
    except Exception as exc:  # zipfile.BadZipFile, lxml errors
        raise NarrativError("E042", path=str(src)) from exc
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs.extend(cell.paragraphs)
    for section in document.sections:
        for part in (section.header, section.footer):
            paragraphs.extend(part.paragraphs)
    # one text for the whole document, so names found anywhere are replaced everywhere
    # paragraphs may hold line breaks ("\n"), so join them with the paragraph separator
    joined = PARAGRAPH_SEP.join(p.text for p in paragraphs)
    new = _anon(joined, pseudo, counts).split(PARAGRAPH_SEP)
    if len(new) != len(paragraphs):  # a replacement never holds a newline; guard anyway
        raise NarrativError("E042", path=str(src))
    for para, text in zip(paragraphs, new):
        if para.text != text:
            para.text = text  # run formatting of a changed paragraph is simplified
    _atomic_write(dst, lambda p: document.save(str(p)))


def _csv(src: Path, dst: Path, pseudo: Pseudonymiser, counts: Counter, column: str) -> None:
    import io

    text = _read_text(src)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    fieldnames = list(rows[0].keys()) if rows else next(csv.reader(io.StringIO(text, newline="")), [])
    if column not in fieldnames:
        raise NarrativError("E040", column=column, path=str(src), columns=", ".join(fieldnames))
    for row, new in zip(rows, _anon_many([row[column] or "" for row in rows], pseudo, counts)):
        row[column] = new

    def write(p: Path) -> None:
        with p.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=fieldnames)
            w.writeheader()
            w.writerows(rows)

    _atomic_write(dst, write)


def _jsonl(src: Path, dst: Path, pseudo: Pseudonymiser, counts: Counter, column: str) -> None:
    objs = [obj for _, obj in jsonl_objects(src, column)]
    out_lines = []
    for obj, new in zip(objs, _anon_many([str(obj[column]) for obj in objs], pseudo, counts)):
        obj[column] = new
        # gold offsets refer to the original text: they would be wrong (and revealing) afterwards
        obj.pop("entities", None)
        obj.pop("sentences", None)
        out_lines.append(json.dumps(obj, ensure_ascii=False))
    _atomic_write(dst, lambda p: p.write_text("\n".join(out_lines) + "\n", encoding="utf-8"))


HANDLERS = {".txt": _txt, ".docx": _docx, ".csv": _csv, ".jsonl": _jsonl}


def anonymise_files(inputs: list[Path], out: Path, mode: str = "placeholder", column: str = "text",
                    mapping_path: Path | None = None, progress: bool = True) -> BatchSummary:
    """Anonymise ``inputs`` into ``out``; see the module docstring."""
    for src in inputs:
        if not src.is_file():
            raise NarrativError("E001", path=str(src))
        if src.suffix.lower() not in HANDLERS:
            raise NarrativError("E041", suffix=src.suffix or "(ingen)", path=str(src))
    out.mkdir(parents=True, exist_ok=True)
    for src in inputs:
        if src.resolve().parent == out.resolve():
            raise NarrativError("E044", path=str(out))
    pseudo = Pseudonymiser(mode=mode)
    summary = BatchSummary()
    iterator = inputs
    if progress:
        from tqdm import tqdm

        iterator = tqdm(inputs, desc="Anonymiserer", unit="fil")
    for src in iterator:
        dst = out / src.name
        HANDLERS[src.suffix.lower()](src, dst, pseudo, summary.counts, column)
        summary.written.append(dst)
    if mapping_path is not None:
        rows = pseudo.mapping_table()
        _atomic_write(mapping_path, lambda p: p.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8"))
    return summary
