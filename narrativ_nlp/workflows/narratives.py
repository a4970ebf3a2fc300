"""Storing narratives: the app's save of one reviewed narrative and ``narrativ import`` of files.

Both doors go through the same steps, so the same narrative is stored identically:

1. pseudonymise the text (the app: the spans the user ticked; import: the pre-selected spans);
2. the group and author fields go through detection too (a group named after a child, an author
   "Lise 12"), with the same pseudonymiser;
3. ``enrich()``: lemmas, themes, curriculum themes, profile;
4. one ``add_many`` transaction.

A record is marked ``anonymised`` only when every identifier detected above the threshold was
replaced; identifiers the user unticked are "kept" — the save refuses them unless the user
confirmed keeping them (``confirm_kept``), and the record stores what was kept (labels and counts,
never the words).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.identifiers.pseudonymise import MODES, Pseudonymiser
from narrativ_nlp.identifiers.types import LABEL_DA, IdentifierSpan
from narrativ_nlp.io import SUFFIXES, read_narratives
from narrativ_nlp.io.segments import RawNarrative
from narrativ_nlp.store import NarrativeStore, content_hash, parse_date
from narrativ_nlp.workflows.enrichment import enrich

DEFAULT_GROUP = "Uden gruppe"
#: an author code such as "P2", "PÆD-3" or "14" (capitals and digits): kept as it is; anything else
#: ("Lise 12", "lone") goes through detection
_AUTHOR_CODE = re.compile(r"^(?:[A-ZÆØÅ]{1,4}[-_ ]?)?\d{1,4}$")
_DANISH_DATE = re.compile(r"^\s*(\d{1,2})[-./](\d{1,2})[-./](\d{2}|\d{4})\s*$")
_DATE_LIKE = re.compile(r"^[\d\s./:T-]{4,25}$")
_NUMBERED_PLACEHOLDER = re.compile(r"\[(" + "|".join(re.escape(v) for v in LABEL_DA.values()) + r") \d+\]")


# ---------------------------------------------------------------- shared steps


def normalise_date(value: str | None) -> tuple[str | None, bool]:
    """(ISO date or None, converted): ISO dates and date-times, and Danish dates (3.9.2025,
    03-09-2025, 3/9/25). Anything else raises ``NarrativError`` E060."""
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
        year = int(m.group(3))
        year = year + 2000 if year < 100 else year
        try:
            return dt.date(year, int(m.group(2)), int(m.group(1))).isoformat(), True
        except ValueError:
            pass
    raise NarrativError("E060", value=value if _DATE_LIKE.match(value) else "(ikke en dato)")


def placeholder_key(text: str) -> str:
    """The content hash with placeholder numbers left out ("[Person 3]" → "[Person]")."""
    return content_hash(_NUMBERED_PLACEHOLDER.sub(lambda m: f"[{m.group(1)}]", text))


def _anonymise_field(value: str | None, pseudo: Pseudonymiser, counts: Counter, is_code=None,
                     known_names_only: bool = False) -> str | None:
    """A group or author field through detection, with the narrative's pseudonymiser.

    ``known_names_only`` (group fields): a person's name counts only when a name list or the NER
    model knows it ("Frederikke"), not an unknown capitalised word ("Stue Myretuen", "Grøn gruppe"):
    rooms are named after animals and colours, children after children."""
    value, spans = _field_spans(value, is_code, known_names_only)
    if not spans:
        return value
    result = pseudo.apply(value, spans)
    counts.update(result.counts())
    return result.text


def _anonymise_row(text: str, spans: Sequence[IdentifierSpan], fields: Sequence[tuple[str | None, dict[str, Any]]],
                   pseudo: Pseudonymiser, counts: Counter) -> tuple[str, list[str | None]]:
    """A narrative's text and its group/author fields (each with ``_field_spans`` options) in one
    linking scope: "Maja" in the text and the author "Maja Holm" get one pseudonym."""
    pieces: list[tuple[str, Sequence[IdentifierSpan]]] = [(text, spans)]
    values: list[str | None] = []
    where: list[int | None] = []  # each field's index in ``pieces`` (None: nothing to replace)
    for value, options in fields:
        value, field_spans = _field_spans(value, **options)
        values.append(value)
        where.append(len(pieces) if field_spans else None)
        if field_spans:
            pieces.append((value, field_spans))
    results = pseudo.apply_many(pieces)
    for r in results:
        counts.update(r.counts())
    return results[0].text, [v if i is None else results[i].text for v, i in zip(values, where)]


def _field_spans(value: str | None, is_code=None, known_names_only: bool = False) -> tuple[str | None, list[IdentifierSpan]]:
    """The stripped field and the spans to replace in it (none for an empty field or a code)."""
    from narrativ_nlp.anonymise import detect

    if value is None or not value.strip():
        return None, []
    value = value.strip()
    if is_code is not None and is_code(value):
        return value, []
    detection = detect(value)
    # a field holds no sentence to give context: a known name among the weaker suggestions counts too
    known = [s for s in detection.suggestions if s.label == "PERSON" and {"gazetteer", "ner"} & set(s.source.split("+"))]
    spans = sorted(detection.spans + known, key=lambda s: s.start)
    if known_names_only:
        spans = [s for s in spans if s.label != "PERSON" or {"gazetteer", "ner"} & set(s.source.split("+"))]
    return value, spans


def _row(text: str, group: str, date: str | None, author: str | None, kept: dict[str, int],
         original: str) -> dict[str, Any]:
    return {"text": text, "group": group, "date": date, "author": author, "anonymised": not kept,
            "kept": kept or None, "_original": original}


def _store_rows(store: NarrativeStore, rows: list[dict[str, Any]], mode: str) -> tuple[int, int]:
    """``enrich()`` every row, then store them in one transaction: (stored, duplicates).

    A row's ``_original`` (the text before pseudonymisation) is used for its framing profile and
    removed before anything is stored."""
    originals = [r.pop("_original") for r in rows]
    for row, e in zip(rows, enrich([r["text"] for r in rows], mode, originals=originals)):
        row.update(themes=e.themes, curriculum=e.curriculum, profile=e.profile, lemmas=e.lemmas)
    return store.add_many(rows)


# ---------------------------------------------------------------- the app: one reviewed narrative


@dataclass(frozen=True)
class SaveRequest:
    text: str  # the original text, as reviewed
    spans: Sequence[IdentifierSpan]  # what the user ticked: replaced
    detected: Sequence[IdentifierSpan] = ()  # every span the review showed as pre-selected
    group: str = ""
    date: str | None = None
    author: str | None = None
    mode: str = "placeholder"
    confirm_kept: bool = False  # the user confirmed keeping the unticked identifiers


@dataclass
class SaveResult:
    id: int | None  # None: a duplicate (the same text, group and date is stored already)
    anonymised_text: str
    replaced: dict[str, int]
    kept: dict[str, int] = field(default_factory=dict)
    group: str = ""
    date: str | None = None

    @property
    def duplicate(self) -> bool:
        return self.id is None

    def message(self) -> str:
        if self.id is None:
            return "Narrativen er allerede gemt (samme tekst, gruppe og dato findes i forvejen)."
        when = f" den {self.date}" if self.date else ""
        msg = f"Gemt som narrativ nr. {self.id} i gruppen »{self.group}«{when}."
        if self.kept:
            what = ", ".join(f"{n} × {LABEL_DA.get(k, k)}" for k, n in sorted(self.kept.items()))
            return msg + f" Du valgte at beholde: {what}; resten er anonymiseret."
        return msg + " Kun den anonymiserede tekst er gemt."


def kept_counts(spans: Sequence[IdentifierSpan], detected: Sequence[IdentifierSpan]) -> dict[str, int]:
    """Pre-selected identifiers the user did not tick (by label)."""
    chosen = [(s.start, s.end) for s in spans]
    out: Counter = Counter()
    for d in detected:
        if not any(a < d.end and d.start < b for a, b in chosen):
            out[d.label] += 1
    return dict(out)


def save_reviewed(req: SaveRequest, db: str | Path | None = None) -> SaveResult:
    """Pseudonymise ``req.text`` with the ticked spans and store it with themes and profile."""
    if req.mode not in MODES:
        raise ValueError(f"mode={req.mode!r} should be one of {MODES}")
    if not req.text or not req.text.strip():
        raise NarrativError("E071")
    kept = kept_counts(req.spans, req.detected)
    if kept and not req.confirm_kept:
        raise NarrativError("E072", what=", ".join(f"{n} × {LABEL_DA.get(k, k)}" for k, n in sorted(kept.items())))
    group = (req.group or "").strip()
    if not group:
        raise NarrativError("E073")
    date, _ = normalise_date(req.date)
    pseudo = Pseudonymiser(mode=req.mode)
    counts: Counter = Counter()
    text, (group, author) = _anonymise_row(req.text, req.spans, [
        (group, {"known_names_only": True}), (req.author, {"is_code": _AUTHOR_CODE.match})], pseudo, counts)
    group = group or DEFAULT_GROUP
    rows = [_row(text, group, date, author, kept, req.text)]
    with closing(NarrativeStore(db)) as store:
        stored, _dup = _store_rows(store, rows, req.mode)
        nid = store.last_id() if stored else None
    return SaveResult(nid, text, dict(counts), kept, group, date)


# ---------------------------------------------------------------- import


@dataclass(frozen=True)
class ImportRequest:
    paths: Sequence[str | Path]
    group: str | None = None  # the group of every narrative; else a row's own group, else "Uden gruppe"
    mode: str = "placeholder"
    column: str | None = None  # the text column of a CSV/XLSX (found by name when not given)


@dataclass
class ImportReport:
    """What an import did, without any narrative text."""

    files: int = 0
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    empty: int = 0
    replaced: Counter = field(default_factory=Counter)  # label → replacements
    malformed_dates: list[dict[str, str]] = field(default_factory=list)  # {"source", "value"}: no text
    converted_dates: int = 0  # Danish dates read as such
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
        def n(count: int, one: str, many: str) -> str:
            return f"{count} {one if count == 1 else many}"

        out = [f"Læst: {n(self.read, 'narrativ', 'narrativer')} fra {n(self.files, 'fil', 'filer')}",
               f"Gemt: {self.stored}" + (" (" + ", ".join(f"{g}: {c}" for g, c in sorted(self.groups.items())) + ")"
                                         if self.groups else ""),
               f"Dubletter (ikke gemt igen): {self.duplicates}"]
        if self.empty:
            out.append(f"Tomme tekster sprunget over: {self.empty}")
        repl = ", ".join(f"{LABEL_DA.get(k, k)}: {v}" for k, v in sorted(self.replaced.items()))
        out.append("Erstatninger pr. type: " + (repl or "ingen"))
        if self.converted_dates:
            out.append(f"Datoer læst som danske datoer (D.M.ÅÅÅÅ): {self.converted_dates}")
        if self.malformed_dates:
            out.append(f"Ugyldige datoer (gemt uden dato): {len(self.malformed_dates)}")
            out.extend(f"  {d['source']}: {d['value']}" for d in self.malformed_dates[:20])
            if len(self.malformed_dates) > 20:
                out.append(f"  … og {len(self.malformed_dates) - 20} flere")
        return out


def expand_paths(paths: Sequence[str | Path]) -> list[Path]:
    """Files as given; a folder gives its ``.txt`` and ``.docx`` files (sorted). Unknown types raise E041."""
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.is_file() and q.suffix.lower() in (".txt", ".docx"))
            if not found:
                raise NarrativError("E041", suffix="(mappe uden .txt- eller .docx-filer)", path=str(p))
            files.extend(found)
        elif p.is_file():
            if p.suffix.lower() not in SUFFIXES:
                raise NarrativError("E041", suffix=p.suffix or "(ingen)", path=str(p))
            files.append(p)
        else:
            raise NarrativError("E001", path=str(p))
    return files


def import_files(req: ImportRequest, db: str | Path | None = None,
                 progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Read, anonymise, enrich and store narratives; all or nothing (one transaction)."""
    from narrativ_nlp.anonymise import detect_many

    if req.mode not in MODES:
        raise ValueError(f"mode={req.mode!r} should be one of {MODES}")
    files = expand_paths(req.paths)
    raw: list[RawNarrative] = []
    for f in files:  # every file is read (and checked) before anything is stored
        raw.extend(read_narratives(f, req.column))
    report = ImportReport(files=len(files), read=len(raw))
    todo = [r for r in raw if r.text.strip()]
    report.empty = len(raw) - len(todo)
    pseudo = Pseudonymiser(mode=req.mode)
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str | None]] = set()
    detections = detect_many([r.text for r in todo])
    for i, (item, detection) in enumerate(zip(todo, detections)):
        text, (group, author) = _anonymise_row(item.text, detection.spans, [
            (req.group or item.group, {"known_names_only": True}), (item.author, {"is_code": _AUTHOR_CODE.match})],
            pseudo, report.replaced)
        group = group or DEFAULT_GROUP
        try:
            date, converted = normalise_date(item.date)
            report.converted_dates += int(converted)
        except NarrativError as exc:
            date = None
            report.malformed_dates.append({"source": item.source, "value": str(exc.kwargs.get("value"))})
        key = (placeholder_key(text), group, date)
        if key in seen:
            report.duplicates += 1
            continue
        seen.add(key)
        rows.append(_row(text, group, date, author, {}, item.text))
        if progress:
            progress(i + 1, len(todo))
    with closing(NarrativeStore(db)) as store:
        known = store.placeholder_keys() if store.count() else set()
        fresh = [r for r in rows if (placeholder_key(r["text"]), r["group"], r["date"]) not in known]
        report.duplicates += len(rows) - len(fresh)
        stored, dup = _store_rows(store, fresh, req.mode) if fresh else (0, 0)
    report.stored = stored
    report.duplicates += dup
    if stored and not dup:  # (dup > 0 only when another writer stored the same text meanwhile)
        report.groups.update(r["group"] for r in fresh)
    return report
