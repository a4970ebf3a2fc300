"""The ``narrativ`` command line."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from narrativ_nlp.errors import NarrativError

logger = logging.getLogger("narrativ_nlp")


def _print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def _read_text_arg(name: str) -> str:
    if name == "-":
        data = sys.stdin.buffer.read()
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise NarrativError("E002", path="<stdin>") from None
    path = Path(name)
    if not path.is_file():
        raise NarrativError("E001", path=name)
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NarrativError("E002", path=name) from None


# ---------------------------------------------------------------- commands


def cmd_info(args: argparse.Namespace) -> int:
    from narrativ_nlp.info import pipeline_info

    info = pipeline_info(args.ner_model)
    if args.json:
        _print_json(info)
    else:
        for key, value in info.items():
            print(f"{key}: {value}")
    return 0


def cmd_corpus_check(args: argparse.Namespace) -> int:
    from narrativ_nlp.corpus.format import check_corpus

    status = 0
    for name in args.files:
        records, problems = check_corpus(name)
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            status = 1
            print(f"FEJL {name}: {len(problems)} problem(er), {len(records)} gyldige poster")
        else:
            print(f"OK   {name}: {len(records)} poster")
    return status


def cmd_corpus_build(args: argparse.Namespace) -> int:
    from narrativ_nlp.corpus.build import build_corpus

    stats = build_corpus(Path(args.src), Path(args.out))
    for name, s in stats.items():
        print(f"{name}: {s['records']} records")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from narrativ_nlp.evaluation.evaluate import evaluate_file

    result = evaluate_file(args.file, ner_model=args.ner_model, per_category=args.per_category)
    if args.json:
        _print_json(result)
        return 0
    print(f"narrativer: {result['n_narratives']}")
    for label, s in result.get("identifiers", {}).items():
        print(f"{label:12} gold {s['gold']:4}  recall {s['recall']:.3f}  precision {s['precision']:.3f}  f1 {s['f1']:.3f}  lækket {len(s['leaked'])}")
    for kind, s in result.get("framing", {}).items():
        print(f"{kind:12} precision {s['precision']:.3f}  recall {s['recall']:.3f}  f1 {s['f1']:.3f}  (støtte {s['support']})")
    if "themes" in result:
        print("temaer: " + ", ".join(f"{k} {v:.3f}" for k, v in result["themes"].items()))
    print(f"sekunder pr. narrativ: {result['seconds_per_narrative']}")
    return 0


def cmd_evaluate_ner(args: argparse.Namespace) -> int:
    from narrativ_nlp.evaluation.evaluate import evaluate_ner_file

    result = evaluate_ner_file(args.file, ner_model=args.ner_model)
    if args.json:
        _print_json(result)
    else:
        for label, s in result.get("ner", {}).items():
            print(f"ner {label}: precision {s['precision']:.3f} recall {s['recall']:.3f} f1 {s['f1']:.3f}")
        d = result["detector"]["PER"]
        print(f"detektor PER: recall {d['recall']:.3f} precision {d['precision']:.3f}")
    return 0


def cmd_analyse(args: argparse.Namespace) -> int:
    from narrativ_nlp.api import analysis_to_dict
    from narrativ_nlp.framing.analysis import analyse

    text = _read_text_arg(args.file)
    analysis = analyse(text, more=args.more)
    if args.json:
        _print_json(analysis_to_dict(analysis))
        return 0
    if analysis.is_empty:
        print("Teksten er tom: intet at analysere.")
        return 0
    for note in analysis.notes:
        print(f"NB: {note}")
    for f in analysis.findings:
        kind = "Mangelsprog" if f.kind == "deficit" else "Ressourcesprog"
        print(f"[{f.start}-{f.end}] {kind} · {f.category_label} · {f.confidence:.2f} ({f.source})")
        print(f"    «{f.text}»")
        print(f"    {f.explanation}")
        for s in f.suggestions:
            print(f"    → {s}")
    p = analysis.profile
    if p is not None:
        share = "–" if p.resource_share is None else f"{p.resource_share:.0f} %"
        print(f"\nSætninger: {p.n_sentences}; med mangelsprog: {p.n_deficit_sentences}; med ressourcesprog: {p.n_resource_sentences}; ressourceandel: {share}")
        for item in p.checklist:
            print(f"  [{'x' if item.present else ' '}] {item.label}" + (f" («{item.evidence_text}»)" if item.present else ""))
    return 0


def cmd_train_ner(args: argparse.Namespace) -> int:
    from narrativ_nlp.ner.training import train_ner

    scores = train_ner(Path(args.train), Path(args.dev), Path(args.out), extra=[Path(p) for p in args.extra or []],
                       max_steps=args.max_steps, limit=args.limit, width=args.width, depth=args.depth,
                       seed=args.seed, features=not args.no_features, patience=args.patience)
    print(json.dumps(scores, indent=2))
    return 0


def cmd_train_framing(args: argparse.Namespace) -> int:
    from narrativ_nlp.framing.training import train_framing

    meta = train_framing([Path(p) for p in args.train], Path(args.out), limit=args.limit)
    print(json.dumps(meta, indent=2, ensure_ascii=False))
    return 0


def cmd_train_themes(args: argparse.Namespace) -> int:
    from narrativ_nlp.themes.training import train_themes

    print(json.dumps(train_themes([Path(p) for p in args.train], Path(args.out), limit=args.limit), indent=2))
    return 0


def cmd_themes(args: argparse.Namespace) -> int:
    from narrativ_nlp.themes.discovery import discover
    from narrativ_nlp.themes.evaluate import default_tagger
    from narrativ_nlp.themes.features import texts_to_lemmas

    if args.file is None or args.group is not None:
        return _themes_from_store(args)
    path = Path(args.file)
    if path.suffix == ".jsonl":
        from narrativ_nlp.corpus.format import read_corpus

        ids_texts = [(r.id, r.text) for r in read_corpus(path)]
    else:
        ids_texts = [(path.name, _read_text_arg(args.file))]
    lemmas = texts_to_lemmas([t for _, t in ids_texts])
    tags = default_tagger().tag(lemmas)
    vectors = None
    if args.embeddings and len(lemmas) >= 4:
        from narrativ_nlp.anonymise import anonymise_text
        from narrativ_nlp.themes.embeddings import embed_texts
        from narrativ_nlp.themes.scale import strip_placeholders

        # names and other identifiers out first, as in the store
        vectors = embed_texts([strip_placeholders(anonymise_text(t).text) for _, t in ids_texts], args.embeddings)
    found = discover(lemmas, k_range=(args.min_k, args.max_k), vectors=vectors)
    result = {
        "tags": [{"id": i, "themes": [{"theme": t.theme, "label": t.label, "score": t.score, "words": list(t.words)} for t in ts]}
                 for (i, _), ts in zip(ids_texts, tags)],
        "discovery": {"k": found.k, "silhouette": found.silhouette, "note": found.note,
                      "backend": "embeddings" if args.embeddings else "tfidf-nmf",
                      "clusters": [{"id": c.id, "size": c.size, "top_terms": list(c.top_terms),
                                    "typical": [ids_texts[i][0] for i in c.typical]} for c in found.clusters]},
    }
    if args.json:
        _print_json(result)
        return 0
    for item in result["tags"]:
        print(f"{item['id']}: " + "; ".join(f"{t['label']} {t['score']:.2f} ({', '.join(t['words'])})" for t in item["themes"]))
    d = result["discovery"]
    if d["note"]:
        print(f"Temafund: {d['note']}")
    for c in d["clusters"]:
        print(f"Gruppe {c['id'] + 1} ({c['size']} narrativer): {', '.join(c['top_terms'])} — typiske: {', '.join(c['typical'])}")
    return 0


def _open_store(args: argparse.Namespace):
    from narrativ_nlp.store import NarrativeStore, default_db_path

    return NarrativeStore(Path(args.db) if args.db else default_db_path())


def _themes_from_store(args: argparse.Namespace) -> int:
    from narrativ_nlp.overview import themes_from_store

    if args.file is not None:
        print("Angiv enten en fil eller --group, ikke begge.", file=sys.stderr)
        return 2
    if args.group is None:
        print("Angiv en fil (.jsonl eller .txt) eller --group GRUPPE.", file=sys.stderr)
        return 2
    store = _open_store(args)
    result = themes_from_store(store, args.group, args.since, args.until, k_range=(args.min_k, args.max_k),
                               embeddings=args.embeddings)
    if args.json:
        _print_json(result)
        return 0
    if result["message"]:
        print(result["message"])
        return 0
    for item in result["tags"]:
        print(f"{item['id']} ({item['date'] or 'uden dato'}): "
              + "; ".join(f"{t['label']} {t['score']:.2f} ({', '.join(t['words'])})" for t in item["themes"]))
    d = result["discovery"]
    if d["note"]:
        print(f"Temafund: {d['note']}")
    for c in d["clusters"]:
        print(f"Gruppe {c['id'] + 1} ({c['size']} narrativer): {', '.join(c['top_terms'])} — typiske: "
              + ", ".join(str(i) for i in c["typical"]))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from narrativ_nlp.importer import import_files

    store = _open_store(args)
    report = import_files(args.files, store, group=args.group, mode=args.mode, progress=not args.quiet and not args.json)
    if args.json:
        _print_json(report.to_dict())
    else:
        print("\n".join(report.lines_da()))
        print(f"Database: {store.path}")
    return 0


def cmd_overview(args: argparse.Namespace) -> int:
    from narrativ_nlp.overview import build_overview, export, export_qdc, save_figures
    from narrativ_nlp.themes.codebook import ThemeCodebook

    out = Path(args.out)
    if out.suffix.lower() not in (".xlsx", ".csv", ".zip", ""):
        print(f"Ukendt rapporttype {out.suffix}: brug .xlsx, .csv eller .zip.", file=sys.stderr)
        return 2
    store = _open_store(args)
    codebook = ThemeCodebook.load(args.codebook)
    ov = build_overview(store, group=args.group, since=args.since, until=args.until, codebook=codebook,
                        discover=not args.no_discovery, k_range=(args.min_k, args.max_k))
    written = export(ov, out)
    if args.charts:
        written += save_figures(ov, Path(args.charts))
    if args.qdc:
        written.append(export_qdc(codebook, Path(args.qdc)))
    if args.json:
        _print_json({"group": ov.group, "since": ov.since, "until": ov.until, "n_narratives": ov.n_narratives,
                     "notes": ov.notes, "written": [str(p) for p in written]})
        return 0
    print(f"Narrativer: {ov.n_narratives}" + (f" · gruppe {ov.group}" if ov.group else " · alle grupper"))
    for note in ov.notes:
        print(f"NB: {note}")
    if not ov.is_empty:
        top = ov["per_theme"].sort_values("any_theme", ascending=False).head(5)
        print("Hyppigste temaer: " + ", ".join(f"{r.label} ({r.any_theme})" for r in top.itertuples() if r.any_theme))
        months = ov["resource_per_month"]
        months = months[months["with_profile"] > 0]
        if len(months):
            first, last = months.iloc[0], months.iloc[-1]
            print(f"Ressourceandel (gennemsnit): {first['month']} {first['mean_resource_share']:.0f} % → "
                  f"{last['month']} {last['mean_resource_share']:.0f} %")
    for path in written:
        print(f"skrev {path}")
    return 0


def cmd_anonymise(args: argparse.Namespace) -> int:
    from narrativ_nlp.anonymise_files import anonymise_files

    summary = anonymise_files([Path(p) for p in args.inputs], Path(args.out), mode=args.mode, column=args.column,
                              mapping_path=Path(args.mapping) if args.mapping else None, progress=not args.quiet)
    print("Erstatninger pr. type: " + (", ".join(f"{k}: {v}" for k, v in sorted(summary.counts.items())) or "ingen"))
    for path in summary.written:
        print(f"skrev {path}")
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    from narrativ_nlp.app.main import launch

    return launch(host=args.host, port=args.port, auth=args.auth, db=args.db)


# ---------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="narrativ", description="narrativ: dansk sprogværktøj til pædagogiske narrativer")
    p.add_argument("--debug", action="store_true", help="vis tekniske detaljer ved fejl (aldrig tekst fra narrativer)")
    p.add_argument("--ner-model", default=None, help="spaCy NER-model (sti eller pakkenavn); ellers NARRATIV_NER_MODEL")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("info", help="vis pipeline, modeller og versioner")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_info)

    corpus = sub.add_parser("corpus", help="korpusværktøjer").add_subparsers(dest="corpus_command", required=True)
    s = corpus.add_parser("check", help="valider JSONL-filer i udvekslingsformatet")
    s.add_argument("files", nargs="+")
    s.set_defaults(func=cmd_corpus_check)
    s = corpus.add_parser("build", help="byg JSONL-filer og datakortets tal fra corpora/src")
    s.add_argument("--src", default="corpora/src")
    s.add_argument("--out", default="corpora")
    s.set_defaults(func=cmd_corpus_build)

    s = sub.add_parser("evaluate", help="scor en annoteret JSONL-fil")
    s.add_argument("file")
    s.add_argument("--json", action="store_true")
    s.add_argument("--per-category", action="store_true", help="også recall pr. framing-kategori")
    s.set_defaults(func=cmd_evaluate)

    s = sub.add_parser("evaluate-ner", help="scor NER og navnedetektion på en IOB2-fil")
    s.add_argument("file")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_evaluate_ner)

    s = sub.add_parser("analyse", help="find mangel- og ressourcesprog i en narrativ")
    s.add_argument("file", help="tekstfil eller - for standard input")
    s.add_argument("--json", action="store_true")
    s.add_argument("--more", action="store_true", help="flere forslag (lavere tærskel)")
    s.set_defaults(func=cmd_analyse)

    s = sub.add_parser("train-ner", help="træn NER-modellen")
    s.add_argument("--train", required=True)
    s.add_argument("--dev", required=True)
    s.add_argument("--extra", nargs="*", help="korpusfiler (JSONL) hvis PERSON-spænd lægges til")
    s.add_argument("--out", required=True)
    s.add_argument("--max-steps", type=int, default=None)
    s.add_argument("--limit", type=int, default=None, help="brug kun de første N sætninger (røgtest)")
    s.add_argument("--width", type=int, default=None, help="tok2vec-bredde (standard: config.cfg)")
    s.add_argument("--depth", type=int, default=None, help="tok2vec-dybde (standard: config.cfg)")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--patience", type=int, default=None, help="stop efter N skridt uden forbedring på dev (standard: config.cfg)")
    s.add_argument("--no-features", action="store_true",
                   help="uden trækstabellen (fornavn, efternavn, dansk ord, ordfrekvens) som statiske vektorer; "
                        "tabellen kræver pakken wordfreq ved træning")
    s.set_defaults(func=cmd_train_ner)

    s = sub.add_parser("train-framing", help="træn sætningsklassifikatoren")
    s.add_argument("--train", nargs="+", required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--limit", type=int, default=None)
    s.set_defaults(func=cmd_train_framing)

    s = sub.add_parser("train-themes", help="træn temamodellen")
    s.add_argument("--train", nargs="+", required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--limit", type=int, default=None)
    s.set_defaults(func=cmd_train_themes)

    s = sub.add_parser("themes", help="temaer og temafund for en fil (.jsonl eller .txt) eller en gruppe i databasen")
    s.add_argument("file", nargs="?", default=None)
    s.add_argument("--json", action="store_true")
    s.add_argument("--min-k", type=int, default=4)
    s.add_argument("--max-k", type=int, default=12)
    s.add_argument("--group", default=None, help="læs gruppens narrativer fra databasen i stedet for en fil")
    s.add_argument("--since", default=None, help="fra og med dato (ÅÅÅÅ-MM-DD)")
    s.add_argument("--until", default=None, help="til og med dato (ÅÅÅÅ-MM-DD)")
    s.add_argument("--db", default=None, help="SQLite-fil (standard: brugerens datamappe eller NARRATIV_DB)")
    s.add_argument("--embeddings", default=None, metavar="DIR",
                   help="temafund med vektorer fra en lokal transformers-model i DIR (kræver narrativ[embeddings])")
    s.set_defaults(func=cmd_themes)

    s = sub.add_parser("import", help="importér narrativer (.jsonl, .csv, .docx, .txt eller en mappe) i databasen")
    s.add_argument("files", nargs="+")
    s.add_argument("--group", default=None, help="gruppen for alle narrativerne (ellers feltet 'group')")
    s.add_argument("--mode", choices=["placeholder", "surrogate", "mask"], default="placeholder")
    s.add_argument("--db", default=None, help="SQLite-fil (standard: brugerens datamappe eller NARRATIV_DB)")
    s.add_argument("--json", action="store_true")
    s.add_argument("--quiet", action="store_true")
    s.set_defaults(func=cmd_import)

    s = sub.add_parser("overview", help="lederens overblik: tabeller og diagrammer til Excel eller CSV")
    s.add_argument("--group", default=None, help="kun denne gruppe (standard: alle grupper)")
    s.add_argument("--since", default=None, help="fra og med dato (ÅÅÅÅ-MM-DD)")
    s.add_argument("--until", default=None, help="til og med dato (ÅÅÅÅ-MM-DD)")
    s.add_argument("--out", required=True, help="rapport.xlsx, rapport.zip, rapport.csv (én fil pr. tabel) eller en mappe")
    s.add_argument("--charts", default=None, help="gem diagrammerne som PNG i denne mappe")
    s.add_argument("--qdc", default=None, help="gem kodebogen som REFI-QDA (.qdc) til NVivo eller ATLAS.ti")
    s.add_argument("--codebook", default=None, help="kodebog (YAML); standard: den indbyggede")
    s.add_argument("--no-discovery", action="store_true", help="spring temafund (klyngedannelse) over")
    s.add_argument("--min-k", type=int, default=4)
    s.add_argument("--max-k", type=int, default=12)
    s.add_argument("--db", default=None, help="SQLite-fil (standard: brugerens datamappe eller NARRATIV_DB)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_overview)

    s = sub.add_parser("anonymise", help="anonymisér filer (.txt, .docx, .csv, .jsonl)")
    s.add_argument("inputs", nargs="+")
    s.add_argument("--out", required=True, help="uddatamappe (inddata ændres aldrig)")
    s.add_argument("--mode", choices=["placeholder", "surrogate", "mask"], default="placeholder")
    s.add_argument("--column", default="text", help="tekstkolonnen i .csv og feltet i .jsonl")
    s.add_argument("--mapping", default=None, help="skriv nøglen (original → pseudonym) hertil; kun hvis du beder om det")
    s.add_argument("--quiet", action="store_true")
    s.set_defaults(func=cmd_anonymise)

    s = sub.add_parser("app", help="start appen (http://127.0.0.1:7860)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=7860)
    s.add_argument("--auth", default=os.environ.get("NARRATIV_AUTH"), help="bruger:adgangskode (eller NARRATIV_AUTH)")
    s.add_argument("--db", default=None, help="SQLite-fil (standard: brugerens datamappe)")
    s.set_defaults(func=cmd_app)
    return p


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except NarrativError as exc:
        print(f"Fejl: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Afbrudt.", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback with narrative text for users
        if args.debug:
            raise
        print(f"Uventet fejl ({type(exc).__name__}). Kør igen med --debug for tekniske detaljer.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
