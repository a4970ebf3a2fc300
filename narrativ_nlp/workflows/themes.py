"""Themes for a file or a stored group, and the leader's overview.

For the app's Overblik (issue #17): ``curriculum_overview`` (læreplanstemaer per period, thin themes in
Danish) and ``curriculum_candidates`` (examples to pick for ``curriculum_workbook``); the leader's own themes:
``list_user_themes``, ``save_user_theme`` (add or change, then tag every stored narrative at once),
``delete_user_theme``, ``tag_new_narratives`` (for the save/import path) and ``sync_user_tags`` (tags the
narratives stored since, before own-theme tags are shown or exported), ``user_theme_tags`` and
``export_codebook`` (the institution's ``.qdc``: situation themes, own themes, læreplanstemaer, with the codes
applied to the selection); ``effect_tables`` (the effect view with Danish headings).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def themes_for_file(path: Path, k_range: tuple[int, int] = (4, 12), embeddings: str | None = None) -> dict[str, Any]:
    """Theme tags (with the words that gave them) and discovered patterns for a .jsonl/.txt file.
    Names are replaced before anything is clustered."""
    from narrativ_nlp.anonymise import anonymise_text
    from narrativ_nlp.io import read_narratives
    from narrativ_nlp.themes.discovery import discover
    from narrativ_nlp.themes.features import texts_to_lemmas
    from narrativ_nlp.themes.tagger import default_tagger

    path = Path(path)
    if path.suffix == ".jsonl":
        from narrativ_nlp.corpus.format import read_corpus

        ids_texts = [(r.id, r.text) for r in read_corpus(path)]
    else:
        ids_texts = [(path.name, n.text) for n in read_narratives(path)]
    lemmas = texts_to_lemmas([t for _, t in ids_texts])
    tags = default_tagger().tag(lemmas)
    vectors = None
    if embeddings and len(lemmas) >= 4:
        from narrativ_nlp.themes.embeddings import embed_texts
        from narrativ_nlp.themes.scale import strip_placeholders

        vectors = embed_texts([strip_placeholders(anonymise_text(t).text) for _, t in ids_texts], embeddings)
    found = discover(lemmas, k_range=k_range, vectors=vectors)
    return {
        "tags": [{"id": i, "themes": [{"theme": t.theme, "label": t.label, "score": t.score, "words": list(t.words)}
                                      for t in ts]} for (i, _), ts in zip(ids_texts, tags)],
        "discovery": {"k": found.k, "silhouette": found.silhouette, "note": found.note,
                      "backend": "embeddings" if embeddings else "tfidf-nmf",
                      "clusters": [{"id": c.id, "size": c.size, "top_terms": list(c.top_terms),
                                    "typical": [ids_texts[i][0] for i in c.typical]} for c in found.clusters]},
    }


def themes_for_group(group: str, since: str | None = None, until: str | None = None, db: str | Path | None = None,
                     k_range: tuple[int, int] = (4, 12), embeddings: str | None = None) -> dict[str, Any]:
    from contextlib import closing

    from narrativ_nlp.overview import themes_from_store
    from narrativ_nlp.store import NarrativeStore

    with closing(NarrativeStore(db, create=False)) as store:
        return themes_from_store(store, group, since, until, k_range=k_range, embeddings=embeddings)


def build_overview(group: str | None = None, since: str | None = None, until: str | None = None,
                   db: str | Path | None = None, codebook_path: str | None = None, discover: bool = True,
                   k_range: tuple[int, int] = (4, 12)):
    """The leader's overview of a stored group and period (``narrativ_nlp.overview.Overview``)."""
    from contextlib import closing

    from narrativ_nlp.overview import build_overview as _build
    from narrativ_nlp.store import NarrativeStore
    from narrativ_nlp.themes.codebook import ThemeCodebook

    codebook = ThemeCodebook.load(codebook_path)
    with closing(NarrativeStore(db, create=False)) as store:
        return _build(store, group=group, since=since, until=until, codebook=codebook, discover=discover,
                      k_range=k_range), codebook


def export_overview(ov, out: Path, charts: Path | None = None, qdc: Path | None = None, codebook=None,
                    force: bool = False) -> list[Path]:
    """Write the overview (Excel/CSV), its charts (PNG) and the codebook (.qdc); nothing is
    overwritten without ``force``."""
    from narrativ_nlp.errors import NarrativError
    from narrativ_nlp.overview import export, export_qdc, save_figures

    targets = [Path(out)] + ([Path(qdc)] if qdc else [])
    if not force:
        for t in targets:
            if t.exists() and t.is_file():
                raise NarrativError("E043", path=str(t))
    written = export(ov, Path(out))
    if charts:
        written += save_figures(ov, Path(charts))
    if qdc:
        written.append(export_qdc(codebook, Path(qdc)))
    return written


def curriculum_workbook(out: Path, group: str | None = None, since: str | None = None, until: str | None = None,
                        examples: dict[str, list[int]] | None = None, period: str = "quarter",
                        db: str | Path | None = None, force: bool = False) -> tuple[Path, dict[str, list[str]]]:
    """The leader's curriculum evaluation workbook (a sheet per læreplanstema: counts per period, trend,
    the anonymised example narratives picked) and the themes that are thin in the selection."""
    from contextlib import closing

    from narrativ_nlp.errors import NarrativError
    from narrativ_nlp.store import NarrativeStore
    from narrativ_nlp.themes.curriculum_overview import export_curriculum_workbook, thin_themes

    out = Path(out)
    if out.exists() and not force:
        raise NarrativError("E043", path=str(out))
    with closing(NarrativeStore(db, create=False)) as store:
        narratives = store.narratives(group=group, since=since, until=until)
    return export_curriculum_workbook(narratives, out, examples, period), thin_themes(narratives, period)


def effect(date: str, group: str | None = None, author: str | None = None, db: str | Path | None = None):
    """Resource share and deficit categories before and after ``date``, per group, with the number of
    narratives and a bootstrap 95 % interval of the difference (``themes.effect.EffectView``); figures for a
    writer only for that writer's own narratives (``author``)."""
    from contextlib import closing

    from narrativ_nlp.store import NarrativeStore
    from narrativ_nlp.themes.effect import effect_view

    with closing(NarrativeStore(db, create=False)) as store:
        narratives = store.narratives(group=group)
    return effect_view(narratives, date, author=author)


# ------------------------------------------------------------------ the leader's curriculum overview (app)


@dataclass
class CurriculumOverview:
    """The læreplanstemaer of a selection: ``summary`` (per theme over the selection), ``table`` (per period ×
    theme), ``thin`` (per period: the ids of thin themes); no narrative text."""

    n: int
    n_tagged: int
    period: str
    thin_below: int
    summary: Any
    table: Any
    thin: dict[str, list[str]] = field(default_factory=dict)

    def thin_sentences(self) -> list[str]:
        """The thin themes in plain Danish: one sentence for the whole selection, then per period."""
        if self.n == 0:
            return []
        labels = dict(zip(self.summary["theme"], self.summary["label"]))
        out = []
        never = [labels[t] for t, k in zip(self.summary["theme"], self.summary["narratives"]) if k == 0]
        if never:
            out.append(f"Ingen narrativer i udvalget dokumenterer {_and_list(never)}.")
        dated = {p: ids for p, ids in self.thin.items() if ids and p != "uden dato"}
        for p, ids in dated.items():
            names = [labels[t] for t in ids if labels[t] not in never]
            if names:
                out.append(f"I {_period_da(p)} er {_and_list(names)} tyndt dokumenteret (færre end "
                           f"{self.thin_below} narrativer).")
        if not out:
            out.append(f"Alle seks læreplanstemaer har mindst {self.thin_below} narrativer i hver periode.")
        return out


def _and_list(items: list[str]) -> str:
    items = [f"»{i}«" for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


def _period_da(p: str) -> str:
    """``2026-K1`` → ``1. kvartal 2026``; ``2026-03`` → ``marts 2026``."""
    months = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
              "november", "december")
    year, _, rest = p.partition("-")
    if rest.startswith("K"):
        return f"{rest[1:]}. kvartal {year}"
    if rest.isdigit():
        return f"{months[int(rest) - 1]} {year}"
    return p


def _selected(group: str | None, since: str | None, until: str | None, db: str | Path | None) -> list[Any]:
    from contextlib import closing

    from narrativ_nlp.store import NarrativeStore

    with closing(NarrativeStore(db, create=False)) as store:
        return store.narratives(group=group or None, since=since or None, until=until or None)


def curriculum_labels() -> list[tuple[str, str]]:
    """The six læreplanstemaer as (id, label), in the curriculum's order."""
    from narrativ_nlp.themes.curriculum_overview import curriculum_ids_labels

    return curriculum_ids_labels()


def curriculum_overview(group: str | None = None, since: str | None = None, until: str | None = None,
                        period: str = "quarter", db: str | Path | None = None,
                        thin_below: int = 3) -> CurriculumOverview:
    """Per læreplanstema and period: narratives documenting it, resource share, thin themes (see
    ``themes.curriculum_overview``)."""
    from narrativ_nlp.themes.curriculum_overview import curriculum_summary, curriculum_table

    narratives = _selected(group, since, until, db)
    if not narratives:  # (the library's tables need at least one narrative)
        import pandas as pd

        return CurriculumOverview(0, 0, period, thin_below, pd.DataFrame(columns=["theme", "label", "narratives"]),
                                  pd.DataFrame(columns=["period", "theme", "label", "narratives"]), {})
    summary = curriculum_summary(narratives, period, thin_below)
    table = curriculum_table(narratives, period, thin_below)
    n_tagged = sum(1 for n in narratives if n.curriculum)
    thin = {p: g.loc[g["thin"], "theme"].tolist() for p, g in table.groupby("period", sort=False)}  # = thin_themes
    return CurriculumOverview(len(narratives), n_tagged, period, thin_below, summary, table, thin)


def curriculum_candidates(group: str | None = None, since: str | None = None, until: str | None = None,
                          db: str | Path | None = None, limit: int = 25,
                          words: int = 10) -> dict[str, list[tuple[int, str]]]:
    """Per læreplanstema id: the stored narratives of the selection that document it (best score first, at
    most ``limit``), each as (id, a short Danish caption: number, date and the first ``words`` words of the
    anonymised text) for the leader to pick examples from."""
    from narrativ_nlp.themes.curriculum_overview import _anonymised_text, curriculum_ids_labels

    narratives = _selected(group, since, until, db)
    out: dict[str, list[tuple[int, str]]] = {tid: [] for tid, _ in curriculum_ids_labels()}
    scored: dict[str, list[tuple[float, Any]]] = {tid: [] for tid in out}
    for n in narratives:
        for tag in n.curriculum or []:
            tid = tag.get("theme") if isinstance(tag, dict) else tag
            if tid in scored:
                score = tag.get("score", 0.0) if isinstance(tag, dict) else 0.0
                scored[tid].append((-(score or 0.0), n))
    for tid, items in scored.items():
        for _, n in sorted(items, key=lambda x: (x[0], x[1].id))[:limit]:
            text = " ".join(_anonymised_text(n).split()[:words])
            when = ""
            if n.date:
                y, m, d = (int(x) for x in str(n.date)[:10].split("-"))
                when = f", {d}.{m}.{y}"
            out[tid].append((n.id, f"nr. {n.id}{when}: {text} …"))
    return out


# ------------------------------------------------------------------ the leader's own themes (app)


@dataclass(frozen=True)
class UserThemeSaved:
    """A saved own theme and how many stored narratives it tags now (of how many)."""

    theme_id: str
    label: str
    tagged: int
    stored: int
    new: bool


_DA_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ü": "u", "ö": "oe", "ä": "ae"})


def theme_id_for(label: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """An ASCII id for a theme label (``Vandleg og pjask`` → ``egen_vandleg_og_pjask``), unique among ``taken``."""
    import re

    base = re.sub(r"[^a-z0-9]+", "_", (label or "").lower().translate(_DA_ASCII)).strip("_")[:30] or "tema"
    base = f"egen_{base}"
    tid, k = base, 2
    while tid in taken:
        tid, k = f"{base}_{k}", k + 1
    return tid


def _reserved_ids() -> set[str]:
    from narrativ_nlp.themes.codebook import ThemeCodebook
    from narrativ_nlp.themes.curriculum_overview import curriculum_ids_labels

    return {t.id for t in ThemeCodebook.default().themes} | {tid for tid, _ in curriculum_ids_labels()}


def _clean_examples(examples: Any) -> list[str]:
    if isinstance(examples, str):
        examples = examples.splitlines()
    return [" ".join(str(e).split()) for e in examples or [] if str(e).strip()]


def list_user_themes(db: str | Path | None = None) -> list[Any]:
    """The institution's own themes (the store's ``UserTheme``: theme_id, label, description, examples)."""
    from contextlib import closing

    from narrativ_nlp.store import NarrativeStore

    with closing(NarrativeStore(db)) as store:
        return store.user_themes()


def _tag_set(rows: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    return {(r["theme_id"], r.get("score"), tuple(r.get("words") or ())) for r in rows}


def _tag_rows(store: Any, themes: list[Any], narratives: list[Any], write_ids: set[int] | None = None) -> int:
    """Tag ``narratives`` (one selection: the threshold is relative to it) with ``themes``; store the tags of
    the narratives in ``write_ids`` (all when None), replacing their earlier own-theme tags. Returns the number
    of narratives given at least one tag."""
    from narrativ_nlp.themes.scale import anonymised_lemmas
    from narrativ_nlp.themes.user_themes import tag_user_themes

    if not narratives:
        return 0
    lemmas = [n.lemmas for n in narratives]
    missing = [i for i, lem in enumerate(lemmas) if lem is None]
    if missing:
        for i, lem in zip(missing, anonymised_lemmas([narratives[i].text for i in missing])):
            lemmas[i] = lem
    tags = tag_user_themes(lemmas, themes, lemmas=True) if themes else [[] for _ in narratives]
    before = store.user_tags()
    tagged = 0
    for n, ts in zip(narratives, tags):
        if write_ids is not None and n.id not in write_ids:
            continue
        rows = [{"theme_id": t.theme, "score": round(float(t.score), 4), "words": list(t.words)} for t in ts]
        if _tag_set(rows) != _tag_set(before.get(n.id, [])):
            store.set_user_tags(n.id, rows)  # (one transaction each: only the narratives whose tags changed)
        tagged += bool(ts)
    return tagged


def save_user_theme(label: str, description: str = "", examples: Any = (), theme_id: str | None = None,
                    db: str | Path | None = None) -> UserThemeSaved:
    """Add an own theme (``theme_id`` None) or change one; then tag every stored narrative at once (no
    retraining). The stored narratives are one selection for the relative threshold of
    ``themes.user_themes``, so a narrative's tags do not change with the view. Danish ``NarrativError`` for a
    missing label (E111), missing examples (E112) or an unknown theme (E091)."""
    from contextlib import closing

    from narrativ_nlp.store import NarrativeStore
    from narrativ_nlp.themes.user_themes import UserTheme

    label, description = " ".join((label or "").split()), (description or "").strip()
    ex = _clean_examples(examples)
    with closing(NarrativeStore(db)) as store:
        existing = {t.theme_id for t in store.user_themes()}
        new = theme_id is None
        tid = theme_id_for(label, existing | _reserved_ids()) if new else theme_id
        UserTheme(tid, label, description, tuple(ex))  # E110–E112 before anything is stored
        if new:
            store.add_user_theme(tid, label, description, ex)
        else:
            store.update_user_theme(tid, label=label, description=description, examples=ex)
        themes = store.user_themes()
        narratives = store.narratives()
        _tag_rows(store, themes, narratives)
        tagged = len([i for i, ts in store.user_tags().items() if any(t["theme_id"] == tid for t in ts)])
        return UserThemeSaved(tid, label, tagged, len(narratives), new)


def delete_user_theme(theme_id: str, db: str | Path | None = None) -> bool:
    """Remove an own theme and its tags (False when there was no such theme)."""
    from contextlib import closing

    from narrativ_nlp.store import NarrativeStore

    with closing(NarrativeStore(db)) as store:
        return store.delete_user_theme(theme_id)


def tag_new_narratives(ids: list[int], db: str | Path | None = None) -> int:
    """Give newly stored narratives the existing own themes' tags, judged against every stored narrative (the
    same selection as ``save_user_theme``). For the save/import path; returns how many got a tag."""
    from contextlib import closing

    from narrativ_nlp.store import NarrativeStore

    with closing(NarrativeStore(db)) as store:
        themes = store.user_themes()
        if not themes or not ids:
            return 0
        return _tag_rows(store, themes, store.narratives(), {int(i) for i in ids})


def sync_user_tags(db: str | Path | None = None) -> int:
    """Tag the narratives stored since the own themes were last tagged (a save or import that did not call
    ``tag_new_narratives``), so the own themes' tags are complete before they are shown or exported.

    A narrative counts as new when it was created at or after the oldest ``updated`` time of the own themes;
    the themes' ``updated`` time is moved to now before the new narratives are read, so each is tagged once
    (one more time when it was stored in the same second). Returns how many narratives were tagged."""
    from contextlib import closing

    from narrativ_nlp.store import NarrativeStore

    with closing(NarrativeStore(db)) as store:
        themes = store.user_themes()
        if not themes:
            return 0
        since = min(t.updated for t in themes)
        narratives = store.narratives()
        if not any(n.created >= since for n in narratives):
            return 0
        for t in themes:
            store.update_user_theme(t.theme_id)  # marks the moment: later narratives are new next time
        narratives = store.narratives()
        new = {n.id for n in narratives if n.created >= since}
        _tag_rows(store, store.user_themes(), narratives, new)
        return len(new)


def user_theme_tags(group: str | None = None, since: str | None = None, until: str | None = None,
                    db: str | Path | None = None) -> tuple[list[Any], dict[int, list[dict[str, Any]]], list[Any]]:
    """(own themes, own-theme tags per narrative id of the selection, the selection's narratives), after
    ``sync_user_tags``. A tag: ``{"theme_id", "label", "score", "words"}``."""
    from contextlib import closing

    from narrativ_nlp.store import NarrativeStore

    sync_user_tags(db)
    with closing(NarrativeStore(db)) as store:
        themes = store.user_themes()
        narratives = store.narratives(group=group or None, since=since or None, until=until or None)
        labels = {t.theme_id: t.label for t in themes}
        tags = store.user_tags([n.id for n in narratives])
    for ts in tags.values():
        for t in ts:
            t["label"] = labels.get(t["theme_id"], t["theme_id"])
    return themes, tags, narratives


def export_codebook(out: Path, group: str | None = None, since: str | None = None, until: str | None = None,
                    db: str | Path | None = None, codebook_path: str | None = None, force: bool = False) -> Path:
    """The institution's codebook as REFI-QDA ``.qdc``: the situation themes, the own themes and the
    læreplanstemaer, with the codes applied to the selection (no narrative text)."""
    from types import SimpleNamespace

    from narrativ_nlp.errors import NarrativError
    from narrativ_nlp.themes.codebook import ThemeCodebook
    from narrativ_nlp.themes.qdc import export_qdc

    out = Path(out)
    if out.exists() and not force:
        raise NarrativError("E043", path=str(out))
    themes, tags, narratives = user_theme_tags(group, since, until, db)
    items = [SimpleNamespace(themes=n.themes, curriculum=n.curriculum,
                             user_themes=[{"theme": t["theme_id"]} for t in tags.get(n.id, [])]) for n in narratives]
    return export_qdc(out, ThemeCodebook.load(codebook_path), themes, items)


# ------------------------------------------------------------------ the effect view (app)


def effect_tables(date: str, group: str | None = None, db: str | Path | None = None) -> dict[str, Any]:
    """The effect view for the app: ``{"date", "resource", "deficit", "notes", "undated"}`` with Danish column
    names (numbers kept as numbers); never per writer."""
    from narrativ_nlp.themes.effect import danish

    view = effect(date, group=group or None, db=db)
    return {"date": view.date, "resource": danish(view.resource), "deficit": danish(view.deficit),
            "notes": list(view.notes), "undated": view.undated}
