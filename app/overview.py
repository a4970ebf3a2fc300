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

Below the patterns, three sections for the leader (``build_leader_views``; computed when opened, through
``narrativ_nlp.workflows.themes``):

* **Læreplanstemaer** (``curriculum``): per læreplanstema and period (quarter or month) the narratives
  documenting it, the resource share, and the thin themes in a Danish sentence; a checkbox list per theme of
  the stored narratives documenting it (number, date, first words, anonymised) to pick examples for the
  curriculum evaluation workbook (``curriculum_workbook_file``: a sheet per theme with counts, trend, examples);
* **Egne temaer** (``own_theme_save``/``own_theme_delete``/``own_theme_tables``): a leader's own theme
  (name, description, examples one a line) tags the stored narratives at once, can be changed and removed,
  and is part of the codebook (.qdc) of the exports, with the codes applied to the selection;
* **Effekt** (``effect``): resource share and deficit categories before and after a date, for the group and
  all groups, with the number of narratives and a 95 % bootstrap interval; no figures per writer.

The period fields are date pickers (``date_field``: Gradio's ``DateTime`` without time) that also take Danish
dates typed (1.9.2025, 01-09-2025, 2025-09-01; the page script turns them into ISO); a reversed period is
refused with a Danish message.
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
#: patterns (clusters) are looked for only in a selection of at least this many narratives, and a pattern is
#: shown only when it holds at least this many: the library's settings (``narrativ_nlp.themes.discovery``),
#: the same numbers the command line (``narrativ themes``/``overview``) uses
MIN_FOR_PATTERNS = library.PATTERN_MIN_NARRATIVES
MIN_PATTERN_SIZE = library.PATTERN_MIN_SIZE
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


def exports(ov: Any, folder: str | None = None, db: str | None = None) -> dict[str, str]:
    """Excel (tables and charts), a zip of CSV files and the institution's codebook (.qdc: situation themes,
    own themes and læreplanstemaer, with the codes applied to the selection); no narrative text."""
    out = Path(folder) if folder else work_dir("overblik-")
    paths = {"xlsx": str(library.export_excel(ov, out / "overblik.xlsx")), "csv": str(_csv_zip_da(ov, out))}
    paths["qdc"] = str(_themes_wf().export_codebook(out / "kodebog.qdc", ov.group, ov.since, ov.until, db))
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
    library.warm_overview(db, PATTERN_K, MIN_FOR_PATTERNS, MIN_PATTERN_SIZE)  # patterns and export charts ahead
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
                                       PATTERN_K, min_narratives=MIN_FOR_PATTERNS, min_cluster_size=MIN_PATTERN_SIZE,
                                       db=db)
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
    return _cached("exports", db, ov_result["selection"], library.count(db),
                   lambda: exports(ov_result["overview"], db=db),
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


# ------------------------------------------------------------------ læreplanstemaer (the curriculum overview)

#: the period choices of the curriculum view, as shown → as the library names them
PERIODS_DA = {"Kvartal": "quarter", "Måned": "month"}


def _themes_wf():
    from narrativ_nlp.workflows import themes

    return themes


def _curriculum_labels() -> list[tuple[str, str]]:
    """The six læreplanstemaer as (id, label), in the curriculum's order."""
    return _themes_wf().curriculum_labels()


def curriculum(db: str | None, group: str | None = None, since: Any = None, until: Any = None,
               period: str = "Kvartal") -> dict[str, Any]:
    """The læreplanstemaer of the selection: ``{"n", "status", "level", "summary", "table", "choices"}``.

    ``summary``: per theme over the selection (narratives, share, resource share, trend, thin periods);
    ``table``: per period and theme (narratives, resource share, thin); ``choices``: per theme id the stored
    narratives documenting it, as (caption, id) for the leader to pick examples for the workbook."""
    group, since, until = _selection(None, group, since, until)

    def make() -> dict[str, Any]:
        t = _themes_wf()
        cur = t.curriculum_overview(group, since, until, PERIODS_DA.get(period, "quarter"), db)
        empty = pd.DataFrame()
        if cur.n == 0:
            return {"n": 0, "status": empty_status(db, group, since, until), "level": "info", "summary": empty,
                    "table": empty, "choices": {tid: [] for tid, _ in _curriculum_labels()}}
        status = (f"{plural(cur.n, 'narrativ', 'narrativer')} i udvalget; "
                  f"{cur.n_tagged} af dem dokumenterer mindst ét læreplanstema. " + " ".join(cur.thin_sentences()))
        s = cur.summary.copy()
        summary = pd.DataFrame({
            "læreplanstema": s["label"], "narrativer": s["narratives"].astype(int),
            "andel (%)": [num(v, 1) if pd.notna(v) else "–" for v in s["share"]],
            "ressourceandel (%)": [num(v, 1) if pd.notna(v) else "–" for v in s["mean_resource_share"]],
            "udvikling pr. periode": [_num(v, 2) for v in s["trend_per_period"]],
            "tyndt dokumenteret i": [", ".join(_period_words(p) for p in str(v).split(", ") if p) or "–"
                                     for v in s["thin_periods"]],
        })
        tb = cur.table
        table = pd.DataFrame({
            "periode": [_period_words(p) for p in tb["period"]], "læreplanstema": tb["label"],
            "narrativer": tb["narratives"].astype(int),
            "ressourceandel (%)": [num(v, 1) if pd.notna(v) else "–" for v in tb["mean_resource_share"]],
            "tyndt dokumenteret": ["ja" if v else "nej" for v in tb["thin"]],
        })
        choices = {tid: [(caption, nid) for nid, caption in items]
                   for tid, items in t.curriculum_candidates(group, since, until, db).items()}
        level = "warn" if any("tyndt" in x or "Ingen narrativer" in x for x in cur.thin_sentences()) else "ok"
        return {"n": cur.n, "status": status, "level": level, "summary": summary, "table": table,
                "choices": choices}

    return _cached("curriculum", db, (group, since, until, period), library.count(db), make)


def _num(value: Any, decimals: int = 1) -> str:
    """A shown number with a decimal comma and no "-0,0" (``–`` when missing)."""
    if value is None or pd.isna(value):
        return "–"
    return num(round(float(value), decimals) + 0.0, decimals)


def _period_words(p: str) -> str:
    return _themes_wf()._period_da(p)


def curriculum_workbook_file(db: str | None, group: str | None, since: Any, until: Any, period: str,
                             picks: dict[str, list[Any]]) -> tuple[str, str]:
    """The curriculum evaluation workbook (a sheet per læreplanstema with the picked examples, anonymised):
    (path, Danish message)."""
    group, since, until = _selection(None, group, since, until)
    if library.count(db) == 0 or not library.narratives(db, group, since, until):
        raise AppMessage("Der er ingen narrativer i udvalget at lave en rapport af.")
    examples = {tid: [int(i) for i in ids] for tid, ids in (picks or {}).items() if ids}
    path, _thin = _themes_wf().curriculum_workbook(work_dir("laereplan-") / "laereplan_evaluering.xlsx", group,
                                                    since, until, examples, PERIODS_DA.get(period, "quarter"), db)
    n = sum(len(v) for v in examples.values())
    return str(path), (f"Regnearket til evalueringen af læreplanen er klar: et ark pr. læreplanstema med "
                       f"{plural(n, 'valgt eksempel', 'valgte eksempler')} (anonymiseret).")


# ------------------------------------------------------------------ egne temaer (the leader's own themes)

NEW_THEME = "Nyt tema"


def own_theme_choices(db: str | None) -> list[tuple[str, str]]:
    """The dropdown of own themes: "Nyt tema" first, then the stored themes (label, id)."""
    return [(NEW_THEME, "")] + [(t.label, t.theme_id) for t in _themes_wf().list_user_themes(db)]


def own_theme_fields(db: str | None, theme_id: str | None) -> tuple[str, str, str]:
    """(label, description, examples one a line) of a stored own theme; empty fields for a new one."""
    for t in _themes_wf().list_user_themes(db):
        if theme_id and t.theme_id == theme_id:
            return t.label, t.description, "\n".join(t.examples)
    return "", "", ""


def own_theme_save(db: str | None, theme_id: str | None, label: str, description: str, examples: str) -> str:
    """Save a new or changed own theme and tag the stored narratives at once; a Danish message."""
    if not (label or "").strip():
        raise AppMessage("Skriv et navn på temaet, fx »Vandleg«.")
    if not any(line.strip() for line in (examples or "").splitlines()):
        raise AppMessage("Skriv mindst ét eksempel: en sætning eller et par ord, ét eksempel pr. linje.")
    saved = _themes_wf().save_user_theme(label, description, examples, theme_id or None, db)
    invalidate(db)
    what = "er gemt" if saved.new else "er ændret"
    return (f"Temaet »{saved.label}« {what}. Det passer på {saved.tagged} af "
            f"{plural(saved.stored, 'gemt narrativ', 'gemte narrativer')}; mærkerne står i tabellen nedenfor og er "
            "forslag, som du kan vurdere.")


def own_theme_delete(db: str | None, theme_id: str | None) -> str:
    if not theme_id:
        raise AppMessage("Vælg først det tema, der skal slettes.")
    label = dict((i, lab) for lab, i in own_theme_choices(db)).get(theme_id, theme_id)
    if not _themes_wf().delete_user_theme(theme_id, db):
        raise AppMessage("Temaet findes ikke længere.")
    invalidate(db)
    return f"Temaet »{label}« og dets mærker er slettet. Narrativerne er uændrede."


def own_theme_tables(db: str | None, group: str | None = None, since: Any = None,
                     until: Any = None) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """(narratives per own theme in the selection, the selection's narratives with own-theme tags, a Danish
    status). The stored narratives of the selection are tagged first if they were saved after the themes."""
    group, since, until = _selection(None, group, since, until)
    themes, tags, narratives = _themes_wf().user_theme_tags(group, since, until, db)
    if not themes:
        return pd.DataFrame(), pd.DataFrame(), "Der er ingen egne temaer endnu. Tilføj et ovenfor."
    counts = {t.theme_id: 0 for t in themes}
    rows = []
    for n in narratives:
        ts = tags.get(n.id, [])
        for t in ts:
            counts[t["theme_id"]] = counts.get(t["theme_id"], 0) + 1
        if ts:
            rows.append({"nr.": n.id, "dato": date_da(n.date) or "–", "gruppe": n.group,
                         "begyndelse": " ".join(n.text.split()[:10]) + " …",
                         "egne temaer": "; ".join(f"{t['label']} ({num(t['score'], 2)})" for t in ts),
                         "ord, der gav mærket": "; ".join(", ".join(t["words"]) for t in ts)})
    per_theme = pd.DataFrame({"eget tema": [t.label for t in themes],
                              "narrativer i udvalget": [counts[t.theme_id] for t in themes],
                              "eksempler": [len(t.examples) for t in themes]})
    status = (f"{plural(len(themes), 'eget tema', 'egne temaer')}; "
              f"{plural(len(rows), 'narrativ', 'narrativer')} af {len(narratives)} i udvalget har mindst ét mærke.")
    return per_theme, pd.DataFrame(rows), status


# ------------------------------------------------------------------ effekt (before and after a date)


def effect(db: str | None, date: Any, group: str | None = None) -> dict[str, Any]:
    """Resource share and deficit categories before and after ``date`` for the group (and all groups), with
    the number of narratives and a 95 % bootstrap interval: ``{"status", "level", "resource", "deficit"}``.
    No figures per writer."""
    day = parse_date_da(date)
    if not day:
        raise AppMessage("Vælg datoen for ændringen, fx den dag forløbet begyndte (1.9.2025).")
    group = None if not group or group == ALL_GROUPS else group
    if library.count(db) == 0:
        return {"status": empty_status(db, group, None, None), "level": "info", "resource": pd.DataFrame(),
                "deficit": pd.DataFrame()}
    view = _themes_wf().effect_tables(day, group, db)

    def shown(df: pd.DataFrame) -> pd.DataFrame:
        out = df.copy()
        lo, hi = "95 %-interval, fra", "95 %-interval, til"
        out["95 %-interval (procentpoint)"] = [f"{_num(a)} til {_num(b)}" if pd.notna(a) and pd.notna(b) else "–"
                                               for a, b in zip(out[lo], out[hi])]
        out = out.drop(columns=[lo, hi])
        for c in ("før (%)", "efter (%)", "forskel (procentpoint)"):
            out[c] = [_num(v) for v in out[c]]
        out["gruppe"] = [g if g != "alle grupper" else "Alle grupper" for g in out["gruppe"]]
        return out.reset_index(drop=True)

    res = view["resource"]
    all_rows = res[res["gruppe"] == "alle grupper"]
    before = int(all_rows["narrativer før"].iloc[0]) if len(all_rows) else 0
    after = int(all_rows["narrativer efter"].iloc[0]) if len(all_rows) else 0
    status = (f"Før {date_da(day)}: {plural(before, 'narrativ', 'narrativer')}; fra og med {date_da(day)}: "
              f"{plural(after, 'narrativ', 'narrativer')}. " + " ".join(
                  n.replace("narrativ(er)", "narrativer").replace(f"efter {day}", f"efter {date_da(day)}")
                  for n in view["notes"]))
    level = "ok" if before >= 2 and after >= 2 else "warn"
    deficit = view["deficit"]
    if group:  # one group chosen: its rows only ("alle grupper" would repeat them)
        res, deficit = res[res["gruppe"] != "alle grupper"], deficit[deficit["gruppe"] != "alle grupper"]
    return {"status": status, "level": level, "resource": shown(res), "deficit": shown(deficit)}


# ------------------------------------------------------------------ the Overblik tab's leader views (Gradio)


def date_hint(example: str = "1.9.2025") -> str:
    """The hint under a date field; the page script copies its example (``fx …``) into the field's
    placeholder, so the two always agree."""
    return f"Skriv fx {example}, eller vælg i kalenderen."


def date_field(label: str, elem_id: str, example: str = "1.9.2025"):
    """A date field with a calendar (Gradio's ``DateTime`` without time). Typed Danish dates (1.9.2025,
    01-09-2025) are turned into ISO in the browser by the page script before Gradio reads them, and
    ``parse_date_da`` reads them again on the server (also when a client sends them). ``example`` is shown in
    the hint and, by the page script, as the placeholder."""
    import gradio as gr

    return gr.DateTime(include_time=False, type="string", label=label, elem_id=elem_id, elem_classes=["nv-date"],
                       info=date_hint(example), min_width=200)


def patterns_rule() -> str:
    """When Overblik looks for patterns, in words (the same numbers as the command line)."""
    return (f"Værktøjet leder efter mønstre, når udvalget har mindst {MIN_FOR_PATTERNS} narrativer, og viser et "
            f"mønster, når det samler mindst {MIN_PATTERN_SIZE} narrativer.")


def build_leader_views(db: str | None, o_group: Any, o_since: Any, o_until: Any, o_run: Any) -> None:
    """Læreplanstemaer, egne temaer and effekt, in the Overblik tab (inside the open Blocks context); the
    selection is Overblik's group and period. A section is computed when it is opened and, while it is open,
    again with "Vis overblik" (a closed section costs Overblik nothing)."""
    import gradio as gr

    from narrativ_nlp.app.common import guarded, status_html

    def error(m: str) -> str:
        return status_html(m, "error")

    labels = _curriculum_labels()

    # ---------------- Læreplanstemaer
    with gr.Accordion("Læreplanstemaer", open=False, elem_id="laereplan") as c_acc:
        gr.Markdown("De seks læreplanstemaer i udvalget ovenfor: hvor mange narrativer der dokumenterer hvert tema "
                    "pr. periode, ressourceandelen, og hvilke temaer der er tyndt dokumenteret. Læreplanstemaerne er "
                    "forslag fra værktøjet.")
        with gr.Row():
            c_period = gr.Radio(list(PERIODS_DA), value="Kvartal", label="Periode", elem_id="laereplan-periode")
            c_run = gr.Button("Vis læreplanstemaer", elem_id="laereplan-vis")
        c_status = gr.HTML(elem_id="laereplan-status")
        c_summary = gr.Dataframe(label="Læreplanstemaer i udvalget", interactive=False, elem_id="laereplan-oversigt")
        c_table = gr.Dataframe(label="Læreplanstemaer pr. periode", interactive=False, elem_id="laereplan-perioder")
        gr.Markdown("**Eksempler til rapporten.** Vælg de narrativer, der skal stå som eksempler under hvert tema "
                    "i regnearket (de står anonymiseret).")
        c_picks = [gr.CheckboxGroup(label=label, choices=[], elem_id=f"eksempler-{tid}") for tid, label in labels]
        c_make = gr.Button("Lav regneark til evalueringen (Excel)", elem_id="laereplan-lav")
        c_file_status = gr.HTML(elem_id="laereplan-fil-status")
        c_file = gr.File(label="Hent regnearket til evalueringen af læreplanen", interactive=False,
                         elem_id="laereplan-fil")

    def on_curriculum(group: str, since: str, until: str, period: str, *current: list[Any]):
        """The view again; examples already picked stay picked while they are in the selection."""
        r = curriculum(db, group, since, until, period)
        picks = []
        for (tid, _), chosen in zip(labels, current or [[]] * len(labels)):
            ids = {nid for _, nid in r["choices"].get(tid, [])}
            picks.append(gr.update(choices=r["choices"].get(tid, []), value=[v for v in chosen or [] if v in ids]))
        return (status_html(r["status"], r["level"]), r["summary"], r["table"], *picks)

    on_curriculum_g = guarded(on_curriculum, lambda m: (error(m), None, None, *[gr.skip() for _ in labels]))

    def when_open(fn, n_out: int):
        """``fn`` only while its section is open ("Vis overblik" does not compute closed sections)."""
        def run(is_open: bool, *args: Any):
            return fn(*args) if is_open else tuple(gr.skip() for _ in range(n_out))
        run.__name__ = getattr(fn, "__name__", "handler")
        return run

    c_open, u_open = gr.State(False), gr.State(False)

    def on_workbook(group: str, since: str, until: str, period: str, *picks: list[Any]):
        path, msg = curriculum_workbook_file(db, group, since, until, period,
                                             {tid: p for (tid, _), p in zip(labels, picks)})
        return path, status_html(msg, "ok")

    on_workbook_g = guarded(on_workbook, lambda m: (None, error(m)))
    selection = [o_group, o_since, o_until]
    c_run.click(on_curriculum_g, inputs=[*selection, c_period, *c_picks],
                outputs=[c_status, c_summary, c_table, *c_picks], api_name="curriculum")
    c_outputs = [c_status, c_summary, c_table, *c_picks]
    o_run.click(when_open(on_curriculum_g, len(c_outputs)), inputs=[c_open, *selection, c_period, *c_picks],
                outputs=c_outputs, api_visibility="private")
    c_acc.expand(lambda: True, outputs=[c_open], api_visibility="private").then(
        on_curriculum_g, inputs=[*selection, c_period, *c_picks], outputs=c_outputs, api_visibility="private")
    c_acc.collapse(lambda: False, outputs=[c_open], api_visibility="private")
    c_make.click(on_workbook_g, inputs=[*selection, c_period, *c_picks], outputs=[c_file, c_file_status],
                 api_name="curriculum_workbook")

    # ---------------- Egne temaer
    with gr.Accordion("Egne temaer", open=False, elem_id="egne-temaer") as u_acc:
        gr.Markdown("Tilføj institutionens egne temaer. Giv temaet et navn, gerne en beskrivelse og nogle "
                    "eksempler: sætninger eller ord, ét pr. linje. Værktøjet mærker de gemte narrativer med det "
                    "samme, og temaet kommer med i kodebogen (.qdc).")
        u_pick = gr.Dropdown(label="Tema", choices=own_theme_choices(db), value="", elem_id="eget-tema-valg",
                             info="Vælg »Nyt tema« eller et tema, du vil rette eller slette.")
        u_label = gr.Textbox(label="Navn på temaet", placeholder="fx Vandleg", elem_id="eget-tema-navn")
        u_desc = gr.Textbox(label="Beskrivelse (valgfri)", placeholder="fx Leg med vand: hælde, plaske, flyde",
                            elem_id="eget-tema-beskrivelse")
        u_examples = gr.Textbox(label="Eksempler (ét pr. linje)", lines=4, elem_id="eget-tema-eksempler",
                                placeholder="fx\nvandleg\nplaske med vand\nBørnene hældte vand fra spand til spand")
        with gr.Row():
            u_save = gr.Button("Gem tema", variant="primary", elem_id="eget-tema-gem")
            u_delete = gr.Button("Slet tema", variant="secondary", elem_id="eget-tema-slet")
        u_status = gr.HTML(elem_id="eget-tema-status")
        u_counts = gr.Dataframe(label="Egne temaer i udvalget", interactive=False, elem_id="egne-temaer-tal")
        u_tags = gr.Dataframe(label="Narrativer med egne temaer (forslag)", interactive=False,
                              elem_id="egne-temaer-maerker")

    def _tables(group: str, since: str, until: str):
        counts, tags, status = own_theme_tables(db, group, since, until)
        return counts, tags, status

    def on_pick(theme_id: str):
        return own_theme_fields(db, theme_id)

    def on_save(theme_id: str, label: str, desc: str, examples: str, group: str, since: str, until: str):
        msg = own_theme_save(db, theme_id, label, desc, examples)
        counts, tags, _ = _tables(group, since, until)
        choices = own_theme_choices(db)
        saved = theme_id or next((i for lab, i in reversed(choices) if lab == " ".join(label.split())), "")
        return (status_html(msg, "ok"), counts, tags, gr.update(choices=choices, value=saved))

    def on_delete(theme_id: str, group: str, since: str, until: str):
        msg = own_theme_delete(db, theme_id)
        counts, tags, _ = _tables(group, since, until)
        return (status_html(msg, "ok"), counts, tags, gr.update(choices=own_theme_choices(db), value=""),
                "", "", "")

    def on_own_tables(group: str, since: str, until: str):
        counts, tags, status = _tables(group, since, until)
        return status_html(status, "info"), counts, tags, gr.update(choices=own_theme_choices(db))

    u_pick.change(guarded(on_pick, lambda m: (gr.skip(), gr.skip(), gr.skip())), inputs=[u_pick],
                  outputs=[u_label, u_desc, u_examples], api_visibility="private")
    u_save.click(guarded(on_save, lambda m: (error(m), gr.skip(), gr.skip(), gr.skip())),
                 inputs=[u_pick, u_label, u_desc, u_examples, *selection],
                 outputs=[u_status, u_counts, u_tags, u_pick], api_name="own_theme_save")
    u_delete.click(guarded(on_delete, lambda m: (error(m), *[gr.skip()] * 6)), inputs=[u_pick, *selection],
                   outputs=[u_status, u_counts, u_tags, u_pick, u_label, u_desc, u_examples],
                   api_name="own_theme_delete")
    on_own_tables_g = guarded(on_own_tables, lambda m: (error(m), None, None, gr.skip()))
    u_outputs = [u_status, u_counts, u_tags, u_pick]
    o_run.click(when_open(on_own_tables_g, len(u_outputs)), inputs=[u_open, *selection], outputs=u_outputs,
                api_visibility="private")
    u_acc.expand(lambda: True, outputs=[u_open], api_visibility="private").then(
        on_own_tables_g, inputs=selection, outputs=u_outputs, api_visibility="private")
    u_acc.collapse(lambda: False, outputs=[u_open], api_visibility="private")

    # ---------------- Effekt
    with gr.Accordion("Effekt: før og efter en dato", open=False, elem_id="effekt"):
        gr.Markdown("Vælg datoen for en ændring, fx den dag et forløb begyndte. Værktøjet sammenligner "
                    "ressourceandel og mangelsprog i narrativerne før og efter datoen for stuen eller gruppen "
                    "ovenfor (og alle grupper), med antal narrativer og et 95 %-interval. Der er ingen tal pr. "
                    "medarbejder.")
        with gr.Row():
            e_date = date_field("Dato for ændringen", "effekt-dato")
            e_run = gr.Button("Vis før og efter", elem_id="effekt-vis")
        e_status = gr.HTML(elem_id="effekt-status")
        e_resource = gr.Dataframe(label="Ressourceandel før og efter", interactive=False, elem_id="effekt-ressource")
        e_deficit = gr.Dataframe(label="Mangelsprog før og efter (andel narrativer med kategorien)",
                                 interactive=False, elem_id="effekt-mangel")

    def on_effect(date: str, group: str):
        r = effect(db, date, group)
        return status_html(r["status"], r["level"]), r["resource"], r["deficit"]

    e_run.click(guarded(on_effect, lambda m: (error(m), None, None)), inputs=[e_date, o_group],
                outputs=[e_status, e_resource, e_deficit], api_name="effect")
