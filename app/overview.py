"""Handlers of the "Overblik" tab: a thin layer over the library's overview module.

``narrativ_nlp.overview.build_overview`` makes the tables (narratives per theme, the
resource share per month and per theme, discovered clusters); its four charts show
narratives per theme, themes per month and the resource share over time and per theme;
its exports write Excel, a zip of CSV files and the codebook as REFI-QDA ``.qdc``. This
module only picks what the tab shows, gives the columns Danish headings, and shows the
clusters with their top words and a few example (anonymised) narratives. Exports hold no
narrative text.
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Any

import pandas as pd

from narrativ_nlp.app.common import esc, work_dir

ALL_GROUPS = "Alle grupper"
EXAMPLES_PER_CLUSTER = 2


def _danish(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    from narrativ_nlp.overview import COLUMNS_DA

    return df[columns].rename(columns=lambda c: COLUMNS_DA.get(c, c)).reset_index(drop=True)


def themes_table(ov: Any) -> pd.DataFrame:
    """Narratives per theme (only themes that occur), most frequent first."""
    t = ov["per_theme"]
    t = t[t["any_theme"] > 0].sort_values(["any_theme", "first_theme"], ascending=False)
    return _danish(t, ["label", "any_theme", "first_theme", "share_any"])


def share_month_table(ov: Any) -> pd.DataFrame:
    t = ov["resource_per_month"]
    t = t[t["narratives"] > 0]
    return _danish(t, ["month", "narratives", "mean_resource_share", "sentence_weighted_share"])


def share_theme_table(ov: Any) -> pd.DataFrame:
    t = ov["resource_per_theme"]
    t = t[t["narratives"] > 0].sort_values("narratives", ascending=False)
    return _danish(t, ["label", "narratives", "mean_resource_share", "sentence_weighted_share"])


def clusters_html(ov: Any, texts: dict[int, str], example_chars: int = 160) -> str:
    """The discovered clusters with top words and example narratives (escaped), or the library's note."""
    from narrativ_nlp.themes.discovery import MIN_NARRATIVES

    t = ov["clusters"]
    if t.empty:
        if 0 < ov.n_narratives < MIN_NARRATIVES:
            note = (f"For få narrativer til at finde grupper af narrativer ({ov.n_narratives}; der skal mindst "
                    f"være {MIN_NARRATIVES}).")
        else:
            note = next((n for n in ov.notes if "temafund" in n.lower() or "for få" in n.lower()),
                        "Værktøjet fandt ingen grupper af narrativer.")
        return f'<p class="nv-note nv-clusters-none">{esc(note)}</p>'
    parts = [(f"<p><b>Fundne grupper af narrativer</b> ({len(t)} grupper, fundet automatisk – et forslag til "
              "samtale, ikke en konklusion)</p>")]
    for row in t.sort_values("size", ascending=False).itertuples():
        ids = [int(x) for x in str(row.typical_ids).split(",") if x.strip()][:EXAMPLES_PER_CLUSTER]
        examples = "".join(
            f"<li>{esc(texts[i][:example_chars])}{'…' if len(texts[i]) > example_chars else ''}</li>"
            for i in ids if i in texts)
        parts.append(f'<div class="nv-cluster"><b>Gruppe {row.cluster}</b> ({row.size} narrativer) – typiske ord: '
                     f"{esc(row.top_terms)}<ul>{examples}</ul></div>")
    return "".join(parts)


def exports(ov: Any, folder: str | None = None) -> dict[str, str]:
    """Excel (tables and charts), a zip of CSV files and the codebook (.qdc); no narrative text."""
    from narrativ_nlp.overview import export_csv, export_excel, export_qdc

    out = Path(folder) if folder else work_dir("overblik-")
    paths = {"xlsx": str(export_excel(ov, out / "overblik.xlsx")),
             "csv": str(export_csv(ov, out / "overblik_csv.zip")[0])}
    if ov.codebook is not None:
        paths["qdc"] = str(export_qdc(ov.codebook, out / "kodebog.qdc"))
    return paths


def overview(db: str | None, group: str | None = None, since: str | None = None, until: str | None = None,
             with_clusters: bool = True) -> dict[str, Any]:
    """Everything the tab shows: ``{"n", "themes", "by_month", "by_theme", "figures", "clusters_html", "csv",
    "xlsx", "qdc", "status"}``. Invalid dates raise the library's Danish message (E060)."""
    from narrativ_nlp.overview import build_overview, figures
    from narrativ_nlp.store import NarrativeStore

    group = None if not group or group == ALL_GROUPS else group
    with closing(NarrativeStore(db)) as store:
        ov = build_overview(store, group, since or None, until or None, discover=with_clusters)
        typical = {int(x) for ids in ov["clusters"].get("typical_ids", []) for x in str(ids).split(",") if x.strip()}
        texts = {n.id: n.text for n in store.narratives(group=group, since=ov.since, until=ov.until)
                 if n.id in typical} if typical else {}
    result: dict[str, Any] = {"n": ov.n_narratives, "overview": ov, "themes": themes_table(ov),
                              "by_month": share_month_table(ov), "by_theme": share_theme_table(ov)}
    if ov.is_empty:
        return {**result, "figures": [None] * 4, "clusters_html": "", "csv": None, "xlsx": None, "qdc": None,
                "status": ov.message or "Ingen gemte narrativer i den valgte gruppe og periode."}
    files = exports(ov)
    n = ov.n_narratives
    status = f"{n} {'narrativ' if n == 1 else 'narrativer'} i udvalget."
    other = [note for note in ov.notes if "for få" not in note.lower() and "temafund" not in note.lower()]
    if other:
        status += " " + " ".join(other)
    return {
        **result,
        "figures": list(figures(ov).values()),
        "clusters_html": clusters_html(ov, texts) if with_clusters else "",
        "csv": files["csv"], "xlsx": files["xlsx"], "qdc": files.get("qdc"), "status": status,
    }
