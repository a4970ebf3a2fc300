"""Anonymise files: every part of every file, one pseudonym per person across the batch, all or nothing.

    result = anonymise_files(FilesRequest(inputs=[...], out=Path("ud")))

* Every text of a file is read (``narrativ_nlp.io``: paragraphs, headers, comments, properties,
  every column and field, sheet names) and so is each file's name.
* Names are detected file by file, then made whole over the batch: a name found anywhere is
  replaced everywhere, and a full name, its parts and possessives get one pseudonym in every file
  ("Sofus Bech" in one file and "Sofus" in the next).
* All or nothing: the outputs are written to a temporary folder inside ``out`` and moved into place
  only when every input succeeded; the key (mapping) is written with them, mode 0600, or not at
  all. Existing files are never overwritten without ``force``. File names are pseudonymised too,
  and two inputs with the same name get distinct output names.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.identifiers.pseudonymise import MODES, Pseudonymiser
from narrativ_nlp.identifiers.types import IdentifierSpan
from narrativ_nlp.io import SUFFIXES, Segmented, open_for_anonymise
from narrativ_nlp.io.text import atomic_write
from narrativ_nlp.workflows.review import AddTerm, add_term_spans, drop_kept, merge_user_spans

#: between two segments of the batch text: a paragraph separator (a sentence boundary, never in a name)
SEP = "\u2029"


@dataclass(frozen=True)
class FilesRequest:
    inputs: Sequence[Path]
    out: Path
    mode: str = "placeholder"
    keep_columns: frozenset[str] = frozenset()  # columns/fields the user keeps as they are
    keep_words: Sequence[str] = ()  # "ikke et navn", once for the batch
    add: Sequence[AddTerm] = ()  # missed words, every occurrence in every file
    mapping: bool = False  # write the key (original → pseudonym) beside the outputs, mode 0600
    force: bool = False  # overwrite existing outputs
    display_names: Sequence[str] | None = None  # the names the user gave the files (uploads), else path names


@dataclass
class FileOutcome:
    source: str  # the input's name as the user gave it (shown only to that user)
    output: Path | None
    counts: Counter = field(default_factory=Counter)
    segments: int = 0
    notes: list[str] = field(default_factory=list)  # parts that were not read (copied as they are)


@dataclass
class FilesResult:
    files: list[FileOutcome]
    counts: Counter
    mapping_path: Path | None
    pseudonymiser: Pseudonymiser

    @property
    def written(self) -> list[Path]:
        return [f.output for f in self.files if f.output is not None]


def _check_inputs(req: FilesRequest) -> None:
    if req.mode not in MODES:
        raise ValueError(f"mode={req.mode!r} should be one of {MODES}")
    if not req.inputs:
        raise NarrativError("E001", path="(ingen filer)")
    for src in req.inputs:
        src = Path(src)
        if not src.is_file():
            raise NarrativError("E001", path=str(src))
        if src.suffix.lower() not in SUFFIXES:
            raise NarrativError("E041", suffix=src.suffix or "(ingen)", path=str(src))
        if src.resolve().parent == Path(req.out).resolve():
            raise NarrativError("E044", path=str(req.out))


def _name_text(name: str) -> str:
    """A file name as words ("Observation_af_Frederikke.txt" → "Observation af Frederikke")."""
    return re.sub(r"[_]+", " ", Path(name).stem)


def _safe_file_name(stem: str, suffix: str, taken: set[str]) -> str:
    stem = re.sub(r"[\[\]■]", "", stem)
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]', " ", stem)
    stem = re.sub(r"\s+", " ", stem).strip(" .") or "fil"
    name, n = f"{stem}{suffix}", 2
    while name.lower() in taken:
        name = f"{stem} ({n}){suffix}"
        n += 1
    taken.add(name.lower())
    return name


def csv_columns(path: str | Path) -> list[str]:
    """The header of a CSV file, read by the one CSV reader (delimiter and encoding detected: a Danish
    Excel export is semicolon-separated cp1252); [] when the file cannot be read (anonymising it
    then reports what is wrong, with the file's name)."""
    from narrativ_nlp.io.tabular import read_csv

    try:
        return [c for c in read_csv(Path(path)).header if c]
    except (NarrativError, OSError):
        return []


def detect_batch(texts: list[str], keep_words: Sequence[str] = (), add: Sequence[AddTerm] = (),
                 progress: Callable[[int], None] | None = None) -> tuple[str, list[IdentifierSpan], list[tuple[int, int]]]:
    """Detect over ``texts`` (each a file's segments joined by ``SEP``), then make the detection
    whole over the batch. Returns the batch text, its pre-selected spans and each text's range."""
    from narrativ_nlp.anonymise import detect
    from narrativ_nlp.identifiers.engine import default_engine

    ranges, spans, pos = [], [], 0
    for i, text in enumerate(texts):
        d = detect(text)
        spans.extend(IdentifierSpan(s.start + pos, s.end + pos, s.label, s.source, s.score)
                     for s in d.spans + d.suggestions)
        ranges.append((pos, pos + len(text)))
        pos += len(text) + 1
        if progress:
            progress(i + 1)
    batch = SEP.join(texts)
    whole = default_engine().complete(batch, spans)
    chosen = drop_kept(batch, whole.spans, keep_words)
    chosen = merge_user_spans(chosen, add_term_spans(batch, add))
    return batch, _clip(batch, chosen), ranges


def _clip(text: str, spans: list[IdentifierSpan]) -> list[IdentifierSpan]:
    """A span never crosses a segment boundary: cut it at ``SEP`` (an address over two cells)."""
    out = []
    for s in spans:
        start = s.start
        for m in re.finditer(SEP, text[s.start:s.end]):
            cut = s.start + m.start()
            if cut > start:
                out.append(IdentifierSpan(start, cut, s.label, s.source, s.score))
            start = cut + 1
        if start < s.end and text[start:s.end].strip():
            out.append(IdentifierSpan(start, s.end, s.label, s.source, s.score))
    return out


def split_replaced(text: str, replacements: list, bounds: list[tuple[int, int]]) -> list[str]:
    """The new text of each range ``bounds`` of ``text`` after ``replacements`` (original offsets)."""
    out = []
    reps = sorted(replacements, key=lambda r: r.start)
    k = 0
    for start, end in bounds:
        while k < len(reps) and reps[k].end <= start:
            k += 1
        pieces, pos, j = [], start, k
        while j < len(reps) and reps[j].start < end:
            r = reps[j]
            pieces.append(text[pos:r.start])
            pieces.append(r.replacement)
            pos = r.end
            j += 1
        pieces.append(text[pos:end])
        out.append("".join(pieces))
    return out


def anonymise_files(req: FilesRequest, progress: Callable[[int, int], None] | None = None) -> FilesResult:
    """See the module docstring."""
    _check_inputs(req)
    out = Path(req.out)
    names = list(req.display_names) if req.display_names is not None else [Path(p).name for p in req.inputs]
    docs: list[Segmented] = [open_for_anonymise(Path(p), req.keep_columns) for p in req.inputs]  # all read first
    # one text per file: its name first (names in file names are replaced like any other), then its segments
    texts = [SEP.join([_name_text(name), *doc.segments]) for name, doc in zip(names, docs)]
    batch, spans, ranges = detect_batch(texts, req.keep_words, req.add,
                                        progress=(lambda i: progress(i, len(texts))) if progress else None)
    pseudo = Pseudonymiser(mode=req.mode)
    result = pseudo.apply(batch, spans)
    outcomes: list[FileOutcome] = []
    planned: list[tuple[Segmented, list[str], str]] = []
    taken: set[str] = set()
    for name, doc, (start, end) in zip(names, docs, ranges):
        bounds, pos = [], start
        for piece in batch[start:end].split(SEP):
            bounds.append((pos, pos + len(piece)))
            pos += len(piece) + 1
        new = split_replaced(batch, result.replacements, bounds)
        counts = Counter(r.label for r in result.replacements if start <= r.start < end)
        out_name = _safe_file_name(new[0], Path(name).suffix.lower(), taken)
        planned.append((doc, new[1:], out_name))
        outcomes.append(FileOutcome(name, out / out_name, counts, len(doc.segments), list(doc.notes)))
    targets = [out / n for _, _, n in planned]
    mapping_path = out / "noegle.json" if req.mapping else None
    existing = [t for t in targets + ([mapping_path] if mapping_path else []) if t.exists()]
    if existing and not req.force:
        raise NarrativError("E043", path=", ".join(str(t) for t in existing[:5]))
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".narrativ-", dir=out))
    try:
        for doc, new, out_name in planned:
            doc.write(staging / out_name, new)
        if mapping_path is not None:
            rows = pseudo.mapping_table()
            atomic_write(staging / mapping_path.name,
                         lambda p: p.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8"),
                         mode=0o600)
        for _, _, out_name in planned:  # every file succeeded: move them into place
            os.replace(staging / out_name, out / out_name)
        if mapping_path is not None:
            os.replace(staging / mapping_path.name, mapping_path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return FilesResult(outcomes, Counter(r.label for r in result.replacements), mapping_path, pseudo)
