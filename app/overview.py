"""Handlers of the "Overblik" tab: themes per month, resource share over time and per theme, clusters.

Everything is computed from what the store holds (pseudonymised text, the themes
and the text-free profile saved with each narrative). Downloads hold no text.
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Any

import pandas as pd

from app.common import esc, work_dir

NO_DATE = "uden dato"
ALL_GROUPS = "Alle grupper"
#: Okabe-Ito palette for the charts
PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000", "#999999"]


def load_rows(db: str | None, group: str | None = None, since: str | None = None, until: str | None = None) -> list[dict[str, Any]]:
    """One plain row per stored narrative in the group and period (dates are checked: Danish E060)."""
    from narrativ_nlp.store import NarrativeStore

    group = None if not group or group == ALL_GROUPS else group
    with closing(NarrativeStore(db)) as store:
        narratives = store.narratives(group=group, since=since or None, until=until or None)
    rows = []
    for n in narratives:
        share = (n.profile or {}).get("resource_share")
        rows.append({
            "id": n.id, "group": n.group, "date": n.date, "month": n.date[:7] if n.date else NO_DATE,
            "themes": [t.get("label") or t.get("theme") for t in n.themes],
            "resource_share": share, "text": n.text,
        })
    return rows


def theme_month_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Narratives per theme (rows) and month (columns), with a total column."""
    pairs = [(t, r["month"]) for r in rows for t in (r["themes"] or ["(intet tema)"])]
    if not pairs:
        return pd.DataFrame({"Tema": []})
    df = pd.DataFrame(pairs, columns=["Tema", "Måned"])
    table = df.pivot_table(index="Tema", columns="Måned", aggfunc="size", fill_value=0)
    table = table[sorted(table.columns, key=lambda m: (m == NO_DATE, m))]
    table["I alt"] = table.sum(axis=1)
    return table.sort_values("I alt", ascending=False).reset_index()


def share_by_month(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Mean resource share (0-100) of the narratives with any framing, per month."""
    df = pd.DataFrame([(r["month"], r["resource_share"]) for r in rows if r["resource_share"] is not None],
                      columns=["Måned", "Ressourceandel"])
    if df.empty:
        return pd.DataFrame({"Måned": [], "Ressourceandel (%)": [], "Narrativer": []})
    out = df.groupby("Måned")["Ressourceandel"].agg(["mean", "size"]).reset_index()
    out.columns = ["Måned", "Ressourceandel (%)", "Narrativer"]
    out["Ressourceandel (%)"] = out["Ressourceandel (%)"].round(1)
    return out.sort_values("Måned", key=lambda s: s.map(lambda m: (m == NO_DATE, m))).reset_index(drop=True)


def share_by_theme(rows: list[dict[str, Any]]) -> pd.DataFrame:
    pairs = [(t, r["resource_share"]) for r in rows if r["resource_share"] is not None for t in r["themes"]]
    if not pairs:
        return pd.DataFrame({"Tema": [], "Ressourceandel (%)": [], "Narrativer": []})
    df = pd.DataFrame(pairs, columns=["Tema", "andel"])
    out = df.groupby("Tema")["andel"].agg(["mean", "size"]).reset_index()
    out.columns = ["Tema", "Ressourceandel (%)", "Narrativer"]
    out["Ressourceandel (%)"] = out["Ressourceandel (%)"].round(1)
    return out.sort_values("Narrativer", ascending=False).reset_index(drop=True)


def figure(themes: pd.DataFrame, by_month: pd.DataFrame, by_theme: pd.DataFrame):
    """Three small charts: themes per month, resource share per month and per theme."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 8.5), layout="constrained")
    ax1, ax2, ax3 = fig.subplots(3, 1)
    months = [c for c in themes.columns if c not in ("Tema", "I alt")]
    if months:
        bottom = [0] * len(months)
        for i, (_, row) in enumerate(themes.iterrows()):
            values = [int(row[m]) for m in months]
            ax1.bar(months, values, bottom=bottom, label=row["Tema"], color=PALETTE[i % len(PALETTE)])
            bottom = [b + v for b, v in zip(bottom, values)]
        ax1.legend(fontsize=8, ncols=2, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax1.set_title("Narrativer pr. tema og måned")
    ax1.set_ylabel("antal")
    if not by_month.empty:
        ax2.plot(by_month["Måned"], by_month["Ressourceandel (%)"], marker="o", color="#0072B2")
    ax2.set_ylim(0, 100)
    ax2.set_title("Ressourceandel over tid (gennemsnit pr. måned)")
    ax2.set_ylabel("%")
    if not by_theme.empty:
        ax3.barh(by_theme["Tema"], by_theme["Ressourceandel (%)"], color="#009E73")
    ax3.set_xlim(0, 100)
    ax3.set_title("Ressourceandel pr. tema")
    ax3.set_xlabel("%")
    return fig


def clusters_html(rows: list[dict[str, Any]], example_chars: int = 160) -> str:
    """Discovered clusters with top words and typical (pseudonymised) narratives, escaped."""
    from app.common import ensure_pipeline
    from narrativ_nlp.themes.discovery import discover
    from narrativ_nlp.themes.features import texts_to_lemmas

    if not rows:
        return ""
    ensure_pipeline()
    found = discover(texts_to_lemmas([r["text"] for r in rows]))
    if not found.clusters:
        return f'<p class="nv-note">{esc(found.note or "Ingen grupper fundet.")}</p>'
    parts = [(f"<p><b>Fundne grupper af narrativer</b> ({found.k} grupper, fundet automatisk – "
              "de er et forslag til samtale, ikke en konklusion)</p>")]
    for c in sorted(found.clusters, key=lambda c: -c.size):
        examples = "".join(
            f"<li>{esc(rows[i]['text'][:example_chars])}{'…' if len(rows[i]['text']) > example_chars else ''}</li>"
            for i in c.typical)
        parts.append(f'<div class="nv-cluster"><b>Gruppe {c.id + 1}</b> ({c.size} narrativer): '
                     f"{esc(', '.join(c.top_terms))}<ul>{examples}</ul></div>")
    return "".join(parts)


def export(rows: list[dict[str, Any]], themes: pd.DataFrame, by_month: pd.DataFrame, by_theme: pd.DataFrame,
           folder: str | None = None) -> tuple[str, str]:
    """A CSV (one row per narrative, no text) and an Excel file with all tables; returns their paths."""
    out = Path(folder) if folder else work_dir("overblik-")
    per = pd.DataFrame([{"id": r["id"], "gruppe": r["group"], "dato": r["date"] or "", "måned": r["month"],
                         "temaer": "; ".join(r["themes"]),
                         "ressourceandel": "" if r["resource_share"] is None else r["resource_share"]} for r in rows],
                       columns=["id", "gruppe", "dato", "måned", "temaer", "ressourceandel"])
    csv_path = out / "overblik_narrativer.csv"
    per.to_csv(csv_path, index=False, encoding="utf-8-sig")
    xlsx_path = out / "overblik.xlsx"
    with pd.ExcelWriter(xlsx_path, engine="openpyxl") as writer:
        per.to_excel(writer, sheet_name="Narrativer", index=False)
        themes.to_excel(writer, sheet_name="Temaer pr. måned", index=False)
        by_month.to_excel(writer, sheet_name="Ressourceandel pr. måned", index=False)
        by_theme.to_excel(writer, sheet_name="Ressourceandel pr. tema", index=False)
    return str(csv_path), str(xlsx_path)


def overview(db: str | None, group: str | None = None, since: str | None = None, until: str | None = None,
             with_clusters: bool = True) -> dict[str, Any]:
    """Everything the tab shows: ``{"n", "themes", "by_month", "by_theme", "figure", "clusters_html", "csv", "xlsx", "status"}``."""
    rows = load_rows(db, group, since, until)
    themes, by_month, by_theme = theme_month_table(rows), share_by_month(rows), share_by_theme(rows)
    if not rows:
        return {"n": 0, "themes": themes, "by_month": by_month, "by_theme": by_theme, "figure": None,
                "clusters_html": "", "csv": None, "xlsx": None,
                "status": "Ingen gemte narrativer i den valgte gruppe og periode."}
    csv_path, xlsx_path = export(rows, themes, by_month, by_theme)
    return {
        "n": len(rows), "themes": themes, "by_month": by_month, "by_theme": by_theme,
        "figure": figure(themes, by_month, by_theme),
        "clusters_html": clusters_html(rows) if with_clusters else "",
        "csv": csv_path, "xlsx": xlsx_path,
        "status": f"{len(rows)} {'narrativ' if len(rows) == 1 else 'narrativer'} i udvalget.",
    }
