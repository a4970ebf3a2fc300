"""The leader's curriculum overview: the six læreplanstemaer per period, and the evaluation workbook.

Pure functions over a list of stored narratives (``StoredNarrative``; its ``curriculum`` field —
ids, or tags ``{"theme": id, ...}`` like ``themes`` — is read with a default; a narrative without
curriculum tags, e.g. stored before they existed, counts as "not tagged"). No narrative text is logged; the workbook
holds only the example narratives the leader picked, anonymised.

- ``curriculum_table``: per period (month ``2026-03`` or quarter ``2026-K1``) and læreplanstema:
  how many narratives document it, their mean resource share and whether it is thin (fewer than
  ``thin_below`` narratives in the period, none included);
- ``curriculum_summary``: per læreplanstema over the whole selection: narratives, share of the
  tagged narratives, mean resource share, trend (narratives per period, least-squares slope),
  thin periods;
- ``export_curriculum_workbook``: an Excel workbook for the curriculum evaluation: "Om rapporten",
  "Oversigt", then a sheet per læreplanstema (counts per period, trend, and below them the examples). Every text
  cell that a spreadsheet would read as a formula (starting with = + - @) gets a leading '.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from narrativ_nlp.errors import NarrativError

PERIODS = ("month", "quarter")
NO_DATE = "uden dato"
FORMULA_START = ("=", "+", "-", "@")

COLUMNS_DA = {
    "period": "periode", "theme": "læreplanstema", "label": "læreplanstema", "narratives": "narrativer",
    "share": "andel af narrativer med læreplanstema (%)", "mean_resource_share": "ressourceandel, gennemsnit (%)",
    "thin": "tyndt dokumenteret", "trend_per_period": "udvikling (narrativer pr. periode)",
    "thin_periods": "perioder med få narrativer", "first_period": "første periode", "last_period": "sidste periode",
}


def curriculum_ids_labels() -> list[tuple[str, str]]:
    from narrativ_nlp.resources import load_yaml

    return [(t["id"], t["label"]) for t in load_yaml("curriculum.yaml")["themes"]]


def _ids(value: Any) -> list[str]:
    """Curriculum ids from the stored field: a list of ids or of tags ``{"theme": id}``; None: []."""
    out = []
    for v in value or []:
        t = v.get("theme") if isinstance(v, dict) else v
        if isinstance(t, str) and t:
            out.append(t)
    return list(dict.fromkeys(out))


def period_of(date: str | None, period: str) -> str:
    """``2026-03`` (month) or ``2026-K1`` (quarter); ``uden dato`` when there is no valid date."""
    if period not in PERIODS:
        raise NarrativError("E114", period=period)
    try:
        d = dt.date.fromisoformat(str(date)[:10])
    except (TypeError, ValueError):
        return NO_DATE
    return f"{d.year}-{d.month:02d}" if period == "month" else f"{d.year}-K{(d.month - 1) // 3 + 1}"


def _periods_between(first: str, last: str, period: str) -> list[str]:
    """Every period from ``first`` to ``last`` (so a period without narratives shows as 0)."""
    def parse(p: str) -> tuple[int, int]:
        y, rest = p.split("-")
        return int(y), (int(rest) if period == "month" else int(rest[1:]))

    (y, k), end = parse(first), parse(last)
    per_year = 12 if period == "month" else 4
    out = []
    while (y, k) <= end:
        out.append(f"{y}-{k:02d}" if period == "month" else f"{y}-K{k}")
        y, k = (y + 1, 1) if k == per_year else (y, k + 1)
    return out


def curriculum_frame(narratives: Sequence[Any], period: str = "quarter") -> pd.DataFrame:
    """One row per narrative (no text): id, group, date, period, curriculum ids, resource share, tagged."""
    rows = []
    for n in narratives:
        cur = _ids(getattr(n, "curriculum", None))
        profile = getattr(n, "profile", None) or {}
        rows.append({"id": n.id, "group": n.group, "date": n.date, "period": period_of(n.date, period),
                     "curriculum": cur, "tagged": bool(cur),
                     "resource_share": profile.get("resource_share")})
    df = pd.DataFrame(rows, columns=["id", "group", "date", "period", "curriculum", "tagged", "resource_share"])
    df["resource_share"] = pd.to_numeric(df["resource_share"], errors="coerce")
    return df


def curriculum_table(narratives: Sequence[Any], period: str = "quarter", thin_below: int = 3) -> pd.DataFrame:
    """Per period × læreplanstema: narratives documenting it, mean resource share, thin (< ``thin_below``).

    Periods run without gaps from the first to the last dated period; narratives without a date
    form the period "uden dato" at the end.
    """
    df = curriculum_frame(narratives, period)
    themes = curriculum_ids_labels()
    dated = sorted(p for p in set(df["period"]) if p != NO_DATE)
    periods = _periods_between(dated[0], dated[-1], period) if dated else []
    if (df["period"] == NO_DATE).any():
        periods.append(NO_DATE)
    rows = []
    for p in periods:
        in_period = df[df["period"] == p]
        for tid, label in themes:
            docs = in_period[in_period["curriculum"].map(lambda c, t=tid: t in c).astype(bool)]
            share = docs["resource_share"].dropna()
            rows.append({"period": p, "theme": tid, "label": label, "narratives": int(len(docs)),
                         "mean_resource_share": round(float(share.mean()), 1) if len(share) else np.nan,
                         "thin": bool(len(docs) < thin_below)})
    return pd.DataFrame(rows, columns=["period", "theme", "label", "narratives", "mean_resource_share", "thin"])


def _slope(counts: Sequence[float]) -> float:
    if len(counts) < 2:
        return 0.0
    x = np.arange(len(counts), dtype=float)
    return round(float(np.polyfit(x, np.asarray(counts, dtype=float), 1)[0]), 2)


def curriculum_summary(narratives: Sequence[Any], period: str = "quarter", thin_below: int = 3) -> pd.DataFrame:
    """Per læreplanstema: narratives, share of the tagged narratives (%), mean resource share, trend, thin periods."""
    df = curriculum_frame(narratives, period)
    table = curriculum_table(narratives, period, thin_below)
    tagged = df[df["tagged"]]
    rows = []
    for tid, label in curriculum_ids_labels():
        docs = tagged[tagged["curriculum"].map(lambda c, t=tid: t in c).astype(bool)]
        share = docs["resource_share"].dropna()
        per = table[(table["theme"] == tid) & (table["period"] != NO_DATE)]
        rows.append({
            "theme": tid, "label": label, "narratives": int(len(docs)),
            "share": round(100 * len(docs) / len(tagged), 1) if len(tagged) else np.nan,
            "mean_resource_share": round(float(share.mean()), 1) if len(share) else np.nan,
            "trend_per_period": _slope(per["narratives"].tolist()),
            "thin_periods": ", ".join(per.loc[per["thin"], "period"]),
        })
    return pd.DataFrame(rows, columns=["theme", "label", "narratives", "share", "mean_resource_share",
                                       "trend_per_period", "thin_periods"])


def thin_themes(narratives: Sequence[Any], period: str = "quarter", thin_below: int = 3) -> dict[str, list[str]]:
    """Per period: the læreplanstemaer with fewer than ``thin_below`` narratives (none included)."""
    table = curriculum_table(narratives, period, thin_below)
    return {p: g.loc[g["thin"], "theme"].tolist() for p, g in table.groupby("period", sort=False)}


def neutralise(value: Any) -> Any:
    """A text a spreadsheet would read as a formula (= + - @ first) gets a leading apostrophe."""
    if isinstance(value, str) and value.lstrip().startswith(FORMULA_START):
        return "'" + value
    return value


def _neutral_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(neutralise).astype(object)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def _anonymised_text(n: Any) -> str:
    """The stored text when it is anonymised, else anonymised now (placeholders), never the raw text."""
    if getattr(n, "anonymised", False):
        return n.text
    from narrativ_nlp.anonymise import anonymise_text

    return anonymise_text(n.text).text


@dataclass(frozen=True)
class _Sheet:
    name: str
    blocks: tuple[pd.DataFrame, ...]  # written one below the other, a blank row between


def curriculum_workbook_sheets(narratives: Sequence[Any], examples: dict[str, Sequence[int]] | None = None,
                               period: str = "quarter", thin_below: int = 3,
                               title: str = "Evaluering af den pædagogiske læreplan") -> list[_Sheet]:
    """The workbook's sheets as frames (Danish headers, formulas neutralised); see ``export_curriculum_workbook``."""
    examples = examples or {}
    known = dict(curriculum_ids_labels())
    for tid in examples:
        if tid not in known:
            raise NarrativError("E115", id=tid, known=", ".join(known))
    by_id = {n.id: n for n in narratives}
    for ids in examples.values():
        for i in ids:
            if i not in by_id:
                raise NarrativError("E116", id=i)
    df = curriculum_frame(narratives, period)
    table = curriculum_table(narratives, period, thin_below)
    summary = curriculum_summary(narratives, period, thin_below)
    dated = df.loc[df["period"] != NO_DATE, "date"].dropna().astype(str).sort_values()
    about = pd.DataFrame([
        ("Rapport", title),
        ("Narrativer i udvalget", len(df)),
        ("Heraf med læreplanstemaer", int(df["tagged"].sum())),
        ("Periode", f"{dated.iloc[0][:10]} – {dated.iloc[-1][:10]}" if len(dated) else "ingen datoer"),
        ("Periodeinddeling", "måned" if period == "month" else "kvartal"),
        ("Tyndt dokumenteret", f"færre end {thin_below} narrativer i perioden"),
        ("Ressourceandel", "gennemsnit af narrativernes andel af sætninger med ressourcesprog"),
        ("Udvikling", "hældning: ændring i antal narrativer pr. periode (mindste kvadraters metode)"),
        ("Eksempler", "de narrativer, lederen har valgt; anonymiserede"),
    ], columns=["Felt", "Værdi"])
    sheets = [_Sheet("Om rapporten", (about,)),
              _Sheet("Oversigt", (summary.drop(columns=["theme"]).rename(columns=COLUMNS_DA),))]
    for tid, label in curriculum_ids_labels():
        counts = table[table["theme"] == tid][["period", "narratives", "mean_resource_share", "thin"]].copy()
        counts["thin"] = counts["thin"].map({True: "ja", False: "nej"})
        row = summary[summary["theme"] == tid].iloc[0]
        trend = pd.DataFrame([{"period": "udvikling", "narratives": row["trend_per_period"],
                               "mean_resource_share": np.nan, "thin": ""}])
        counts = pd.concat([counts, trend], ignore_index=True).rename(columns=COLUMNS_DA)
        ex = [by_id[i] for i in examples.get(tid, [])]
        ex_frame = pd.DataFrame([{"eksempel (id)": n.id, "gruppe": n.group, "dato": n.date,
                                  "tekst (anonymiseret)": _anonymised_text(n)} for n in ex],
                                columns=["eksempel (id)", "gruppe", "dato", "tekst (anonymiseret)"])
        sheets.append(_Sheet(label[:31], (counts, ex_frame)))
    return [_Sheet(s.name, tuple(_neutral_frame(b) for b in s.blocks)) for s in sheets]


def export_curriculum_workbook(narratives: Sequence[Any], path: str | Path, examples: dict[str, Sequence[int]] | None = None,
                               period: str = "quarter", thin_below: int = 3) -> Path:
    """Write the curriculum evaluation workbook (``.xlsx``), atomically.

    ``examples``: per læreplanstema id, the stored ids of the narratives the leader picked as
    examples (shown anonymised). Sheets: "Om rapporten", "Oversigt", and per læreplanstema one
    sheet: its counts per period with the trend, and below them its examples.
    """
    from openpyxl.utils import get_column_letter

    from narrativ_nlp.textio import atomic_write

    sheets = curriculum_workbook_sheets(narratives, examples, period, thin_below)

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            for s in sheets:
                row = 0
                for block in s.blocks:
                    block.to_excel(xw, sheet_name=s.name, index=False, startrow=row)
                    row += len(block) + 2
            for ws in xw.book.worksheets:
                for k, col in enumerate(ws.iter_cols(min_row=1, max_row=min(ws.max_row, 200)), start=1):
                    width = max((len(str(c.value)) for c in col if c.value is not None), default=8)
                    ws.column_dimensions[get_column_letter(k)].width = min(80, max(8, width + 2))
                ws.freeze_panes = "A2"

    return atomic_write(Path(path), write)
