"""Themes for a file or a stored group, and the leader's overview."""

from __future__ import annotations

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
