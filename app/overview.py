"""Handlers of the "Overblik" tab: a thin layer over the library's overview module.

``narrativ_nlp.workflows.build_overview`` makes the tables (narratives per theme, the
resource share per month and per theme, discovered clusters); its four charts show
narratives per theme, themes per month and the resource share over time and per theme;
its exports write Excel, a zip of CSV files and the codebook as REFI-QDA ``.qdc``. This
module picks what the tab shows, gives the columns Danish headings and numbers a decimal
comma, and shows the patterns ("Mønster 1" …: clusters, only for a selection large enough,
each of a minimum size) with their typical words and a few example (anonymised) narratives.
Exports hold no narrative text; the CSV zip has Danish file names.

The view comes in three steps, so the tables and charts are there at once: ``overview`` (tables
and chart data, shown by Gradio's own charts, which the browser draws at any width), then
``patterns_for`` (clustering, only for a large selection; content lemmas are computed once per
stored narrative and kept), and ``exports_for`` (Excel, CSV zip, codebook) only when asked. Each
result is cached per selection (group, period) until the store changes (a save in the app calls
``invalidate``; a change from elsewhere changes the store's count).
"""

from __future__ import annotations

import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from narrativ_nlp.workflows import records as library
from narrativ_nlp.app.common import AppMessage, date_da, esc, num, parse_date_da, plural, work_dir

ALL_GROUPS = "Alle grupper"
EXAMPLES_PER_CLUSTER = 2
#: patterns (clusters) are looked for only in a selection of at least this many narratives ...
MIN_FOR_PATTERNS = 40
#: ... and a pattern is shown only when it holds at least this many narratives
MIN_PATTERN_SIZE = 5
#: the numbers of patterns tried (k of the clustering)
PATTERN_K = (3, 8)
#: a cached overview is reused for at most this long (the export files live for an hour)
CACHE_SECONDS = 30 * 60

_cache: dict[tuple[Any, ...], tuple[float, dict[str, Any]]] = {}
_cache_lock = threading.Lock()
#: content lemmas per stored narrative: (db, id) → lemmas (the stored text never changes)
_lemmas: dict[tuple[str, int], str] = {}


def invalidate(db: str | None = None) -> None:
    """Forget cached overviews, patterns and exports (of one database, or all)."""
    with _cache_lock:
        for key in [k for k in _cache if db is None or k[1] == str(db)]:
            del _cache[key]


def _cached(kind: str, db: str | None, selection: tuple[Any, ...], count: int, make, valid=lambda r: True):
    key = (kind, str(db), *selection, count)
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
    if hit and now - hit[0] < CACHE_SECONDS and valid(hit[1]):
        return hit[1]
    result = make()
    with _cache_lock:
        for old in [k for k, (t, _) in _cache.items() if now - t >= CACHE_SECONDS or k[:-1] == key[:-1]]:
            del _cache[old]
        _cache[key] = (now, result)
    return result


def _danish(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    COLUMNS_DA = library.columns_da()
    return df[columns].rename(columns=lambda c: COLUMNS_DA.get(c, c)).reset_index(drop=True)


def _comma(df: pd.DataFrame, columns: list[str], decimals: int = 1) -> pd.DataFrame:
    """Shown numbers with a decimal comma (the exports keep numbers as numbers)."""
    COLUMNS_DA = library.columns_da()
    df = df.copy()
    for c in columns:
        name = COLUMNS_DA.get(c, c)
        if name in df.columns:
            df[name] = [num(v, decimals) if pd.notna(v) else "–" for v in df[name]]
    return df


def themes_table(ov: Any) -> pd.DataFrame:
    """Narratives per theme (only themes that occur), most frequent first."""
    t = ov["per_theme"]
    t = t[t["any_theme"] > 0].sort_values(["any_theme", "first_theme"], ascending=False)
    return _comma(_danish(t, ["label", "any_theme", "first_theme", "share_any"]), ["share_any"])


def share_month_table(ov: Any) -> pd.DataFrame:
    t = ov["resource_per_month"]
    t = t[t["narratives"] > 0]
    return _comma(_danish(t, ["month", "narratives", "mean_resource_share", "sentence_weighted_share"]),
                  ["mean_resource_share", "sentence_weighted_share"])


def share_theme_table(ov: Any) -> pd.DataFrame:
    t = ov["resource_per_theme"]
    t = t[t["narratives"] > 0].sort_values("narratives", ascending=False)
    return _comma(_danish(t, ["label", "narratives", "mean_resource_share", "sentence_weighted_share"]),
                  ["mean_resource_share", "sentence_weighted_share"])


def patterns(ov: Any) -> pd.DataFrame:
    """The clusters of at least ``MIN_PATTERN_SIZE`` narratives, largest first."""
    t = ov["clusters"]
    if t.empty:
        return t
    t = t[t["size"] >= MIN_PATTERN_SIZE]
    return t.sort_values("size", ascending=False)


def clusters_html(ov: Any, texts: dict[int, str], example_chars: int = 160) -> str:
    """The patterns with typical words and example narratives (escaped), or why there are none."""
    n = ov.n_narratives
    if n == 0:
        return ""
    if n < MIN_FOR_PATTERNS:
        return (f'<p class="nv-note nv-clusters-none">For få narrativer til at finde mønstre ({n}; der skal mindst '
                f"være {MIN_FOR_PATTERNS}). Vælg alle grupper eller en længere periode.</p>")
    t = patterns(ov)
    if t.empty:
        return (f'<p class="nv-note nv-clusters-none">Værktøjet fandt ingen tydelige mønstre med mindst '
                f"{MIN_PATTERN_SIZE} narrativer.</p>")
    parts = [(f"<p><b>{plural(len(t), 'mønster', 'mønstre')}</b>, fundet automatisk – et forslag til samtale, "
              "ikke en konklusion.</p>")]
    for i, row in enumerate(t.itertuples(), start=1):
        ids = [int(x) for x in str(row.typical_ids).split(",") if x.strip()][:EXAMPLES_PER_CLUSTER]
        examples = "".join(
            f"<li>{esc(texts[j][:example_chars])}{'…' if len(texts[j]) > example_chars else ''}</li>"
            for j in ids if j in texts)
        parts.append(f'<div class="nv-cluster"><b>Mønster {i}</b> ({plural(int(row.size), "narrativ", "narrativer")})'
                     f" – typiske ord: {esc(row.top_terms)}<ul>{examples}</ul></div>")
    return "".join(parts)


def _csv_zip_da(ov: Any, out: Path) -> Path:
    """The library's CSV tables in one zip, with Danish file names (``temaer.csv``, ``ressourceandel_pr_tema.csv``)."""
    TABLES = library.tables_da()
    folder = out / "csv"
    library.export_csv(ov, folder)
    names = {"om_rapporten": "om_rapporten", **{k: _slug(v) for k, v in TABLES.items()}}
    path = out / "overblik_tabeller.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for csv_file in sorted(folder.glob("*.csv")):
            zf.write(csv_file, arcname=f"{names.get(csv_file.stem, csv_file.stem)}.csv")
    for csv_file in folder.glob("*.csv"):
        csv_file.unlink()
    folder.rmdir()
    return path


def _slug(label: str) -> str:
    out = "".join(ch if ch.isalnum() else "_" for ch in label.lower().replace(".", ""))
    while "__" in out:
        out = out.replace("__", "_")
    return out.strip("_")


def exports(ov: Any, folder: str | None = None) -> dict[str, str]:
    """Excel (tables and charts), a zip of CSV files and the codebook (.qdc); no narrative text."""
    out = Path(folder) if folder else work_dir("overblik-")
    paths = {"xlsx": str(library.export_excel(ov, out / "overblik.xlsx")), "csv": str(_csv_zip_da(ov, out))}
    if ov.codebook is not None:
        paths["qdc"] = str(library.export_qdc(ov.codebook, out / "kodebog.qdc"))
    return paths


def period(since: Any, until: Any) -> tuple[str | None, str | None]:
    """The period as ISO dates; Danish forms are accepted, a reversed period is refused in Danish."""
    s, u = parse_date_da(since), parse_date_da(until)
    if s and u and s > u:
        raise AppMessage(f"Perioden er vendt om: fra-datoen ({date_da(s)}) ligger efter til-datoen ({date_da(u)}). "
                         "Byt om på datoerne.")
    return s, u


def empty_status(db: str | None, group: str | None, since: str | None, until: str | None) -> str:
    """Why the selection is empty, in words for the app (no command lines)."""
    when = ""
    if since or until:
        when = f" i perioden {date_da(since) or '…'}–{date_da(until) or '…'}"
    if group and group not in library.groups(db):
        return f"Gruppen »{group}« har ingen gemte narrativer endnu. Gem en narrativ under »Skriv« for at komme i gang."
    if group:
        return f"Gruppen »{group}« har ingen gemte narrativer{when}. Vælg en anden periode eller alle grupper."
    if when:
        return f"Der er ingen gemte narrativer{when}. Vælg en anden periode."
    return "Der er ingen gemte narrativer endnu. Gem en narrativ under »Skriv« for at komme i gang."


def chart_frames(ov: Any) -> dict[str, pd.DataFrame]:
    """Long-form tables for the four charts (Gradio's bar and line plots)."""
    per = ov["per_theme"]
    per = per[per["any_theme"] > 0].sort_values("any_theme", ascending=False)
    themes = pd.DataFrame({"tema": per["label"].astype(str), "narrativer": per["any_theme"].astype(int)})
    tpm = ov["themes_per_month"]
    cols = [c for c in tpm.columns if c != "month"]
    month = tpm.melt(id_vars="month", value_vars=cols, var_name="tema", value_name="narrativer")
    month = month[month["narrativer"] > 0].rename(columns={"month": "måned"})
    rpm = ov["resource_per_month"]
    rpm = rpm[rpm["narratives"] > 0]
    share_time = pd.DataFrame({"måned": rpm["month"].astype(str),
                               "ressourceandel (%)": rpm["mean_resource_share"].astype(float)})
    rpt = ov["resource_per_theme"]
    rpt = rpt[rpt["narratives"] > 0].sort_values("mean_resource_share", ascending=False)
    share_theme = pd.DataFrame({"tema": rpt["label"].astype(str),
                                "ressourceandel (%)": rpt["mean_resource_share"].astype(float)})
    return {"themes": themes, "month": month.reset_index(drop=True), "share_time": share_time.dropna(),
            "share_theme": share_theme.dropna()}


def _selection(store: Any, group: str | None, since: Any, until: Any) -> tuple[str | None, str | None, str | None]:
    group = None if not group or group == ALL_GROUPS else group
    since, until = period(since, until)
    return group, since, until


def overview(db: str | None, group: str | None = None, since: str | None = None, until: str | None = None) -> dict[str, Any]:
    """The tables and chart data of a selection: ``{"n", "overview", "themes", "by_month", "by_theme",
    "charts", "status", "level"}``. Invalid or reversed dates raise a Danish ``AppMessage``."""
    from narrativ_nlp.workflows import build_overview

    group, since, until = _selection(None, group, since, until)

    def make() -> dict[str, Any]:
        ov, _codebook = build_overview(group, since, until, db=db, discover=False)
        result: dict[str, Any] = {"n": ov.n_narratives, "overview": ov, "themes": themes_table(ov),
                                  "by_month": share_month_table(ov), "by_theme": share_theme_table(ov),
                                  "selection": (group, since, until)}
        if ov.is_empty:
            empty = {k: pd.DataFrame() for k in ("themes", "month", "share_time", "share_theme")}
            return {**result, "charts": empty, "status": empty_status(db, group, since, until), "level": "info"}
        n = ov.n_narratives
        status = f"{plural(n, 'narrativ', 'narrativer')} i udvalget."
        other = [note for note in ov.notes if "for få" not in note.lower() and "temafund" not in note.lower()]
        if other:
            status += " " + " ".join(other).replace("narrativ(er)", "narrativer" if n != 1 else "narrativ")
        return {**result, "charts": chart_frames(ov), "status": status, "level": "ok"}

    return _cached("overview", db, (group, since, until), library.count(db), make)


def _keep_lemmas(db: str | None, narratives: list[Any]) -> None:
    for n in narratives:  # lemmas stored at save/import (enrich) are used as they are
        if getattr(n, "lemmas", None) and (str(db), n.id) not in _lemmas:
            _lemmas[(str(db), n.id)] = n.lemmas
    missing = [n for n in narratives if (str(db), n.id) not in _lemmas]
    for start in range(0, len(missing), 256):
        part = missing[start:start + 256]
        for n, lem in zip(part, library.lemmas_of([n.text for n in part])):
            _lemmas[(str(db), n.id)] = lem


def warm_lemmas(db: str | None, limit: int = 20_000) -> int:
    """Compute the content lemmas of the stored narratives ahead (the app's warm-up thread), so the first
    patterns of a large selection need only the clustering. Returns how many were computed."""
    todo = [n for n in library.narratives(db) if (str(db), n.id) not in _lemmas][:limit]
    _keep_lemmas(db, todo)
    return len(todo)


def patterns_for(db: str | None, group: str | None = None, since: str | None = None, until: str | None = None) -> str:
    """The patterns of a selection as HTML (clusters of a large selection; see ``clusters_html``)."""
    group, since, until = _selection(None, group, since, until)

    def make() -> str:
        narratives = library.narratives(db, group, since, until)
        if len(narratives) < MIN_FOR_PATTERNS:
            return clusters_html(library.overview_of(len(narratives), pd.DataFrame()), {})
        _keep_lemmas(db, narratives)
        table = library.patterns_table([_lemmas[(str(db), n.id)] for n in narratives], [n.id for n in narratives],
                                       PATTERN_K, min_narratives=MIN_FOR_PATTERNS, min_cluster_size=MIN_PATTERN_SIZE)
        ov = library.overview_of(len(narratives), table, group, since, until)
        typical = {int(x) for ids in patterns(ov).get("typical_ids", []) for x in str(ids).split(",") if x.strip()}
        texts = {n.id: n.text for n in narratives if n.id in typical}
        return clusters_html(ov, texts)

    return _cached("patterns", db, (group, since, until), library.count(db), make)


def exports_for(db: str | None, group: str | None = None, since: str | None = None,
                until: str | None = None) -> dict[str, str | None]:
    """Excel (tables and charts), a CSV zip with Danish file names and the codebook, for a selection."""
    ov_result = overview(db, group, since, until)
    if ov_result["overview"].is_empty:
        raise AppMessage("Der er ingen narrativer i udvalget at eksportere.")
    return _cached("exports", db, ov_result["selection"], library.count(db), lambda: exports(ov_result["overview"]),
                   valid=lambda r: all(Path(p).exists() for p in r.values() if p))


# ------------------------------------------------------------------ erasure (the leader's delete action)


def _erasure_selection(group: str | None, since: Any, until: Any):
    from narrativ_nlp.workflows.admin import DeleteSelection

    group = None if not group or group == ALL_GROUPS else group
    since, until = period(since, until)
    if not (group or since or until):
        raise AppMessage("Vælg en stue eller gruppe eller en periode først: værktøjet sletter ikke alle narrativer "
                         "på én gang.")
    return DeleteSelection(group=group, since=since, until=until)


def _selection_words(sel: Any) -> str:
    parts = []
    if sel.group:
        parts.append(f"gruppen »{sel.group}«")
    if sel.since or sel.until:
        parts.append(f"perioden {date_da(sel.since) or '…'}–{date_da(sel.until) or '…'}")
    return " i ".join(parts)


def delete_preview(db: str | None, group: str | None = None, since: Any = None, until: Any = None) -> dict[str, Any]:
    """What a deletion of the selection (group and/or period, as in Overblik) would remove, before anything is
    deleted: ``{"n", "message", "level", "pending"}``; ``pending`` (the selection and its count) is handed back
    to ``delete_confirmed``. The whole store is never a selection (a Danish ``AppMessage``)."""
    from narrativ_nlp.workflows.admin import count_selected

    sel = _erasure_selection(group, since, until)
    n = count_selected(sel, db)
    where = _selection_words(sel)
    if n == 0:
        return {"n": 0, "message": f"Der er ingen gemte narrativer i {where}. Intet bliver slettet.", "level": "info",
                "pending": None}
    message = (f"{plural(n, 'narrativ', 'narrativer')} bliver slettet for altid ({where}). Det kan ikke fortrydes. "
               "Sæt flueben i »Ja, slet dem«, og tryk »Slet for altid«.")
    pending = {"group": sel.group, "since": sel.since, "until": sel.until, "n": n}
    return {"n": n, "message": message, "level": "warn", "pending": pending}


def delete_confirmed(db: str | None, pending: dict[str, Any] | None, confirmed: bool) -> str:
    """Delete the narratives of the selection shown by ``delete_preview`` (only when ``confirmed``); clears the
    cached overviews; returns the Danish message with how many were deleted. When the store changed since the
    count was shown, nothing is deleted and the user is asked to look again."""
    from narrativ_nlp.workflows.admin import DeleteSelection, count_selected, delete

    if not pending:
        raise AppMessage("Tryk først »Vis hvad der slettes«, så du kan se, hvor mange narrativer det gælder.")
    if not confirmed:
        raise AppMessage("Intet er slettet. Sæt flueben i »Ja, slet dem« for at slette narrativerne.")
    sel = DeleteSelection(group=pending.get("group"), since=pending.get("since"), until=pending.get("until"))
    if count_selected(sel, db) != int(pending.get("n", -1)):
        raise AppMessage("Intet er slettet: antallet har ændret sig, siden det blev vist. Tryk »Vis hvad der "
                         "slettes« igen.")
    try:
        n = delete(sel, db)
    finally:
        invalidate(db)
        for key in [k for k in _lemmas if k[0] == str(db)]:  # derived from the deleted text: forgotten too
            del _lemmas[key]
    return f"{plural(n, 'narrativ', 'narrativer')} er slettet for altid ({_selection_words(sel)})."
