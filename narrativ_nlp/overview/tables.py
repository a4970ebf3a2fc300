"""The leader's overview: tables, charts and exports from the narrative store.

``build_overview(store, group, since, until)`` reads the stored (anonymised)
narratives with their themes and framing profiles and returns an ``Overview``
with pandas DataFrames:

* ``per_theme``: narratives per theme, by first theme and by any theme;
* ``per_group_month``: narratives per group and month;
* ``themes_per_month``: narratives per month (rows) and theme (columns, any theme);
* ``theme_group_month``: the long table theme × group × month (first and any theme);
* ``resource_per_theme`` and ``resource_per_month``: the resource share — the mean
  of the narratives' ``resource_share`` (where not None) and the sentence-weighted
  share 100 · Σ resource sentences / Σ (deficit + resource sentences);
* ``cooccurrence``: how often two themes are given to the same narrative (the
  diagonal is the number of narratives with the theme);
* ``clusters``: theme discovery (TF-IDF + NMF) when asked for, at least 4 narratives;
* ``narratives``: one row per narrative (id, group, date, author code, themes,
  share) — never the text.

Months are ``ÅÅÅÅ-MM``; a narrative without a date is counted under "uden dato"
and left out of the charts over time. An empty selection gives empty tables
and a Danish note. Exports: Excel (one sheet per table, plus the charts), CSV
(a zip, or one file per table) and the codebook as REFI-QDA ``.qdc``. Every export
refuses an existing file (E043) unless ``force=True``, and no exported cell is a
live formula (``narrativ_nlp.io.tabular_safe``: a group name "=HYPERLINK(…)" is
text in Excel and gets a leading ' in CSV).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from narrativ_nlp.store import NarrativeStore, StoredNarrative, parse_date
from narrativ_nlp.themes.codebook import ThemeCodebook

NO_DATE = "uden dato"

#: table key → Excel sheet name (≤ 31 characters) and CSV file stem, in report order
TABLES: dict[str, str] = {
    "per_theme": "Temaer",
    "per_group_month": "Grupper pr. måned",
    "themes_per_month": "Temaer pr. måned",
    "theme_group_month": "Temaer, grupper og måneder",
    "resource_per_theme": "Ressourceandel pr. tema",
    "resource_per_month": "Ressourceandel pr. måned",
    "cooccurrence": "Temaer sammen",
    "clusters": "Temafund",
    "narratives": "Narrativer",
}
#: column → Danish heading in the exports
COLUMNS_DA: dict[str, str] = {
    "theme": "tema-id", "label": "tema", "first_theme": "som første tema", "any_theme": "som et af temaerne",
    "share_any": "andel af narrativer (%)", "group": "gruppe", "month": "måned", "narratives": "narrativer",
    "with_profile": "med ressourceandel", "mean_resource_share": "ressourceandel, gennemsnit (%)",
    "sentence_weighted_share": "ressourceandel, sætningsvægtet (%)", "deficit_sentences": "sætninger med mangelsprog",
    "resource_sentences": "sætninger med ressourcesprog", "cluster": "gruppe nr.", "size": "narrativer i gruppen",
    "top_terms": "typiske ord", "typical_ids": "typiske narrativer (id)", "id": "id", "date": "dato",
    "author": "forfatter", "themes": "temaer", "resource_share": "ressourceandel (%)", "sentences": "sætninger",
}


@dataclass
class Overview:
    group: str | None
    since: str | None
    until: str | None
    n_narratives: int
    tables: dict[str, pd.DataFrame]
    notes: list[str] = field(default_factory=list)
    codebook: ThemeCodebook | None = None

    @property
    def is_empty(self) -> bool:
        return self.n_narratives == 0

    @property
    def message(self) -> str | None:
        """The first note (e.g. why the overview is empty), or None."""
        return self.notes[0] if self.notes else None

    def __getitem__(self, key: str) -> pd.DataFrame:
        return self.tables[key]


# ---------------------------------------------------------------- helpers


def _period(since: str | None, until: str | None) -> str:
    if since and until:
        return f" i perioden {since} til {until}"
    if since:
        return f" fra {since}"
    if until:
        return f" til og med {until}"
    return ""


def empty_message(store: NarrativeStore, group: str | None, since: str | None, until: str | None) -> str:
    """Why a selection holds no narratives, in Danish."""
    period = _period(since, until)
    if group and group not in store.groups():
        known = store.groups()
        hint = f" Kendte grupper: {', '.join(known)}." if known else " Databasen har endnu ingen grupper."
        return f"Gruppen «{group}» findes ikke i databasen.{hint}"
    if group:
        return f"Gruppen «{group}» har ingen narrativer{period}. Importér narrativer med: narrativ import FIL --group \"{group}\""
    return f"Der er ingen narrativer i databasen{period}."


def _month(date: str | None) -> str:
    return date[:7] if date else NO_DATE


def _theme_order(codebook: ThemeCodebook, narratives: list[StoredNarrative]) -> tuple[list[str], dict[str, str]]:
    """Codebook themes first, then themes found only in the stored tags; and their labels."""
    ids = list(codebook.ids)
    labels = {t.id: t.label for t in codebook.themes}
    for n in narratives:
        for t in n.themes:
            if t.get("theme") and t["theme"] not in labels:
                ids.append(t["theme"])
                labels[t["theme"]] = t.get("label") or t["theme"]
    return ids, labels


def narratives_frame(narratives: list[StoredNarrative]) -> pd.DataFrame:
    """One row per narrative, without its text."""
    rows = []
    for n in narratives:
        p = n.profile or {}
        themes = [t["theme"] for t in n.themes if t.get("theme")]
        rows.append({
            "id": n.id, "group": n.group, "date": n.date, "month": _month(n.date), "author": n.author,
            "first_theme": themes[0] if themes else None, "themes": themes,
            "sentences": p.get("n_sentences"), "deficit_sentences": p.get("n_deficit_sentences"),
            "resource_sentences": p.get("n_resource_sentences"), "resource_share": p.get("resource_share"),
        })
    cols = ["id", "group", "date", "month", "author", "first_theme", "themes", "sentences", "deficit_sentences",
            "resource_sentences", "resource_share"]
    df = pd.DataFrame(rows, columns=cols)
    for c in ("sentences", "deficit_sentences", "resource_sentences", "resource_share"):
        df[c] = pd.to_numeric(df[c], errors="coerce")
    return df


def _months_sorted(months: list[str], fill: bool = True) -> list[str]:
    dated = sorted(m for m in set(months) if m != NO_DATE)
    if fill and dated:
        dated = [str(p) for p in pd.period_range(dated[0], dated[-1], freq="M")]
    return dated + ([NO_DATE] if NO_DATE in months else [])


def _share_stats(df: pd.DataFrame) -> dict[str, Any]:
    shares = df["resource_share"].dropna()
    d = df["deficit_sentences"].fillna(0).sum()
    r = df["resource_sentences"].fillna(0).sum()
    return {
        "narratives": len(df),
        "with_profile": len(shares),
        "mean_resource_share": round(float(shares.mean()), 1) if len(shares) else np.nan,
        "sentence_weighted_share": round(float(100 * r / (d + r)), 1) if d + r else np.nan,
        "deficit_sentences": int(d),
        "resource_sentences": int(r),
    }


SHARE_COLS = ["narratives", "with_profile", "mean_resource_share", "sentence_weighted_share", "deficit_sentences",
              "resource_sentences"]


def _share_stats_by(df: pd.DataFrame, rows: list[int], keys: list[Any], order: list[Any]) -> list[dict[str, Any]]:
    """``_share_stats`` of the rows of ``df`` (positions ``rows``) that have each key of ``order``, in one pass
    (``rows``/``keys``: one pair per row and key; a row may have several keys). Same figures as calling
    ``_share_stats`` on each subset; a key without rows gets the figures of an empty table."""
    share = df["resource_share"].to_numpy(dtype=float)
    dsent = df["deficit_sentences"].fillna(0).to_numpy(dtype=float)
    rsent = df["resource_sentences"].fillna(0).to_numpy(dtype=float)
    at: dict[Any, list[int]] = {}
    for row, key in zip(rows, keys):
        at.setdefault(key, []).append(row)
    out = []
    for key in order:
        idx = at.get(key, [])
        shares = share[idx]
        shares = shares[~np.isnan(shares)]
        d, r = float(dsent[idx].sum()), float(rsent[idx].sum())
        out.append({
            "narratives": len(idx),
            "with_profile": len(shares),
            "mean_resource_share": round(float(pd.Series(shares).mean()), 1) if len(shares) else np.nan,
            "sentence_weighted_share": round(float(100 * r / (d + r)), 1) if d + r else np.nan,
            "deficit_sentences": int(d),
            "resource_sentences": int(r),
        })
    return out


# ---------------------------------------------------------------- tables


def per_theme(df: pd.DataFrame, ids: list[str], labels: dict[str, str]) -> pd.DataFrame:
    first = df["first_theme"].value_counts()
    anyc = pd.Series([t for ts in df["themes"] for t in dict.fromkeys(ts)], dtype=object).value_counts()
    n = len(df)
    out = pd.DataFrame({
        "theme": ids, "label": [labels[i] for i in ids],
        "first_theme": [int(first.get(i, 0)) for i in ids], "any_theme": [int(anyc.get(i, 0)) for i in ids],
    })
    out["share_any"] = (100 * out["any_theme"] / n).round(1) if n else np.nan
    return out


def per_group_month(df: pd.DataFrame) -> pd.DataFrame:
    if df.empty:
        return pd.DataFrame(columns=["group", "month", "narratives"])
    out = df.groupby(["group", "month"]).size().rename("narratives").reset_index()
    order = {m: i for i, m in enumerate(_months_sorted(list(out["month"]), fill=False))}
    out["_o"] = out["month"].map(order)
    return out.sort_values(["group", "_o"]).drop(columns="_o").reset_index(drop=True)


def _exploded(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (narrative, theme) with a flag for the first theme."""
    rows = [] if df.empty else [
        (id_, group, month, t, k == 0)
        for id_, group, month, themes in zip(df["id"], df["group"], df["month"], df["themes"])
        for k, t in enumerate(dict.fromkeys(themes))]
    return pd.DataFrame(rows, columns=["id", "group", "month", "theme", "is_first"])


def themes_per_month(df: pd.DataFrame, ids: list[str], labels: dict[str, str],
                     ex: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows: months (gaps filled, "uden dato" last); columns: theme labels; cells: narratives (any theme).
    ``ex``: ``_exploded(df)`` when the caller has it already."""
    months = _months_sorted(list(df["month"])) if not df.empty else []
    ex = _exploded(df) if ex is None else ex
    if ex.empty:
        table = pd.DataFrame(0, index=months, columns=ids, dtype=int)
    else:  # (a crosstab, counted by groupby: the same table in a third of the time)
        table = (ex.groupby(["month", "theme"]).size().unstack(fill_value=0)
                 .reindex(index=months, columns=ids, fill_value=0).astype(int))
    table.columns = [labels[i] for i in ids]
    table.index.name = "month"
    return table.reset_index()


def theme_group_month(df: pd.DataFrame, labels: dict[str, str], ex: pd.DataFrame | None = None) -> pd.DataFrame:
    ex = _exploded(df) if ex is None else ex
    cols = ["group", "month", "theme", "label", "first_theme", "any_theme"]
    if ex.empty:
        return pd.DataFrame(columns=cols)
    by = ex.groupby(["group", "month", "theme"])
    out = pd.DataFrame({"first_theme": by["is_first"].sum(), "any_theme": by.size()}).reset_index()
    out["label"] = out["theme"].map(labels)
    out["first_theme"] = out["first_theme"].astype(int)
    return out[cols].sort_values(["group", "month", "theme"]).reset_index(drop=True)


def resource_per_theme(df: pd.DataFrame, ids: list[str], labels: dict[str, str]) -> pd.DataFrame:
    """The resource share of the narratives that have the theme (any of their themes)."""
    pairs = [] if df.empty else [(k, t) for k, ts in enumerate(df["themes"]) for t in dict.fromkeys(ts)]
    stats = _share_stats_by(df, [k for k, _ in pairs], [t for _, t in pairs], ids) if not df.empty else []
    rows = [{"theme": i, "label": labels[i], **(stats[j] if stats else _share_stats(df))} for j, i in enumerate(ids)]
    return pd.DataFrame(rows, columns=["theme", "label", *SHARE_COLS])


def resource_per_month(df: pd.DataFrame) -> pd.DataFrame:
    months = _months_sorted(list(df["month"])) if not df.empty else []
    stats = _share_stats_by(df, list(range(len(df))), list(df["month"]), months) if months else []
    rows = [{"month": m, **st} for m, st in zip(months, stats)]
    return pd.DataFrame(rows, columns=["month", *SHARE_COLS])


def cooccurrence(df: pd.DataFrame, ids: list[str], labels: dict[str, str]) -> pd.DataFrame:
    """Theme × theme: narratives that have both themes; the diagonal: narratives with the theme."""
    pos = {t: k for k, t in enumerate(ids)}
    m = np.zeros((len(df), len(ids)), dtype=np.int64)
    for r, ts in enumerate(df["themes"]):
        for t in ts:
            m[r, pos[t]] = 1
    c = m.T @ m
    names = [labels[i] for i in ids]
    out = pd.DataFrame(c, index=names, columns=names)
    out.index.name = "label"
    return out.reset_index()


#: the columns of the clusters table
CLUSTER_COLUMNS = ["cluster", "size", "top_terms", "typical_ids"]


def clusters_table(found: Any, ids: list[int]) -> pd.DataFrame:
    rows = [{"cluster": c.id + 1, "size": c.size, "top_terms": ", ".join(c.top_terms),
             "typical_ids": ", ".join(str(ids[i]) for i in c.typical)} for c in found.clusters]
    return pd.DataFrame(rows, columns=CLUSTER_COLUMNS)


def narratives_table(df: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    out = df[["id", "group", "date", "author", "themes", "sentences", "resource_share"]].copy()
    out["themes"] = out["themes"].map(lambda ts: ", ".join(labels.get(t, t) for t in ts))
    return out


# ---------------------------------------------------------------- the overview


def build_overview(store: NarrativeStore, group: str | None = None, since: str | None = None, until: str | None = None,
                   codebook: ThemeCodebook | None = None, discover: bool = False,
                   k_range: tuple[int, int] = (4, 12)) -> Overview:
    """All tables for a group (or every group) and period; see the module docstring."""
    since, until = parse_date(since), parse_date(until)
    codebook = codebook or ThemeCodebook.default()
    narratives = store.narratives(group=group, since=since, until=until)
    notes: list[str] = []
    if not narratives:
        notes.append(empty_message(store, group, since, until))
    df = narratives_frame(narratives)
    ids, labels = _theme_order(codebook, narratives)
    ex = _exploded(df)
    tables = {
        "per_theme": per_theme(df, ids, labels),
        "per_group_month": per_group_month(df),
        "themes_per_month": themes_per_month(df, ids, labels, ex),
        "theme_group_month": theme_group_month(df, labels, ex),
        "resource_per_theme": resource_per_theme(df, ids, labels),
        "resource_per_month": resource_per_month(df),
        "cooccurrence": cooccurrence(df, ids, labels),
        "clusters": pd.DataFrame(columns=CLUSTER_COLUMNS),
        "narratives": narratives_table(df, labels),
    }
    if narratives and not df["date"].notna().all():
        notes.append(f"{int(df['date'].isna().sum())} narrativ(er) har ingen dato og tælles under «{NO_DATE}».")
    if narratives and df["resource_share"].isna().all():
        notes.append("Ingen af narrativerne har en ressourceandel (ingen sætninger med mangel- eller ressourcesprog).")
    if discover and narratives:
        from narrativ_nlp.overview.discovery import discover_stored

        found = discover_stored(narratives, k_range=k_range)
        tables["clusters"] = clusters_table(found, [n.id for n in narratives])
        if found.note:
            notes.append(found.note if found.clusters else f"Ingen temafund (klyngedannelse): {found.note}")
    return Overview(group, since, until, len(narratives), tables, notes, codebook)
