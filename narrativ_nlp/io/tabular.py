"""Spreadsheets: CSV (any delimiter and encoding a Danish Excel writes) and XLSX; one reader, one writer.

* CSV: the delimiter is detected among ``,`` ``;`` tab and ``|`` (Danish Excel writes ``;``), the
  encoding by ``narrativ_nlp.io.text``; a row with more or fewer fields than the header (an
  unquoted comma) is refused with the line numbers (E045), never guessed. Output keeps the delimiter
  and is UTF-8, with a BOM unless the input was plain UTF-8 (so Excel reads a cp1252 or UTF-16 input's
  Danish letters right after anonymisation).
* XLSX (openpyxl): every sheet, every text cell, cell comments and their authors, sheet names, and
  the document properties (creator and last-modified-by become "narrativ").
* For anonymisation every text cell is a segment, header included (a column per child is named
  after the child), except columns the user names to keep. For import, the text column is found by
  its name (tekst, text, narrativ, beskrivelse, observation, ...).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.io.segments import RawNarrative, Segmented
from narrativ_nlp.io.text import atomic_write, read_decoded

DELIMITERS = [",", ";", "\t", "|"]
#: column names, lower case, that hold the narrative text / the metadata (first match wins)
TEXT_COLUMNS = ("text", "tekst", "narrativ", "narrativer", "narrative", "beskrivelse", "observation", "iagttagelse",
                "fortælling", "notat", "indhold")
GROUP_COLUMNS = ("group", "gruppe", "stue", "afdeling")
DATE_COLUMNS = ("date", "dato")
AUTHOR_COLUMNS = ("author", "forfatter", "skrevet af", "pædagog", "medarbejder")
NEUTRAL_PERSON = "narrativ"
MAX_CELLS = 500_000


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    delimiter: str = ","
    encoding: str = "utf-8"


def _sniff(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        first = text.split("\n", 1)[0]
        return max(DELIMITERS, key=first.count) if first else ","


def read_csv(path: Path) -> Table:
    decoded = read_decoded(path)
    text = decoded.text
    if not text.strip():
        return Table([], [], ",", decoded.encoding)
    delimiter = _sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
        rows: list[list[str]] = []
        ragged: list[int] = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                ragged.append(reader.line_num)
            rows.append(row)
    except csv.Error as exc:
        raise NarrativError("E010", path=str(path), line=reader.line_num, detail=f"CSV-fejl ({exc})") from None
    if ragged:
        shown = ", ".join(str(n) for n in ragged[:10]) + (" …" if len(ragged) > 10 else "")
        raise NarrativError("E045", path=str(path), lines=shown, n=len(header))
    if len(header) * (len(rows) + 1) > MAX_CELLS:
        raise NarrativError("E046", path=str(path), max_cells=MAX_CELLS)
    return Table([h.strip() for h in header], rows, delimiter, decoded.encoding)


def write_csv(path: Path, table: Table) -> None:
    """UTF-8, with a BOM unless the input was plain UTF-8 (or ASCII): a Danish Excel opens a CSV
    without a BOM as Windows-1252, so a cp1252 input written back as bare UTF-8 would show "pÃ¦dagog"."""
    encoding = "utf-8" if table.encoding.lower().replace("_", "-") in ("utf-8", "utf8", "ascii") else "utf-8-sig"

    def write(p: Path) -> None:
        with p.open("w", encoding=encoding, newline="") as fh:
            w = csv.writer(fh, delimiter=table.delimiter)
            w.writerow(table.header)
            w.writerows(table.rows)

    atomic_write(path, write)


def find_column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def text_column(header: list[str], path: Path, column: str | None = None) -> int:
    """The index of the text column: ``column`` if given, else the first known text-column name."""
    if column:
        lowered = [h.strip().lower() for h in header]
        if column.strip().lower() not in lowered:
            raise NarrativError("E040", column=column, path=str(path), columns=", ".join(header))
        return lowered.index(column.strip().lower())
    found = find_column(header, TEXT_COLUMNS)
    if found is None:
        raise NarrativError("E048", path=str(path), columns=", ".join(header), known=", ".join(TEXT_COLUMNS[:6]))
    return found


def _rows_to_narratives(path: Path, table: Table, column: str | None, first_row: int) -> list[RawNarrative]:
    ti = text_column(table.header, path, column)
    gi, di, ai = (find_column(table.header, names) for names in (GROUP_COLUMNS, DATE_COLUMNS, AUTHOR_COLUMNS))

    def cell(row: list[str], i: int | None) -> str | None:
        if i is None or i >= len(row):
            return None
        value = str(row[i]).strip() if row[i] is not None else ""
        return value or None

    return [RawNarrative(cell(row, ti) or "", f"{path.name}:{n}", cell(row, gi), cell(row, di), cell(row, ai))
            for n, row in enumerate(table.rows, start=first_row)]


def read_narratives_csv(path: Path, column: str | None = None) -> list[RawNarrative]:
    return _rows_to_narratives(path, read_csv(path), column, first_row=2)


def open_csv_for_anonymise(path: Path, keep: frozenset[str] = frozenset()) -> Segmented:
    table = read_csv(path)
    keep_lower = {k.strip().lower() for k in keep}
    kept_cols = {i for i, h in enumerate(table.header) if h.strip().lower() in keep_lower}
    cells: list[tuple[int, int]] = []  # (row, col); row -1 is the header
    places: list[str] = []
    for j, h in enumerate(table.header):
        if j not in kept_cols:
            cells.append((-1, j))
            places.append(f"overskrift {j + 1}")
    for i, row in enumerate(table.rows):
        for j, value in enumerate(row):
            if j not in kept_cols and value.strip():
                cells.append((i, j))
                places.append(f"række {i + 2}, kolonne {j + 1}")

    def get(r: int, c: int) -> str:
        return table.header[c] if r < 0 else table.rows[r][c]

    def write(dst: Path, new: list[str]) -> None:
        out = Table(list(table.header), [list(r) for r in table.rows], table.delimiter, table.encoding)
        for (r, c), value in zip(cells, new):
            if r < 0:
                out.header[c] = value
            else:
                out.rows[r][c] = value
        write_csv(dst, out)

    return Segmented(path, "csv", [get(r, c) for r, c in cells], write, places, table.encoding)


# ---------------------------------------------------------------- xlsx


def _load_xlsx(path: Path):
    import zipfile

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as z:
            unpacked = sum(i.file_size for i in z.infolist())
            if unpacked > 100 * 1024 * 1024 or len(z.infolist()) > 2000:
                raise NarrativError("E046", path=str(path), max_cells=MAX_CELLS)
        return load_workbook(path, data_only=False)
    except NarrativError:
        raise
    except Exception as exc:  # zipfile.BadZipFile, KeyError, lxml errors
        raise NarrativError("E049", path=str(path)) from exc


def read_narratives_xlsx(path: Path, column: str | None = None) -> list[RawNarrative]:
    wb = _load_xlsx(path)
    ws = wb.worksheets[0]
    values = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
    values = [r for r in values if any(c.strip() for c in r)]
    if not values:
        return []
    return _rows_to_narratives(path, Table(values[0], values[1:]), column, first_row=2)


def open_xlsx_for_anonymise(path: Path, keep: frozenset[str] = frozenset()) -> Segmented:
    wb = _load_xlsx(path)
    keep_lower = {k.strip().lower() for k in keep}
    refs: list[tuple] = []
    segments: list[str] = []
    places: list[str] = []
    for ws in wb.worksheets:
        refs.append(("title", ws))
        segments.append(ws.title)
        places.append("arknavn")
        header = [str(c.value).strip().lower() if c.value is not None else "" for c in next(ws.iter_rows(max_row=1), [])]
        kept_cols = {j for j, h in enumerate(header) if h in keep_lower}
        for row in ws.iter_rows():
            for cell in row:
                col = cell.column - 1
                if isinstance(cell.value, str) and cell.value.strip() and (cell.row == 1 or col not in kept_cols):
                    refs.append(("cell", cell))
                    segments.append(cell.value)
                    places.append(f"{ws.title}!{cell.coordinate}")
                elif isinstance(cell.value, int) and not isinstance(cell.value, bool) and abs(cell.value) >= 100_000 \
                        and col not in kept_cols:
                    refs.append(("number", cell))
                    segments.append(str(cell.value))
                    places.append(f"{ws.title}!{cell.coordinate}")
                if cell.comment is not None:
                    refs.append(("comment", cell))
                    segments.append(cell.comment.text or "")
                    places.append(f"kommentar {ws.title}!{cell.coordinate}")
    props = wb.properties
    for name in ("title", "subject", "description", "keywords", "category"):
        value = getattr(props, name, None)
        if isinstance(value, str) and value.strip():
            refs.append(("prop", name))
            segments.append(value)
            places.append(f"egenskab {name}")

    def write(dst: Path, new: list[str]) -> None:
        titles: set[str] = set()
        for ref, value in zip(refs, new):
            kind, obj = ref
            if kind == "title":
                title = (value.replace("[", "(").replace("]", ")").replace(":", " ").replace("/", " ")
                         .replace("\\", " ").replace("?", "").replace("*", ""))[:31] or "Ark"
                base, n = title, 2
                while title in titles:
                    title = f"{base[:28]} {n}"
                    n += 1
                titles.add(title)
                obj.title = title
            elif kind in ("cell", "number"):
                obj.value = value if kind == "cell" or value != str(obj.value) else obj.value
            elif kind == "comment":
                from openpyxl.comments import Comment

                obj.comment = Comment(value, NEUTRAL_PERSON)
            elif kind == "prop":
                setattr(props, obj, value)
        props.creator = NEUTRAL_PERSON
        props.lastModifiedBy = NEUTRAL_PERSON
        atomic_write(dst, lambda p: wb.save(p))

    return Segmented(path, "xlsx", segments, write, places)
