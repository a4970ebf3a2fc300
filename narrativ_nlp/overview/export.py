"""Exports of the overview: Excel (a sheet per table, plus the charts), CSV (a zip or a file per table)
and the codebook as REFI-QDA ``.qdc``. Every export refuses an existing file (E043) unless
``force=True``; no exported cell is a live formula."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pandas as pd

from narrativ_nlp.io.tabular_safe import neutralise_frame, neutralise_worksheet
from narrativ_nlp.overview.charts import chart_pngs
from narrativ_nlp.overview.tables import COLUMNS_DA, TABLES, Overview
from narrativ_nlp.textio import atomic_write, refuse_existing
from narrativ_nlp.themes.codebook import ThemeCodebook


def about_table(ov: Overview) -> pd.DataFrame:
    rows = [
        ("Gruppe", ov.group or "alle grupper"),
        ("Fra", ov.since or "–"), ("Til", ov.until or "–"),
        ("Narrativer", ov.n_narratives),
        ("Lavet", dt.datetime.now().strftime("%Y-%m-%d %H:%M")),
        ("Ressourceandel", ("ressourcesprog i % af sætninger med mangel- eller ressourcesprog; "
                            "gennemsnit over narrativer og sætningsvægtet (alle sætninger lagt sammen)")),
    ] + [("Bemærkning", n) for n in ov.notes]
    return pd.DataFrame(rows, columns=["Felt", "Værdi"])


def _danish(df: pd.DataFrame) -> pd.DataFrame:
    return df.rename(columns=lambda c: COLUMNS_DA.get(c, c))


def export_excel(ov: Overview, path: str | Path, charts: bool = True, force: bool = False) -> Path:
    """One sheet per table (Danish names), "Om rapporten" first and the charts last.

    No cell is a formula (a text such as "=HYPERLINK(…)" is written as text); an existing
    ``path`` raises E043 unless ``force``.
    """
    from openpyxl.utils import get_column_letter

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            about_table(ov).to_excel(xw, sheet_name="Om rapporten", index=False)
            for key, sheet in TABLES.items():
                _danish(ov.tables[key]).to_excel(xw, sheet_name=sheet, index=False)
            for ws in xw.book.worksheets:
                neutralise_worksheet(ws)
                for k, col in enumerate(ws.iter_cols(min_row=1, max_row=min(ws.max_row, 200)), start=1):
                    width = max((len(str(c.value)) for c in col if c.value is not None), default=8)
                    ws.column_dimensions[get_column_letter(k)].width = min(60, max(8, width + 2))
                ws.freeze_panes = "A2"
            if charts:
                from openpyxl.drawing.image import Image

                ws = xw.book.create_sheet("Diagrammer")
                row = 1
                for png in chart_pngs(ov, dpi=90).values():  # (drawn once per content: charts.chart_pngs)
                    ws.add_image(Image(io.BytesIO(png)), f"A{row}")
                    row += 25

    return atomic_write(Path(path), write, overwrite=force)


def _csv_bytes(df: pd.DataFrame) -> bytes:
    # formula-like cells get a leading ' (OWASP); the BOM: Excel reads æøå right
    return neutralise_frame(_danish(df)).to_csv(index=False).encode("utf-8-sig")


def export_csv(ov: Overview, path: str | Path, force: bool = False) -> list[Path]:
    """``x.zip``: one zip of CSV files; ``x.csv``: ``x_<tabel>.csv`` per table; a folder: ``<tabel>.csv``.

    Formula-like cells get a leading '; an existing target raises E043 (before any file is
    written) unless ``force``.
    """
    path = Path(path)
    stems = {"om_rapporten": about_table(ov), **{k: ov.tables[k] for k in TABLES}}
    if path.suffix.lower() == ".zip":
        def write(tmp: Path) -> None:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for stem, df in stems.items():
                    zf.writestr(f"{stem}.csv", _csv_bytes(df))

        return [atomic_write(path, write, overwrite=force)]
    if path.suffix.lower() == ".csv":
        targets = {stem: path.with_name(f"{path.stem}_{stem}.csv") for stem in stems}
    else:
        targets = {stem: path / f"{stem}.csv" for stem in stems}
    if not force:
        refuse_existing(list(targets.values()))
    return [atomic_write(t, lambda p, df=stems[s]: p.write_bytes(_csv_bytes(df)), overwrite=force)
            for s, t in targets.items()]


def export_qdc(codebook: ThemeCodebook, path: str | Path, force: bool = False) -> Path:
    """The codebook as REFI-QDA ``.qdc`` (for NVivo, ATLAS.ti, MAXQDA); E043 for an existing file unless ``force``."""
    text = codebook.to_qdc()
    return atomic_write(Path(path), lambda p: p.write_text(text, encoding="utf-8"), overwrite=force)


def export(ov: Overview, path: str | Path, force: bool = False) -> list[Path]:
    """By the file name: ``.xlsx`` → Excel; ``.csv``, ``.zip`` or a folder → CSV (E043 for existing files
    unless ``force``)."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return [export_excel(ov, path, force=force)]
    if path.suffix.lower() in (".csv", ".zip") or not path.suffix:
        return export_csv(ov, path, force=force)
    raise ValueError(f"unknown report type {path.suffix!r}: use .xlsx, .csv or .zip")
