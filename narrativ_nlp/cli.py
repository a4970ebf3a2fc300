"""The ``narrativ`` command line: a thin face over ``narrativ_nlp.workflows``.

Global options (``--db``, ``--data-dir``, ``--models-dir``, ``--ner-model``) go into the settings
once (``narrativ_nlp.settings.configure``), so every command honours them. Every message is
Danish, argparse's own words too.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from narrativ_nlp.errors import NarrativError

logger = logging.getLogger("narrativ_nlp")

#: argparse's own words in Danish (it asks gettext for them)
_ARGPARSE_DA = {
    "usage: ": "brug: ",
    "positional arguments": "argumenter",
    "options": "tilvalg",
    "optional arguments": "tilvalg",
    "show this help message and exit": "vis denne hjælp og afslut",
    "show program's version number and exit": "vis versionsnummeret og afslut",
    "the following arguments are required: %s": "disse argumenter mangler: %s",
    "unrecognized arguments: %s": "ukendte argumenter: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ugyldigt valg: %(value)r (vælg mellem %(choices)s)",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s: %(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fejl: %(message)s\n",
    "expected one argument": "forventer én værdi",
    "expected at least one argument": "forventer mindst én værdi",
    "invalid %(type)s value: %(value)r": "ugyldig værdi: %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "tvetydigt tilvalg: %(option)s kan være %(matches)s",
    "not allowed with argument %s": "kan ikke bruges sammen med %s",
}


def _danish_argparse() -> None:
    import argparse as _ap

    def translate(message: str) -> str:
        return _ARGPARSE_DA.get(message, message)

    _ap._ = translate  # type: ignore[attr-defined]
    _ap.ngettext = lambda one, many, n: translate(one if n == 1 else many)  # type: ignore[attr-defined]


def _print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def _read_text_arg(name: str) -> str:
    from narrativ_nlp.workflows.analysis import read_text_input

    return read_text_input(sys.stdin.buffer.read() if name == "-" else Path(name))


def _fmt(value: float | None, digits: int = 3) -> str:
    """A number with a decimal comma, or "–"."""
    if value is None or value != value:  # None or NaN
        return "–"
    return f"{value:.{digits}f}".replace(".", ",")


# ---------------------------------------------------------------- commands


def cmd_info(args: argparse.Namespace) -> int:
    from narrativ_nlp.workflows.tools import info_lines, pipeline_info

    info = pipeline_info(load=args.load)
    if args.json:
        _print_json(info)
    else:
        print("\n".join(info_lines(info)))
    return 0


def cmd_corpus_check(args: argparse.Namespace) -> int:
    from narrativ_nlp.workflows.tools import check_corpus

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
    from narrativ_nlp.workflows.tools import build_corpus

    stats = build_corpus(Path(args.src), Path(args.out))
    for name, s in stats.items():
        print(f"{name}: {s['records']} poster")
    return 0


#: the score names of ``evaluate``'s text report in Danish (the JSON keeps the exchange format's names)
_SCORE_NAMES_DA = {
    "PERSON": "personnavne", "CPR": "CPR-numre", "PHONE": "telefonnumre", "EMAIL": "e-mail",
    "ADDRESS": "adresser", "INSTITUTION": "institutioner", "ROOM": "stuer", "OTHER": "andet", "ALL": "alle i alt",
    "deficit": "mangelsprog", "resource": "ressourcesprog", "subject_accuracy": "rigtigt barn (subjekt)",
    "subject_n": "sætninger med subjekt", "micro_f1": "mikro-F1", "macro_f1": "makro-F1",
    "micro_f1_ci": "mikro-F1, 95 %-interval", "macro_f1_ci": "makro-F1, 95 %-interval", "n": "antal",
    "nmi": "NMI", "f1": "F1",
}


def _da(name: str) -> str:
    return _SCORE_NAMES_DA.get(name, name.replace("_", " "))


def _score_line(name: str, s: dict[str, Any]) -> str:
    parts = [f"{_da(name):16}"]
    for key, label in (("gold", "guld"), ("support", "støtte"), ("precision", "præcision"), ("recall", "genkaldelse"),
                       ("f1", "F1")):
        if key in s and isinstance(s[key], (int, float)):
            parts.append(f"{label} {s[key]}" if isinstance(s[key], int) else f"{label} {_fmt(s[key])}")
    if isinstance(s.get("leaked"), list):
        parts.append(f"lækket {len(s['leaked'])}")
    return "  ".join(parts)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from narrativ_nlp.workflows.tools import evaluate_file

    result = evaluate_file(args.file, per_category=args.per_category)
    if args.json:
        _print_json(result)
        return 0
    print(f"narrativer: {result['n_narratives']}")
    for label, s in result.get("identifiers", {}).items():
        if isinstance(s, dict):
            print(_score_line(label, s))
    for kind, s in result.get("framing", {}).items():
        if isinstance(s, dict):
            print(_score_line(kind, s))
        elif isinstance(s, bool) or s is None:
            continue
        elif isinstance(s, int):
            print(f"{_da(kind):16}  {s}")
        elif isinstance(s, float):
            print(f"{_da(kind):16}  {_fmt(s)}")
    seg = result.get("segmentation")
    if isinstance(seg, dict) and isinstance(seg.get("f1"), float):
        print(f"{'sætningsgrænser':16}  F1 {_fmt(seg['f1'])}")
    for block in ("themes", "curriculum"):
        if block in result:
            values = []
            for k, v in result[block].items():
                if isinstance(v, (int, float)):
                    values.append(f"{_da(k)} {_fmt(v)}")
                elif isinstance(v, (list, tuple)) and len(v) == 2 and all(isinstance(x, (int, float)) for x in v):
                    values.append(f"{_da(k)} {_fmt(v[0])}–{_fmt(v[1])}")
            print(("temaer: " if block == "themes" else "læreplanstemaer: ") + ", ".join(values))
    print(f"sekunder pr. narrativ: {_fmt(result.get('seconds_per_narrative'), 4)}")
    return 0


def cmd_evaluate_ner(args: argparse.Namespace) -> int:
    from narrativ_nlp.workflows.tools import evaluate_ner_file

    result = evaluate_ner_file(args.file)
    if args.json:
        _print_json(result)
    else:
        for label, s in result.get("ner", {}).items():
            print(f"ner {label}: præcision {_fmt(s['precision'])} genkaldelse {_fmt(s['recall'])} F1 {_fmt(s['f1'])}")
        d = result["detector"]["PER"]
        print(f"detektor PER: genkaldelse {_fmt(d['recall'])} præcision {_fmt(d['precision'])}")
    return 0


def cmd_analyse(args: argparse.Namespace) -> int:
    from narrativ_nlp.workflows import analyse_text, analysis_dict

    text = _read_text_arg(args.file)
    analysis = analyse_text(text, more=args.more)
    if args.json:
        _print_json(analysis_dict(analysis))
        return 0
    if analysis.is_empty:
        print("Teksten er tom: intet at analysere.")
        return 0
    for note in analysis.notes:
        print(f"NB: {note}")
    for f in analysis.findings:
        kind = "Mangelsprog" if f.kind == "deficit" else "Ressourcesprog"
        print(f"[{f.start}-{f.end}] {kind} · {f.category_label} · sikkerhed {_fmt(f.confidence, 2)}")
        print(f"    «{f.text}»")
        print(f"    {f.explanation}")
        for s in f.suggestions:
            print(f"    → {s}")
    p = analysis.profile
    if p is not None:
        share = "–" if p.resource_share is None else f"{p.resource_share:.0f} %"
        print(f"\nSætninger: {p.n_sentences}; med mangelsprog: {p.n_deficit_sentences}; "
              f"med ressourcesprog: {p.n_resource_sentences}; ressourceandel: {share}")
        for item in p.checklist:
            print(f"  [{'x' if item.present else ' '}] {item.label}" + (f" («{item.evidence_text}»)" if item.present else ""))
    return 0


def cmd_train_ner(args: argparse.Namespace) -> int:
    from narrativ_nlp.workflows.tools import train_ner

    scores = train_ner(Path(args.train), Path(args.dev), Path(args.out), extra=[Path(p) for p in args.extra or []],
                       max_steps=args.max_steps, limit=args.limit, width=args.width, depth=args.depth,
                       seed=args.seed, features=not args.no_features, patience=args.patience)
    print(json.dumps(scores, indent=2))
    return 0


def cmd_train_framing(args: argparse.Namespace) -> int:
    from narrativ_nlp.workflows.tools import train_framing

    meta = train_framing([Path(p) for p in args.train], Path(args.out), limit=args.limit)
    print(json.dumps(meta, indent=2, ensure_ascii=False))
    return 0


def cmd_train_themes(args: argparse.Namespace) -> int:
    from narrativ_nlp.workflows.tools import train_themes

    print(json.dumps(train_themes([Path(p) for p in args.train], Path(args.out), limit=args.limit), indent=2))
    return 0


def cmd_train_curriculum(args: argparse.Namespace) -> int:
    from narrativ_nlp.workflows.tools import train_curriculum

    print(json.dumps(train_curriculum([Path(p) for p in args.train], Path(args.out)), indent=2, default=str))
    return 0


def cmd_curriculum(args: argparse.Namespace) -> int:
    from narrativ_nlp.workflows import curriculum_workbook

    examples: dict[str, list[int]] = {}
    for item in args.example or []:
        theme, _, ids = item.partition("=")
        examples[theme.strip()] = [int(x) for x in ids.split(",") if x.strip()]
    path, thin = curriculum_workbook(Path(args.out), args.group, args.since, args.until, examples, args.period,
                                     force=args.force)
    print(f"skrev {path}")
    for period, themes in thin.items():
        if themes:
            print(f"Tynde læreplanstemaer i {period}: {', '.join(themes)}")
    return 0


def cmd_effect(args: argparse.Namespace) -> int:
    from narrativ_nlp.workflows import effect

    view = effect(args.date, group=args.group, author=args.author)
    if args.json:
        _print_json({"date": view.date, "resource": view.resource.to_dict(orient="records"),
                     "deficit": view.deficit.to_dict(orient="records"), "undated": view.undated, "notes": view.notes})
        return 0
    for note in view.notes:
        print(f"NB: {note}")
    print(f"Ressourceandel før og efter {view.date}:")
    for r in view.resource.to_dict(orient="records"):
        ci = f"{_fmt(r.get('ci_low'), 1)} til {_fmt(r.get('ci_high'), 1)}"
        print(f"  {r['group']}: {_fmt(r.get('before'), 1)} % ({r['n_before']}) → {_fmt(r.get('after'), 1)} % "
              f"({r['n_after']}); forskel {_fmt(r.get('difference'), 1)} procentpoint (95 %-interval {ci})")
    return 0


def _print_themes(result: dict[str, Any], with_date: bool) -> None:
    for item in result["tags"]:
        head = f"{item['id']} ({item.get('date') or 'uden dato'})" if with_date else f"{item['id']}"
        print(f"{head}: " + "; ".join(f"{t['label']} {_fmt(t['score'], 2)} ({', '.join(t.get('words', []))})"
                                      for t in item["themes"]))
    d = result["discovery"]
    if d["note"]:
        print(f"Mønstre: {d['note']}")
    for c in d["clusters"]:
        print(f"Mønster {c['id'] + 1} ({c['size']} narrativer): {', '.join(c['top_terms'])} — typiske: "
              + ", ".join(str(i) for i in c["typical"]))


def cmd_themes(args: argparse.Namespace) -> int:
    from narrativ_nlp.workflows import themes_for_file, themes_for_group

    if args.file is not None and args.group is not None:
        print("Angiv enten en fil eller --group, ikke begge.", file=sys.stderr)
        return 2
    if args.file is None and args.group is None:
        print("Angiv en fil (.jsonl eller .txt) eller --group GRUPPE.", file=sys.stderr)
        return 2
    if args.file is not None:
        result = themes_for_file(Path(args.file), k_range=(args.min_k, args.max_k), embeddings=args.embeddings)
    else:
        result = themes_for_group(args.group, args.since, args.until, k_range=(args.min_k, args.max_k),
                                  embeddings=args.embeddings)
    if args.json:
        _print_json(result)
        return 0
    if result.get("message"):
        print(result["message"])
        return 0
    _print_themes(result, with_date=args.file is None)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from narrativ_nlp.settings import get_settings
    from narrativ_nlp.workflows import ImportRequest, import_files

    bar = None
    if not args.quiet and not args.json and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(desc="Anonymiserer", unit="narrativ")

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.total = total
            bar.n = done
            bar.refresh()

    report = import_files(ImportRequest(args.files, group=args.group, mode=args.mode, column=args.column),
                          progress=progress)
    if bar is not None:
        bar.close()
    if args.json:
        _print_json(report.to_dict())
    else:
        print("\n".join(report.lines_da()))
        print(f"Database: {get_settings().db}")
    return 0


def cmd_overview(args: argparse.Namespace) -> int:
    from narrativ_nlp.workflows import build_overview, export_overview

    out = Path(args.out)
    if out.suffix.lower() not in (".xlsx", ".csv", ".zip", ""):
        print(f"Ukendt rapporttype {out.suffix}: brug .xlsx, .csv eller .zip.", file=sys.stderr)
        return 2
    ov, codebook = build_overview(group=args.group, since=args.since, until=args.until, codebook_path=args.codebook,
                                  discover=not args.no_discovery, k_range=(args.min_k, args.max_k))
    if ov.n_narratives == 0:  # an empty workbook would look like a report of nothing
        where = f"gruppen »{ov.group}«" if ov.group else "databasen"
        period = f" i perioden {ov.since or '…'} – {ov.until or '…'}" if (ov.since or ov.until) else ""
        print(f"Der er ingen narrativer i {where}{period}. Ingen rapport er skrevet."
              + "".join(f"\nNB: {note}" for note in ov.notes), file=sys.stderr)
        return 1
    written = export_overview(ov, out, charts=Path(args.charts) if args.charts else None,
                              qdc=Path(args.qdc) if args.qdc else None, codebook=codebook, force=args.force)
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
    from narrativ_nlp.workflows import LABEL_DA
    from narrativ_nlp.workflows import AddTerm, FilesRequest, anonymise_files

    add = [AddTerm(w) for w in args.add or []]
    req = FilesRequest(inputs=[Path(p) for p in args.inputs], out=Path(args.out), mode=args.mode,
                       keep_columns=frozenset(args.keep_column or []), keep_words=args.keep_word or [], add=add,
                       mapping=args.mapping, force=args.force)
    result = anonymise_files(req)
    print("Erstatninger pr. type: "
          + (", ".join(f"{LABEL_DA.get(k, k)}: {v}" for k, v in sorted(result.counts.items())) or "ingen"))
    for f in result.files:
        print(f"skrev {f.output}")
    if result.mapping_path is not None:
        print(f"nøgle (original → pseudonym, kun til dig): {result.mapping_path}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from narrativ_nlp.workflows.admin import backup

    print(f"sikkerhedskopi skrevet: {backup(Path(args.dest))}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from narrativ_nlp.workflows.admin import restore

    print(f"gendannet: {restore(Path(args.src), force=args.force)}")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    from narrativ_nlp.workflows.admin import DeleteSelection, count_selected, delete

    sel = DeleteSelection(tuple(args.id or ()), args.group, args.since, args.until)
    if not (sel.ids or sel.group or sel.since or sel.until):
        print("Angiv hvad der skal slettes: --id, --group og/eller --since/--until. Intet er slettet.", file=sys.stderr)
        return 2
    n = count_selected(sel)
    if n == 0:
        print(f"Ingen narrativer matcher {sel.describe()}. Intet er slettet.")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            print(f"{n} narrativer matcher {sel.describe()}. Bekræft med --yes (intet er slettet).", file=sys.stderr)
            return 2
        answer = input(f"Slet {n} narrativ{'er' if n != 1 else ''} ({sel.describe()}) for altid? Skriv ja: ")
        if answer.strip().lower() != "ja":
            print("Intet er slettet.")
            return 1
    print(f"Slettet: {delete(sel)} narrativ(er). Teksten er fjernet fra databasefilen.")
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    from narrativ_nlp.app.main import launch
    from narrativ_nlp.settings import get_settings

    s = get_settings()
    return launch(host=args.host or s.host, port=args.port or s.port, auth=args.auth or s.auth, db=str(s.db))


# ---------------------------------------------------------------- parser

_DB_HELP = "SQLite-fil (standard: narrativ.sqlite3 i datamappen, eller NARRATIV_DB)"


def build_parser() -> argparse.ArgumentParser:
    from narrativ_nlp import __version__

    _danish_argparse()
    p = argparse.ArgumentParser(prog="narrativ", description="narrativ: dansk sprogværktøj til pædagogiske narrativer")
    p.add_argument("--version", action="version", version=f"narrativ {__version__}",
                   help="vis versionsnummeret og afslut")
    p.add_argument("--debug", action="store_true", help="vis tekniske detaljer ved fejl (aldrig tekst fra narrativer)")
    p.add_argument("--ner-model", default=None, help="spaCy-NER-model (sti eller pakkenavn); ellers NARRATIV_NER_MODEL")
    p.add_argument("--models-dir", default=None, help="mappe med modeller (standard: de medfølgende; NARRATIV_MODELS_DIR)")
    p.add_argument("--data-dir", default=None, help="datamappe (standard: ~/.local/share/narrativ; NARRATIV_DATA_DIR)")
    p.add_argument("--db", dest="global_db", default=None, metavar="DB", help=_DB_HELP)
    sub = p.add_subparsers(dest="command", title="kommandoer", metavar="KOMMANDO")

    def add(name: str, help_text: str, func) -> argparse.ArgumentParser:
        help_text = help_text.replace("%", "%%")  # argparse formats help with %-parameters
        s = sub.add_parser(name, help=help_text, description=help_text)
        s.set_defaults(func=func)
        return s

    s = add("info", "vis database, modeller (med kilde) og versioner", cmd_info)
    s.add_argument("--json", action="store_true", help="som JSON")
    s.add_argument("--load", action="store_true", help="indlæs også pipelinen og vis dens komponenter (langsommere)")

    corpus = sub.add_parser("corpus", help="korpusværktøjer", description="korpusværktøjer")
    csub = corpus.add_subparsers(dest="corpus_command", title="kommandoer", metavar="KOMMANDO", required=True)
    s = csub.add_parser("check", help="valider JSONL-filer i udvekslingsformatet")
    s.add_argument("files", nargs="+", help="JSONL-filer")
    s.set_defaults(func=cmd_corpus_check)
    s = csub.add_parser("build", help="byg JSONL-filer og datakortets tal fra corpora/src")
    s.add_argument("--src", default="corpora/src", help="kildemappen (standard: corpora/src)")
    s.add_argument("--out", default="corpora", help="uddatamappen (standard: corpora)")
    s.set_defaults(func=cmd_corpus_build)

    s = add("evaluate", "scor en annoteret JSONL-fil (udvekslingsformatet)", cmd_evaluate)
    s.add_argument("file", help="JSONL-fil")
    s.add_argument("--json", action="store_true", help="som JSON")
    s.add_argument("--per-category", action="store_true", help="også genkaldelse pr. framing-kategori")

    s = add("evaluate-ner", "scor NER og navnedetektion på en IOB2-fil", cmd_evaluate_ner)
    s.add_argument("file", help="IOB2-fil")
    s.add_argument("--json", action="store_true", help="som JSON")

    s = add("analyse", "find mangel- og ressourcesprog i en narrativ", cmd_analyse)
    s.add_argument("file", help="tekstfil eller - for standard input")
    s.add_argument("--json", action="store_true", help="som JSON")
    s.add_argument("--more", action="store_true", help="flere forslag (lavere tærskel)")

    s = add("train-ner", "træn NER-modellen (kræver narrativ[train])", cmd_train_ner)
    s.add_argument("--train", required=True, help="træningsdata (IOB2)")
    s.add_argument("--dev", required=True, help="udviklingsdata (IOB2)")
    s.add_argument("--extra", nargs="*", help="korpusfiler (JSONL) hvis PERSON-spænd lægges til")
    s.add_argument("--out", required=True, help="uddatamappe")
    s.add_argument("--max-steps", type=int, default=None, help="højst så mange træningsskridt")
    s.add_argument("--limit", type=int, default=None, help="brug kun de første N sætninger (røgtest)")
    s.add_argument("--width", type=int, default=None, help="tok2vec-bredde (standard: config.cfg)")
    s.add_argument("--depth", type=int, default=None, help="tok2vec-dybde (standard: config.cfg)")
    s.add_argument("--seed", type=int, default=0, help="tilfældighedsfrø")
    s.add_argument("--patience", type=int, default=None, help="stop efter N skridt uden forbedring på dev")
    s.add_argument("--no-features", action="store_true",
                   help="uden trækstabellen (fornavn, efternavn, dansk ord, ordfrekvens); tabellen kræver wordfreq")

    s = add("train-framing", "træn sætningsklassifikatoren", cmd_train_framing)
    s.add_argument("--train", nargs="+", required=True, help="JSONL-filer med sætningsannotationer")
    s.add_argument("--out", required=True, help="uddatamappe")
    s.add_argument("--limit", type=int, default=None, help="brug kun de første N sætninger (røgtest)")

    s = add("train-themes", "træn temamodellen", cmd_train_themes)
    s.add_argument("--train", nargs="+", required=True, help="JSONL-filer med temaannotationer")
    s.add_argument("--out", required=True, help="uddatamappe")
    s.add_argument("--limit", type=int, default=None, help="brug kun de første N narrativer (røgtest)")

    s = add("train-curriculum", "træn modellen for læreplanstemaer", cmd_train_curriculum)
    s.add_argument("--train", nargs="+", required=True, help="JSONL-filer med feltet curriculum")
    s.add_argument("--out", required=True, help="uddatamappe")

    s = add("curriculum", "læreplansevaluering: et regneark pr. læreplanstema (antal, udvikling, eksempler)", cmd_curriculum)
    s.add_argument("--out", required=True, help="regnearket (.xlsx)")
    s.add_argument("--group", default=None, help="kun denne gruppe")
    s.add_argument("--since", default=None, help="fra og med dato")
    s.add_argument("--until", default=None, help="til og med dato")
    s.add_argument("--period", choices=["month", "quarter"], default="quarter", help="periode: måned eller kvartal")
    s.add_argument("--example", action="append", metavar="TEMA=ID,ID",
                   help="eksempelnarrativer til et læreplanstema, fx social=12,40 (kan gentages)")
    s.add_argument("--force", action="store_true", help="overskriv en eksisterende fil")
    s.add_argument("--db", default=None, help=_DB_HELP)

    s = add("effect", "før og efter en dato: ressourceandel og mangelsprog pr. gruppe, med 95 %-interval", cmd_effect)
    s.add_argument("--date", required=True, help="skæringsdatoen (fx læringsforløbets start)")
    s.add_argument("--group", default=None, help="kun denne gruppe")
    s.add_argument("--author", default=None, help="kun denne forfatters egne narrativer (fx din egen kode)")
    s.add_argument("--json", action="store_true", help="som JSON")
    s.add_argument("--db", default=None, help=_DB_HELP)

    s = add("themes", "temaer og mønstre for en fil (.jsonl eller .txt) eller en gruppe i databasen", cmd_themes)
    s.add_argument("file", nargs="?", default=None, help="fil (.jsonl eller .txt); udelad med --group")
    s.add_argument("--json", action="store_true", help="som JSON")
    s.add_argument("--min-k", type=int, default=4, help="mindst så mange mønstre (klynger)")
    s.add_argument("--max-k", type=int, default=12, help="højst så mange mønstre (klynger)")
    s.add_argument("--group", default=None, help="læs gruppens narrativer fra databasen i stedet for en fil")
    s.add_argument("--since", default=None, help="fra og med dato (ÅÅÅÅ-MM-DD eller D.M.ÅÅÅÅ)")
    s.add_argument("--until", default=None, help="til og med dato (ÅÅÅÅ-MM-DD eller D.M.ÅÅÅÅ)")
    s.add_argument("--db", default=None, help=_DB_HELP)
    s.add_argument("--embeddings", default=None, metavar="MAPPE",
                   help="mønstre med vektorer fra en lokal transformers-model i MAPPE (kræver narrativ[transformers])")

    s = add("import", "importér narrativer (.jsonl, .csv, .xlsx, .docx, .txt eller en mappe) i databasen", cmd_import)
    s.add_argument("files", nargs="+", help="filer eller mapper")
    s.add_argument("--group", default=None, help="gruppen for alle narrativerne (ellers kolonnen/feltet 'gruppe'/'group')")
    s.add_argument("--column", default=None, help="tekstkolonnen i .csv/.xlsx (standard: findes ud fra navnet)")
    s.add_argument("--mode", choices=["placeholder", "surrogate", "mask"], default="placeholder",
                   help="pseudonymer: pladsholdere [Person 1], opdigtede navne eller ■■■")
    s.add_argument("--db", default=None, help=_DB_HELP)
    s.add_argument("--json", action="store_true", help="rapporten som JSON")
    s.add_argument("--quiet", action="store_true", help="ingen fremdriftslinje")

    s = add("overview", "lederens overblik: tabeller og diagrammer til Excel eller CSV", cmd_overview)
    s.add_argument("--group", default=None, help="kun denne gruppe (standard: alle grupper)")
    s.add_argument("--since", default=None, help="fra og med dato (ÅÅÅÅ-MM-DD eller D.M.ÅÅÅÅ)")
    s.add_argument("--until", default=None, help="til og med dato (ÅÅÅÅ-MM-DD eller D.M.ÅÅÅÅ)")
    s.add_argument("--out", required=True, help="rapport.xlsx, rapport.zip, rapport.csv (én fil pr. tabel) eller en mappe")
    s.add_argument("--charts", default=None, help="gem diagrammerne som PNG i denne mappe")
    s.add_argument("--qdc", default=None, help="gem kodebogen som REFI-QDA (.qdc) til NVivo eller ATLAS.ti")
    s.add_argument("--codebook", default=None, help="kodebog (YAML); standard: den indbyggede")
    s.add_argument("--no-discovery", action="store_true", help="spring mønstre (klyngedannelse) over")
    s.add_argument("--min-k", type=int, default=4, help="mindst så mange mønstre")
    s.add_argument("--max-k", type=int, default=12, help="højst så mange mønstre")
    s.add_argument("--force", action="store_true", help="overskriv eksisterende filer")
    s.add_argument("--db", default=None, help=_DB_HELP)
    s.add_argument("--json", action="store_true", help="som JSON")

    s = add("anonymise", "anonymisér filer (.txt, .docx, .csv, .xlsx, .jsonl): alle dele, alle kolonner", cmd_anonymise)
    s.add_argument("inputs", nargs="+", help="filer (ændres aldrig)")
    s.add_argument("--out", required=True, help="uddatamappe")
    s.add_argument("--mode", choices=["placeholder", "surrogate", "mask"], default="placeholder",
                   help="pseudonymer: pladsholdere [Person 1], opdigtede navne eller ■■■")
    s.add_argument("--keep-column", action="append", metavar="KOLONNE",
                   help="lad denne kolonne/dette felt stå urørt (kan gentages)")
    s.add_argument("--keep-word", action="append", metavar="ORD", help="ikke et navn: lad ordet stå (kan gentages)")
    s.add_argument("--add", action="append", metavar="ORD", help="et overset navn: erstat det overalt (kan gentages)")
    s.add_argument("--mapping", action="store_true",
                   help="skriv nøglen (original → pseudonym) som noegle.json i uddatamappen, kun læsbar for dig")
    s.add_argument("--force", action="store_true", help="overskriv eksisterende filer i uddatamappen")
    s.add_argument("--column", default=None, help=argparse.SUPPRESS)  # older option: every column is read now
    s.add_argument("--quiet", action="store_true", help="ingen fremdriftslinje")

    s = add("backup", "lav en sikker kopi af databasen (mens appen kører)", cmd_backup)
    s.add_argument("dest", help="kopiens filnavn (overskrives aldrig)")
    s.add_argument("--db", default=None, help=_DB_HELP)

    s = add("restore", "læg en sikkerhedskopi tilbage som database (stop appen først)", cmd_restore)
    s.add_argument("src", help="sikkerhedskopien")
    s.add_argument("--force", action="store_true", help="erstat en eksisterende database")
    s.add_argument("--db", default=None, help=_DB_HELP)

    s = add("delete", "slet narrativer for altid (efter id, gruppe eller periode), med bekræftelse", cmd_delete)
    s.add_argument("--id", type=int, action="append", help="narrativens nummer (kan gentages)")
    s.add_argument("--group", default=None, help="alle narrativer i gruppen")
    s.add_argument("--since", default=None, help="fra og med dato")
    s.add_argument("--until", default=None, help="til og med dato")
    s.add_argument("--yes", action="store_true", help="bekræft uden at spørge")
    s.add_argument("--db", default=None, help=_DB_HELP)

    s = add("app", "start appen (http://127.0.0.1:7860)", cmd_app)
    s.add_argument("--host", default=None, help="adresse (standard 127.0.0.1; NARRATIV_HOST)")
    s.add_argument("--port", type=int, default=None, help="port (standard 7860; NARRATIV_PORT)")
    s.add_argument("--auth", default=None, help="bruger:adgangskode (eller NARRATIV_AUTH)")
    s.add_argument("--db", default=None, help=_DB_HELP)
    return p


def main(argv: list[str] | None = None) -> int:
    from narrativ_nlp.settings import configure, reset

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return 0
    reset()
    try:
        configure(ner_model=args.ner_model, models_dir=args.models_dir, data_dir=args.data_dir,
                  db=getattr(args, "db", None) or args.global_db)
        _check_settings()
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


def _check_settings() -> None:
    """A named model or models folder that does not exist fails now, before any work."""
    from narrativ_nlp.workflows.settings_check import check_settings

    check_settings()


if __name__ == "__main__":
    raise SystemExit(main())
