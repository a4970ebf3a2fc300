"""Run every evaluation and benchmark and write ``evaluation/REPORT.md``.

    python evaluation/run_all.py [--uner-dev ../shared/data/uner_da_ddt/da_ddt-ud-dev.iob2] [--skip-benchmarks]

Scores the corpus test split (narratives and sentences), the blind file, and the
UNER dev split when its path is given; runs the benchmarks in
``evaluation/benchmarks/``; writes the numbers with the commands, the machine and
the date. Nothing here tunes anything: settings are chosen on dev
(``evaluation/tune_framing.py``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "evaluation" / "benchmarks"


def narrativ(*args: str) -> dict:
    cmd = [sys.executable, "-m", "narrativ_nlp.cli", *args, "--json"]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(proc.stdout)


def bench(script: str, *args: str) -> dict | None:
    path = BENCH / script
    if not path.is_file():
        return None
    proc = subprocess.run([sys.executable, str(path), *args], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"}
    return json.loads(proc.stdout)


def fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def fmt_ci(ci: list[float] | None) -> str:
    """A 95 % interval as «0.662–0.763» (– when the run has none, e.g. results from before intervals)."""
    return "–" if not ci else f"{ci[0]:.3f}–{ci[1]:.3f}"


INTERVALS_NOTE = (
    "Intervals are 95 %: for recall of identifiers a Wilson interval over the gold spans (it stays informative at "
    "100 %; it treats names as independent, so it is too narrow when a missed name recurs in its narrative), for F1 "
    "a bootstrap over narratives (2,000 resamples, fixed seed; `narrativ_nlp.evaluation.scoring`). On a few dozen "
    "test narratives they are wide: read a figure near its target with its interval."
)


#: the test split's PERSON recall is no longer blind (see the session 4 closing note)
TEST_CAVEAT = (
    "Caveat: earlier reports listed one test leak («Kim» opening a sentence, «Kim fra stuen»). "
    "Session 4 designed the sentence-start rules that now find it on train, dev and UNER dev only, "
    "but the class of error was chosen because of that leak, so this split's PERSON recall is no "
    "longer a blind figure; the blind file below is."
)


def identifier_table(res: dict) -> str:
    rows = ["| label | gold | recall | recall 95 % interval | precision | F1 | leaked |", "|---|---|---|---|---|---|---|"]
    for label, s in res.get("identifiers", {}).items():
        rows.append(f"| {label} | {s['gold']} | {fmt(s['recall'])} | {fmt_ci(s.get('recall_ci'))} | {fmt(s['precision'])} "
                    f"| {fmt(s['f1'])} | {len(s['leaked'])} |")
    return "\n".join(rows)


def leaked_list(res: dict) -> str:
    leaks = res.get("identifiers", {}).get("ALL", {}).get("leaked", [])
    if not leaks:
        return "No identifier leaked."
    return "Leaked: " + ", ".join(f"`{x['id']}` «{x['text']}»" for x in leaks)


def framing_table(res: dict) -> str:
    rows = ["| label | precision | recall | F1 | F1 95 % interval | support |", "|---|---|---|---|---|---|"]
    for kind, s in res.get("framing", {}).items():
        rows.append(f"| {kind} | {fmt(s['precision'])} | {fmt(s['recall'])} | {fmt(s['f1'])} | {fmt_ci(s.get('f1_ci'))} "
                    f"| {s['support']} |")
    return "\n".join(rows)


def category_table(*named: tuple[str, dict]) -> str:
    cats = sorted({c for _, r in named for c in r.get("framing_categories", {})})
    rows = ["| category | " + " | ".join(f"{n} recall (support)" for n, _ in named) + " |", "|---" * (len(named) + 1) + "|"]
    for c in cats:
        cells = []
        for _, r in named:
            s = r.get("framing_categories", {}).get(c)
            cells.append("–" if s is None else f"{s['recall']:.3f} ({s['support']})")
        rows.append(f"| {c} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _get(d: dict | None, *path: str):
    for k in path:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def targets_table(raw: dict) -> str:
    """Each issue's targets next to the measured figure of this run: met, NOT met or not measured."""
    test, uner, b = raw["test"], raw.get("uner_dev") or {}, raw.get("benchmarks") or {}
    scale = next((s for s in (_get(b, "themes_scale", "sizes") or []) if s.get("n") == 10000 and "total_s" in s), None)
    rows = [
        # (issue, what, measured, target, higher is better[, 95 % interval])
        ("#3", "deficit precision, test narratives", _get(test, "framing", "deficit", "precision"), 0.85, True),
        ("#3", "deficit F1, test narratives", _get(test, "framing", "deficit", "f1"), 0.85, True, _get(test, "framing", "deficit", "f1_ci")),
        ("#3", "resource F1, test narratives", _get(test, "framing", "resource", "f1"), 0.80, True, _get(test, "framing", "resource", "f1_ci")),
        ("#3", "`analyse` median ms, 250 words, one core", _get(b, "framing", "median_ms"), 15, False),
        ("#3", "`analyse` p95 ms, 250 words, one core", _get(b, "framing", "p95_ms"), 30, False),
        ("#4", "PERSON recall, test narratives", _get(test, "identifiers", "PERSON", "recall"), 0.99, True, _get(test, "identifiers", "PERSON", "recall_ci")),
        ("#4", "PERSON precision, test narratives", _get(test, "identifiers", "PERSON", "precision"), 0.85, True),
        ("#4", "CPR recall, test narratives", _get(test, "identifiers", "CPR", "recall"), 1.0, True, _get(test, "identifiers", "CPR", "recall_ci")),
        ("#4", "PHONE recall, test narratives", _get(test, "identifiers", "PHONE", "recall"), 1.0, True, _get(test, "identifiers", "PHONE", "recall_ci")),
        ("#4", "EMAIL recall, test narratives", _get(test, "identifiers", "EMAIL", "recall"), 1.0, True, _get(test, "identifiers", "EMAIL", "recall_ci")),
        ("#4", "detector PER recall, UNER dev", _get(uner, "detector", "PER", "recall"), 0.95, True, _get(uner, "detector", "PER", "recall_ci")),
        ("#4", "NER model alone PER F1, UNER dev", _get(uner, "ner", "PER", "f1"), 0.80, True),
        ("#4", "narratives/s (150 words), detect + pseudonymise, one at a time", _get(b, "identifiers", "narratives_per_second"), 100, True),
        ("#4", "narratives/s (150 words), batch API `detect_many`", _get(b, "identifiers", "batch_detect_many", "narratives_per_second"), 100, True),
        ("#5", "theme tagging micro-F1, test narratives", _get(test, "themes", "micro_f1"), 0.80, True, _get(test, "themes", "micro_f1_ci")),
        ("#5", "theme tagging macro-F1, test narratives", _get(test, "themes", "macro_f1"), 0.70, True, _get(test, "themes", "macro_f1_ci")),
        ("#5", "discovery NMI against the first theme, test narratives", _get(test, "themes", "nmi"), 0.50, True),
        ("#5", "10,000 narratives tagged, clustered, summarised (s)", None if scale is None else scale["total_s"], 60, False),
        ("#5", "peak memory at 10,000 narratives (MB)", None if scale is None else scale["peak_rss_mb"], 1536, False),
    ]
    lines = ["| issue | figure | measured | 95 % interval | target | |", "|---|---|---|---|---|---|"]
    for issue, what, value, target, higher, *ci in rows:
        if value is None:
            verdict, shown = "not measured in this run", "–"
        else:
            ok = value >= target if higher else value <= target
            verdict, shown = ("met" if ok else "**NOT met**"), (f"{value:.3f}" if target <= 1 else f"{value:,.1f}")
        lines.append(f"| {issue} | {what} | {shown} | {fmt_ci(ci[0] if ci else None)} | {'≥' if higher else '≤'} {target:g} | {verdict} |")
    return "\n".join(lines)


def themes_scale_table(res: dict) -> str:
    """The theme scale benchmark (``bench_themes.py``) as a table: time per step, memory, growth, target."""
    if "error" in res:
        return f"Failed: {res['error']}"
    t = res.get("target", {})
    lines = [
        f"Synthetic narratives from `{res.get('corpus')}` (seed {res.get('seed')}), each size in its own process with a "
        f"fresh SQLite file, {res.get('cpus')} CPU cores. Target: {t.get('size', 10000):,} narratives tagged, stored, "
        f"clustered and summarised in ≤ {t.get('seconds', 60):.0f} s, peak memory ≤ {t.get('peak_mb', 1536):.0f} MB.",
        "",
        "| narratives | lemmas + tag s | store s | cluster s | summarise s | total s | growth | k | peak RSS MB | charts s | Excel s |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    growth = res.get("growth_vs_smallest", {})
    for s in res.get("sizes", []):
        if "total_s" not in s:
            lines.append(f"| {s.get('n', '?'):,} | failed: {s.get('error', '?')} | | | | | | | | | |")
            continue
        lines.append(f"| {s['n']:,} | {s['tag_s']:.1f} | {s['store_s']:.1f} | {s['cluster_s']:.1f} | {s['summarise_s']:.1f} | "
                     f"**{s['total_s']:.1f}** | ×{growth.get(str(s['n']), 1.0):.1f} | {s['k']} | {s['peak_rss_mb']:.0f} | "
                     f"{s['charts_s']:.1f} | {s['excel_s']:.1f} |")
    for s in res.get("skipped", []):
        lines.append(f"| {s['n']:,} | skipped: {s['reason']} | | | | | | | | | |")
    met = res.get("target_met")
    if met:
        lines += ["", f"Target at {t.get('size', 10000):,}: time {'met' if met['seconds'] else 'NOT met'}, "
                      f"peak memory {'met' if met['peak_memory'] else 'NOT met'}."]
    imp = res.get("import_sample")
    if imp and "seconds_per_narrative" in imp:
        lines += ["", f"Real import (anonymise + tag + framing profile + store) of {imp['n']} corpus narratives: "
                      f"{imp['seconds_per_narrative']:.3f} s per narrative after a {imp['pipeline_load_s']:.0f} s pipeline load "
                      f"(≈ {imp['estimated_10k_import_min']:.0f} min for 10,000)."]
    return "\n".join(lines)


def theme_agreement_run() -> dict:
    """Second-annotator agreement on themes (``evaluation/theme_agreement.py``)."""
    proc = subprocess.run([sys.executable, str(ROOT / "evaluation" / "theme_agreement.py"), "--with-model", "--json"],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(proc.stdout)


def agreement_table(agreement: dict) -> str:
    lines = ["| narratives | n | micro-F1 | micro-F1 95 % interval | macro-F1 | first theme agrees | first-theme kappa "
             "| first-theme NMI | first-theme AMI |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, r in agreement.items():
        lines.append(f"| {name} | {r['n']} | {fmt(r['micro_f1'])} | {fmt_ci(r.get('micro_f1_ci'))} | {fmt(r['macro_f1'])} "
                     f"| {fmt(r['first_theme_agreement'])} | {fmt(r['first_theme_kappa'])} | {fmt(r['first_theme_nmi'])} "
                     f"| {fmt(r.get('first_theme_ami'))} |")
    compared = [(name, r) for name, r in agreement.items() if r.get("model_minus_second")]
    if compared:
        lines += ["", "The tagger against the second annotator on the same narratives (paired bootstrap over narratives):", "",
                  "| narratives | tagger micro-F1 | second annotator micro-F1 | difference | difference 95 % interval |",
                  "|---|---|---|---|---|"]
        for name, r in compared:
            d = r["model_minus_second"]
            lines.append(f"| {name} | {fmt(r['model']['micro_f1'])} | {fmt(r['micro_f1'])} | {d['difference']:+.3f} "
                         f"| {fmt_ci(d.get('difference_ci'))} |")
    return "\n".join(lines)


def agreement_note(raw: dict) -> list[str]:
    """One line under the targets: what a second annotator reaches on the same test narratives."""
    t = (raw.get("theme_agreement") or {}).get("test")
    if not t:
        return []
    line = (f"For the theme rows: a second annotator, against the same corpus labels of the test narratives, reaches "
            f"micro-F1 {fmt(t['micro_f1'])} (95 % interval {fmt_ci(t.get('micro_f1_ci'))}), macro-F1 {fmt(t['macro_f1'])} "
            f"and first-theme NMI {fmt(t['first_theme_nmi'])} (section Themes).")
    d = t.get("model_minus_second")
    if d and d.get("difference_ci"):
        line += (f" On the same narratives the tagger's micro-F1 minus the second annotator's is {d['difference']:+.3f} "
                 f"(paired 95 % interval {fmt_ci(d['difference_ci'])}).")
    return [line, ""]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--uner-dev", default=None)
    ap.add_argument("--skip-benchmarks", action="store_true")
    ap.add_argument("--report-only", action="store_true", help="rewrite REPORT.md from evaluation/results.json")
    args = ap.parse_args()
    if args.report_only:
        raw = json.loads((ROOT / "evaluation" / "results.json").read_text(encoding="utf-8"))
        write_report(raw, args)
        return
    corpora = ROOT / "corpora"
    test = narrativ("evaluate", str(corpora / "narratives.test.jsonl"), "--per-category")
    sent = narrativ("evaluate", str(corpora / "sentences.test.jsonl"), "--per-category")
    blind = narrativ("evaluate", str(corpora / "blind.jsonl"), "--per-category")
    uner = narrativ("evaluate-ner", args.uner_dev) if args.uner_dev else None
    benches = {}
    if not args.skip_benchmarks:
        benches["framing"] = bench("bench_framing.py", "--corpus", "corpora/narratives.test.jsonl")
        benches["identifiers"] = bench("bench_identifiers.py", "--corpus", "corpora/narratives.test.jsonl")
        benches["presidio"] = bench("bench_presidio.py", "--corpus", "corpora/narratives.test.jsonl")
        benches["themes_scale"] = bench("bench_themes.py", "--sizes", "1000", "10000", "50000")
    info = narrativ("info")
    agreement = theme_agreement_run()
    raw = {"test": test, "sentences_test": sent, "blind": blind, "uner_dev": uner, "benchmarks": benches, "info": info,
           "theme_agreement": agreement}
    (ROOT / "evaluation" / "results.json").write_text(json.dumps(raw, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_report(raw, args)


def write_report(raw: dict, args: argparse.Namespace) -> None:
    test, sent, blind, uner, benches, info = (raw[k] for k in ("test", "sentences_test", "blind", "uner_dev", "benchmarks", "info"))
    lines = [
        "# narrativ evaluation report",
        "",
        f"Generated {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} by `python evaluation/run_all.py"
        + (f" --uner-dev {args.uner_dev}" if args.uner_dev else "") + "`; raw numbers in `evaluation/results.json`.",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"spaCy {info['spacy']}, scikit-learn {info['scikit-learn']}. NER model: `{info['ner_model']}` ({info['ner_source']}).",
        "",
        "Settings were chosen on the dev split only (`python evaluation/tune_framing.py corpora/narratives.dev.jsonl "
        "corpora/sentences.dev.jsonl`); test and blind were never used for tuning.",
        "",
        "## Targets at a glance",
        "",
        "Computed from the figures below (benchmarks on one pinned core; see the load average recorded in each benchmark).",
        "",
        targets_table(raw),
        "",
        INTERVALS_NOTE,
        "",
        *agreement_note(raw),
        "## Identifiers (anonymisation)",
        "",
        f"### Corpus test split (`narrativ evaluate corpora/narratives.test.jsonl`, {test['n_narratives']} narratives)",
        "",
        identifier_table(test),
        "",
        leaked_list(test),
        "",
        TEST_CAVEAT,
        "",
        f"### Blind file (`corpora/blind.jsonl`, {blind['n_narratives']} narratives, different style, never tuned on)",
        "",
        identifier_table(blind),
        "",
        leaked_list(blind),
        "",
        f"### Single sentences, test split (`corpora/sentences.test.jsonl`, {sent['n_narratives']} sentences)",
        "",
        identifier_table(sent),
        "",
    ]
    if uner:
        lines += ["### UNER Danish-DDT dev split (`narrativ evaluate-ner`)", "",
                  "| | PER precision | PER recall | PER F1 | LOC F1 | ORG F1 |", "|---|---|---|---|---|---|"]
        ner = uner.get("ner")
        if ner:
            lines.append(f"| NER model alone | {fmt(ner['PER']['precision'])} | {fmt(ner['PER']['recall'])} | {fmt(ner['PER']['f1'])} | {fmt(ner['LOC']['f1'])} | {fmt(ner['ORG']['f1'])} |")
        d = uner["detector"]["PER"]
        lines += [f"| full detector (PER covered by PERSON) | {fmt(d['precision'])} | {fmt(d['recall'])} | – | – | – |", ""]
    lines += [
        "## Framing",
        "",
        "### Corpus test split, narratives",
        "",
        framing_table(test),
        "",
        "### Corpus test split, single sentences",
        "",
        framing_table(sent),
        "",
        "### Blind file",
        "",
        framing_table(blind),
        "",
        "### Recall per gold category (share of sentences with the category that were flagged with its kind)",
        "",
        category_table(("test narratives", test), ("test sentences", sent), ("blind", blind)),
        "",
    ]
    if "themes" in test:
        lines += ["## Themes", "",
                  "Tagging: micro/macro F1 of the tags against the corpus themes. Discovery: the clusters against each "
                  "narrative's first theme; *NMI by chance* is the mean NMI of the same cluster sizes assigned at random "
                  "(on 65 narratives and a dozen clusters it is far above 0), AMI is corrected for chance (0 = chance).", "",
                  "| file | micro-F1 | micro 95 % interval | macro-F1 | macro 95 % interval | k | NMI | NMI by chance | AMI | ARI |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for name, res in (("test narratives", test), ("blind", blind)):
            t = res.get("themes", {})
            lines.append(f"| {name} | {fmt(t.get('micro_f1'))} | {fmt_ci(t.get('micro_f1_ci'))} | {fmt(t.get('macro_f1'))} "
                         f"| {fmt_ci(t.get('macro_f1_ci'))} | {t.get('k', '–')} | {fmt(t.get('nmi'))} "
                         f"| {fmt(t.get('nmi_chance'))} | {fmt(t.get('ami'))} | {fmt(t.get('ari'))} |")
        lines.append("")
        if raw.get("theme_agreement"):
            lines += ["### How far two annotators agree (`python evaluation/theme_agreement.py`)", "",
                      "A second annotator labelled every narrative from the text and the codebook alone, without "
                      "the corpus labels or any model output (`corpora/annotations/themes.annotator2.jsonl`). "
                      "Their agreement with the corpus labels, scored like the tagger (micro/macro F1) and like "
                      "discovery (NMI of the first themes), is the ceiling to read the model's figures against.", "",
                      agreement_table(raw["theme_agreement"]), ""]
    lines += ["## Benchmarks", ""]
    if not benches:
        lines.append("Not run (`--skip-benchmarks`).")
    for name, res in benches.items():
        if res is None:
            continue
        if name == "themes_scale":
            lines += ["### Themes and overview at scale (`evaluation/benchmarks/bench_themes.py`)", "",
                      themes_scale_table(res), ""]
            continue
        lines += [f"### {name}", "", "```json", json.dumps(res, indent=2, ensure_ascii=False), "```", ""]
    lines += ["", f"`narrativ evaluate` speed on the test split: {test['seconds_per_narrative']} s per narrative (all capabilities, one process)."]
    (ROOT / "evaluation" / "REPORT.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
