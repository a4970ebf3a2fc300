"""``narrativ import``: read narratives, anonymise them, tag themes and framing, store them.

Sources: ``.jsonl`` (fields ``text`` and optional ``group``, ``date``, ``author``),
``.csv`` (column ``text`` and optional ``group``/``date``/``author`` columns; the
delimiter , ; or tab is detected), ``.txt`` (one narrative per file; a folder
means every ``.txt`` in it) and ``.docx`` (one narrative per document: its
paragraphs and tables, not headers or footers).

Every text is anonymised FIRST with one ``Pseudonymiser`` for the whole import
(so "[Person 1]" is the same child in every narrative of the import). Only the
anonymised text is tagged, analysed and stored; the author field is anonymised
too (a code such as "P2" stays as it is). Everything is stored with one
``add_many`` call, i.e. in one transaction: an interrupted import stores nothing.

Duplicates are found by content hash of the anonymised text, and also when the
text differs only in the numbering of its placeholders (the same narrative
imported again in another batch). The report holds counts and, for bad dates,
the file, line and date value, never narrative text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from narrativ_nlp.anonymise import anonymise_text
from narrativ_nlp.errors import NarrativError
from narrativ_nlp.identifiers.pseudonymise import MODES, Pseudonymiser
from narrativ_nlp.identifiers.types import LABEL_DA
from narrativ_nlp.store import NarrativeStore, content_hash, parse_date
from narrativ_nlp.textio import jsonl_objects
from narrativ_nlp.textio import read_text as _read_text

logger = logging.getLogger(__name__)

SUFFIXES = (".jsonl", ".csv", ".txt", ".docx")
DEFAULT_GROUP = "Uden gruppe"
#: an author code such as "P2", "PÆD-3" or "14": kept as it is (anything else is anonymised)
_AUTHOR_CODE = re.compile(r"^[A-Za-zÆØÅæøå]{0,4}[-_ ]?\d{1,4}$")
_DANISH_DATE = re.compile(r"^\s*(\d{1,2})[-./](\d{1,2})[-./](\d{4})\s*$")
_NUMBERED_PLACEHOLDER = re.compile(r"\[(" + "|".join(re.escape(v) for v in LABEL_DA.values()) + r") \d+\]")


@dataclass
class RawNarrative:
    """One narrative as read, before anonymisation (kept in memory only)."""

    text: str
    source: str  # file name and line/row, e.g. "fil.csv:3"
    group: str | None = None
    date: str | None = None
    author: str | None = None


@dataclass
class ImportReport:
    """What an import did, without any narrative text."""

    files: int = 0
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    empty: int = 0
    replaced: Counter = field(default_factory=Counter)  # label → replacements
    malformed_dates: list[dict[str, str]] = field(default_factory=list)  # {"source", "value"}
    converted_dates: int = 0  # DD-MM-ÅÅÅÅ read as a Danish date
    groups: Counter = field(default_factory=Counter)  # group → narratives stored

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files, "read": self.read, "stored": self.stored, "duplicates": self.duplicates,
            "empty": self.empty, "replaced": dict(sorted(self.replaced.items())),
            "malformed_dates": self.malformed_dates, "converted_dates": self.converted_dates,
            "groups": dict(sorted(self.groups.items())),
        }

    def lines_da(self) -> list[str]:
        """The report in Danish for the command line."""
        out = [f"Læst: {self.read} narrativer fra {self.files} fil(er)",
               f"Gemt: {self.stored}" + (" (" + ", ".join(f"{g}: {n}" for g, n in sorted(self.groups.items())) + ")" if self.groups else ""),
               f"Dubletter (ikke gemt igen): {self.duplicates}"]
        if self.empty:
            out.append(f"Tomme tekster sprunget over: {self.empty}")
        repl = ", ".join(f"{LABEL_DA.get(k, k)}: {v}" for k, v in sorted(self.replaced.items()))
        out.append("Erstatninger pr. type: " + (repl or "ingen"))
        if self.converted_dates:
            out.append(f"Datoer læst som DD-MM-ÅÅÅÅ: {self.converted_dates}")
        if self.malformed_dates:
            out.append(f"Ugyldige datoer (gemt uden dato): {len(self.malformed_dates)}")
            out.extend(f"  {d['source']}: {d['value']!r}" for d in self.malformed_dates[:20])
            if len(self.malformed_dates) > 20:
                out.append(f"  … og {len(self.malformed_dates) - 20} flere")
        return out


# ---------------------------------------------------------------- reading


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def read_jsonl(path: Path) -> list[RawNarrative]:
    out = []
    for lineno, obj in jsonl_objects(path, "text"):
        out.append(RawNarrative(str(obj["text"] or ""), f"{path.name}:{lineno}", _clean(obj.get("group")),
                                _clean(obj.get("date")), _clean(obj.get("author"))))
    return out


def read_csv(path: Path) -> list[RawNarrative]:
    text = _read_text(path)
    first = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count) if first else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    fields = [f.strip() for f in (reader.fieldnames or [])]
    reader.fieldnames = fields
    if "text" not in fields:
        raise NarrativError("E040", column="text", path=str(path), columns=", ".join(fields))
    out = []
    for rowno, row in enumerate(reader, start=2):  # row 1 is the header
        out.append(RawNarrative(row.get("text") or "", f"{path.name}:{rowno}", _clean(row.get("group")),
                                _clean(row.get("date")), _clean(row.get("author"))))
    return out


def read_txt(path: Path) -> list[RawNarrative]:
    return [RawNarrative(_read_text(path), path.name)]


def read_docx(path: Path) -> list[RawNarrative]:
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # PackageNotFoundError, zipfile.BadZipFile, lxml errors
        raise NarrativError("E042", path=str(path)) from exc
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    text = "\n".join(p for p in parts if p.strip())
    return [RawNarrative(text, path.name)]


READERS = {".jsonl": read_jsonl, ".csv": read_csv, ".txt": read_txt, ".docx": read_docx}


def expand_paths(paths: list[str | Path]) -> list[Path]:
    """Files as given; a folder gives its ``.txt`` files (sorted). Unknown types raise E041."""
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.is_file() and q.suffix.lower() == ".txt")
            if not found:
                raise NarrativError("E041", suffix="(mappe uden .txt-filer)", path=str(p))
            files.extend(found)
        elif p.is_file():
            if p.suffix.lower() not in READERS:
                raise NarrativError("E041", suffix=p.suffix or "(ingen)", path=str(p))
            files.append(p)
        else:
            raise NarrativError("E001", path=str(p))
    return files


def read_files(paths: list[str | Path]) -> tuple[list[RawNarrative], int]:
    files = expand_paths(paths)
    raw: list[RawNarrative] = []
    for f in files:
        raw.extend(READERS[f.suffix.lower()](f))
    return raw, len(files)


# ---------------------------------------------------------------- dates


def normalise_date(value: str | None) -> tuple[str | None, bool]:
    """(ISO date or None, converted): ISO dates and date-times, and Danish DD-MM-ÅÅÅÅ.

    Anything else raises ``NarrativError`` E060.
    """
    if value is None or not str(value).strip():
        return None, False
    value = str(value).strip()
    try:
        return parse_date(value), False
    except NarrativError:
        pass
    try:  # "2025-09-03T10:00" or "2025-09-03 00:00:00" (Excel)
        return dt.datetime.fromisoformat(value).date().isoformat(), False
    except ValueError:
        pass
    m = _DANISH_DATE.match(value)
    if m:
        try:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat(), True
        except ValueError:
            pass
    raise NarrativError("E060", value=value)


# ---------------------------------------------------------------- import


def placeholder_key(text: str) -> str:
    """The content hash with placeholder numbers left out ("[Person 3]" → "[Person]")."""
    return content_hash(_NUMBERED_PLACEHOLDER.sub(lambda m: f"[{m.group(1)}]", text))


def profile_dict(profile: Any) -> dict[str, Any] | None:
    """A ``NarrativeProfile`` as stored: counts, share, categories and the checklist (no text)."""
    if profile is None:
        return None
    return {
        "n_sentences": profile.n_sentences,
        "n_deficit_sentences": profile.n_deficit_sentences,
        "n_resource_sentences": profile.n_resource_sentences,
        "resource_share": profile.resource_share,
        "categories": dict(profile.categories),
        "checklist": {item.id: item.present for item in profile.checklist},
    }


def tags_dicts(tags: list) -> list[dict[str, Any]]:
    return [{"theme": t.theme, "label": t.label, "score": t.score, "words": list(t.words)} for t in tags]


def import_files(paths: list[str | Path], store: NarrativeStore, group: str | None = None, mode: str = "placeholder",
                 progress: bool = False, tagger: Any = None) -> ImportReport:
    """Read, anonymise, tag and store narratives; see the module docstring.

    ``group`` (when given) is the group of every imported narrative; otherwise a
    row's own ``group`` field, else "Uden gruppe".
    """
    from narrativ_nlp.framing.analysis import analyse
    from narrativ_nlp.pipeline import load_pipeline
    from narrativ_nlp.themes.evaluate import default_tagger
    from narrativ_nlp.themes.features import texts_to_lemmas
    from narrativ_nlp.themes.scale import anonymised_lemmas, tag_many

    if mode not in MODES:
        raise ValueError(f"mode={mode!r} should be one of {MODES}")
    raw, n_files = read_files(paths)  # every file is read (and checked) before anything is stored
    report = ImportReport(files=n_files, read=len(raw))
    known = {placeholder_key(n.text) for n in store.narratives()} if store.count() else set()
    pseudo = Pseudonymiser(mode=mode)
    nlp = load_pipeline()
    rows: list[dict[str, Any]] = []
    iterator = raw
    if progress:
        from tqdm import tqdm

        iterator = tqdm(raw, desc="Anonymiserer", unit="narrativ")
    for item in iterator:
        if not item.text.strip():
            report.empty += 1
            continue
        result = anonymise_text(item.text, pseudonymiser=pseudo, nlp=nlp)
        report.replaced.update(result.counts())
        key = placeholder_key(result.text)
        if key in known:
            report.duplicates += 1
            continue
        known.add(key)
        author = item.author
        if author and not _AUTHOR_CODE.match(author):
            a = anonymise_text(author, pseudonymiser=pseudo, nlp=nlp)
            report.replaced.update(a.counts())
            author = a.text
        try:
            date, converted = normalise_date(item.date)
            report.converted_dates += int(converted)
        except NarrativError:
            date = None
            report.malformed_dates.append({"source": item.source, "value": str(item.date)[:40]})
        rows.append({"text": result.text, "group": (group or item.group or DEFAULT_GROUP).strip() or DEFAULT_GROUP,
                     "date": date, "author": author, "anonymised": True})
    if rows:
        texts = [r["text"] for r in rows]
        # placeholders and masks carry no words; surrogate names must be found again to be left out
        lemmas = anonymised_lemmas(texts, nlp) if mode != "surrogate" else texts_to_lemmas(texts, nlp)
        tagger = tagger or default_tagger()
        for r, tags in zip(rows, tag_many(tagger, lemmas)):
            r["themes"] = tags_dicts(tags)
        for r in rows:
            r["profile"] = profile_dict(analyse(r["text"], nlp=nlp).profile)
    stored, dup = store.add_many(rows) if rows else (0, 0)
    report.stored = stored
    report.duplicates += dup
    if stored and not dup:  # (dup > 0 only when another writer stored the same text meanwhile)
        report.groups.update(r["group"] for r in rows)
    return report
