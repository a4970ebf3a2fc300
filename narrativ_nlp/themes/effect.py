"""The effect view: resource share and deficit categories before and after a date, per group.

A leader or trainer picks a date (e.g. the start of a learning programme). For each group, and for
all groups together, the narratives dated before the date are compared with those dated on or
after it:

- ``resource``: narratives before/after (with a resource share), the mean resource share (%)
  before and after, the difference (after − before) and its 95 % bootstrap interval;
- ``deficit``: per deficit category of ``framing_categories.yaml``, the share (%) of narratives
  with at least one sentence of that category, before and after, the difference and its interval.

The interval resamples the narratives before and the narratives after independently, with
replacement (percentile bootstrap, ``n_resamples`` = 2000, fixed seed), so it says how sure the
difference is given how many narratives there are; it is not a causal effect. There are no figures
per writer: ``author`` restricts the view to one writer's own narratives, for that writer, on request.
Narratives without a date are left out (counted in ``undated``). Pure functions, no text is read
beyond the stored profiles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from narrativ_nlp.errors import NarrativError

ALL_GROUPS = "alle grupper"
N_RESAMPLES = 2000
SEED = 0

COLUMNS_DA = {
    "group": "gruppe", "category": "kategori", "label": "kategori", "n_before": "narrativer før",
    "n_after": "narrativer efter", "before": "før (%)", "after": "efter (%)", "difference": "forskel (procentpoint)",
    "ci_low": "95 %-interval, fra", "ci_high": "95 %-interval, til",
}


@dataclass
class EffectView:
    date: str
    resource: pd.DataFrame
    deficit: pd.DataFrame
    undated: int = 0
    author: str | None = None
    notes: list[str] = field(default_factory=list)


def _parse(date: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(date)[:10])
    except ValueError as exc:
        raise NarrativError("E060", value=date) from exc


def bootstrap_difference(before: Sequence[float], after: Sequence[float], n_resamples: int = N_RESAMPLES,
                         seed: int = SEED) -> tuple[float, float] | None:
    """95 % percentile interval of mean(after) − mean(before); ``None`` with fewer than 2 on a side."""
    a, b = np.asarray(after, dtype=float), np.asarray(before, dtype=float)
    if len(a) < 2 or len(b) < 2:
        return None
    rng = np.random.default_rng(seed)
    ia = rng.integers(0, len(a), size=(n_resamples, len(a)))
    ib = rng.integers(0, len(b), size=(n_resamples, len(b)))
    diffs = a[ia].mean(axis=1) - b[ib].mean(axis=1)
    lo, hi = np.percentile(diffs, [2.5, 97.5])
    return round(float(lo), 1), round(float(hi), 1)


def _deficit_categories() -> list[tuple[str, str]]:
    from narrativ_nlp.resources import framing_categories

    return [(k, v.get("label", k)) for k, v in framing_categories()["deficit"].items()]


def _row(values_before: list[float], values_after: list[float], n_resamples: int, seed: int) -> dict[str, Any]:
    before = round(float(np.mean(values_before)), 1) if values_before else np.nan
    after = round(float(np.mean(values_after)), 1) if values_after else np.nan
    ci = bootstrap_difference(values_before, values_after, n_resamples, seed)
    return {"n_before": len(values_before), "n_after": len(values_after), "before": before, "after": after,
            "difference": round(after - before, 1) if values_before and values_after else np.nan,
            "ci_low": ci[0] if ci else np.nan, "ci_high": ci[1] if ci else np.nan}


def effect_view(narratives: Sequence[Any], date: str, author: str | None = None,
                n_resamples: int = N_RESAMPLES, seed: int = SEED) -> EffectView:
    """Before/after ``date`` per group (and all groups); ``author``: only that writer's own narratives."""
    cut = _parse(date)
    chosen = [n for n in narratives if author is None or n.author == author]
    dated, undated = [], 0
    for n in chosen:
        try:
            dated.append((n, dt.date.fromisoformat(str(n.date)[:10]) >= cut))
        except (TypeError, ValueError):
            undated += 1
    groups = sorted({n.group for n, _ in dated})
    cats = _deficit_categories()
    res_rows, def_rows = [], []
    for group in groups + [ALL_GROUPS]:
        items = [(n, after) for n, after in dated if group == ALL_GROUPS or n.group == group]
        shares = {False: [], True: []}
        has: dict[str, dict[bool, list[float]]] = {c: {False: [], True: []} for c, _ in cats}
        for n, after in items:
            p = n.profile or {}
            if p.get("resource_share") is not None:
                shares[after].append(float(p["resource_share"]))
            if p:
                found = p.get("categories") or {}
                for c, _ in cats:
                    has[c][after].append(100.0 if found.get(c, 0) > 0 else 0.0)
        res_rows.append({"group": group, **_row(shares[False], shares[True], n_resamples, seed)})
        for c, label in cats:
            def_rows.append({"group": group, "category": c, "label": label,
                             **_row(has[c][False], has[c][True], n_resamples, seed)})
    notes = [f"Sammenligning før og efter {cut.isoformat()}: narrativer dateret fra og med datoen tæller som «efter». "
             "Intervallet viser usikkerheden ved det antal narrativer, der er; det viser ikke, hvad der er årsag til en forskel."]
    if undated:
        notes.append(f"{undated} narrativ(er) uden dato er ikke med.")
    if any(r["n_before"] < 2 or r["n_after"] < 2 for r in res_rows):
        notes.append("Hvor der er færre end 2 narrativer med ressourceandel før eller efter, vises intet interval.")
    if author is not None:
        notes.append("Kun dine egne narrativer.")
    resource = pd.DataFrame(res_rows, columns=["group", "n_before", "n_after", "before", "after", "difference",
                                               "ci_low", "ci_high"])
    deficit = pd.DataFrame(def_rows, columns=["group", "category", "label", "n_before", "n_after", "before", "after",
                                              "difference", "ci_low", "ci_high"])
    return EffectView(cut.isoformat(), resource, deficit, undated, author, notes)


def danish(df: pd.DataFrame) -> pd.DataFrame:
    """The table with Danish column names (for the app and exports)."""
    out = df.drop(columns=[c for c in ("category",) if c in df.columns and "label" in df.columns])
    return out.rename(columns=COLUMNS_DA)
