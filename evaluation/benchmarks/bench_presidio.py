"""narrativ's identifier detector side by side with Microsoft Presidio on one corpus split.

    python evaluation/benchmarks/bench_presidio.py --corpus corpora/narratives.test.jsonl [--ner-model models/ner-da]

(a) narrativ: ``detect(text).spans`` with the pipeline built on ``--ner-model``;
(b) Presidio (presidio-analyzer + presidio-anonymizer, an optional evaluation
dependency): a spaCy NLP engine on the SAME NER model directory, language "da",
with Presidio's locale-agnostic predefined recognizers (those of its
``default_recognizers.yaml`` without a country code: email, phone, URL, IP, IBAN,
credit card, crypto, date, MAC, UUID) registered for "da", plus its spaCy NER
recognizer. Presidio never downloads anything here: the engine loads the model
from a directory, ``spacy.cli.download`` is disabled for the run, and the e-mail
validator uses tldextract's bundled public-suffix snapshot instead of fetching it.

When ``--ner-model`` does not exist yet (no ``meta.json``), both systems run on a
temporary blank Danish pipeline (no statistical NER) and the output says so.

Both are scored with ``score_identifiers`` (the corpus conventions) after mapping
Presidio's entity types to the corpus labels (the mapping is part of the output),
and timed per narrative on one CPU core. Prints one JSON object on stdout.
"""

from __future__ import annotations

import _common  # noqa: I001  (first: sets the thread variables before numpy/spaCy load)

import argparse
import contextlib
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

#: Presidio entity type → corpus label. Types not listed are not counted in the main score.
PRESIDIO_TO_CORPUS = {
    "PERSON": "PERSON",
    "EMAIL_ADDRESS": "EMAIL",
    "EMAIL": "EMAIL",  # an NER label EMAIL, after Presidio's own model→Presidio mapping
    "PHONE_NUMBER": "PHONE",
    "LOCATION": "ADDRESS",
    "ORGANIZATION": "INSTITUTION",
}
MAPPING_NOTES = {
    "PERSON": "exact counterpart (our NER's PER/PERSON → Presidio PERSON by Presidio's default model mapping)",
    "EMAIL_ADDRESS": "exact counterpart",
    "PHONE_NUMBER": "exact counterpart (python-phonenumbers; see presidio.config.phone_regions)",
    "LOCATION": "approximate: Presidio LOCATION (NER LOC/GPE) is any place, incl. towns, which the corpus does not mark; "
                "there is no street-address recognizer",
    "ORGANIZATION": "approximate: any organisation, the corpus marks only institution proper names",
    "CPR": "no Presidio recognizer for Danish CPR numbers (nothing maps to CPR)",
    "unmapped": "DATE_TIME, URL, IP_ADDRESS, IBAN_CODE, CREDIT_CARD, CRYPTO, MAC_ADDRESS, UUID, NRP, AGE, ID, ...: "
                "left out of the main score; 'scores_all_spans' counts them as label OTHER (each is then a false "
                "positive for precision, but covers characters for recall, as Presidio's anonymizer would redact them)",
}
PRESIDIO_DEFAULT_REGIONS = ("US", "GB", "DE", "FR", "IL", "IN", "CA", "BR")


def _scores(items, max_leaks: int | None) -> dict[str, dict[str, Any]]:
    """``score_identifiers`` per label and ALL, with the number of predicted spans (a label with none
    predicted gets precision 1.0 by the scoring convention) and the leaks as "id: text" (at most ``max_leaks``)."""
    from narrativ_nlp.evaluation.scoring import score_identifiers

    predicted: dict[str, int] = {}
    for _id, _text, _gold, pred in items:
        for p in pred:
            predicted[p.label] = predicted.get(p.label, 0) + 1
    out = {}
    for label, s in score_identifiers(items).items():
        leaks = [f"{leak['id']}: {leak['text']}" for leak in s["leaked"]]
        n_pred = sum(predicted.values()) if label == "ALL" else predicted.get(label, 0)
        out[label] = {"gold": s["gold"], "predicted": n_pred, "recall": s["recall"], "precision": s["precision"],
                      "f1": s["f1"], "n_leaked": len(leaks), "leaked": leaks if max_leaks is None else leaks[:max_leaks]}
    return out


def _timing(seconds: list[float]) -> dict[str, float]:
    return {"mean_seconds_per_narrative": round(statistics.fmean(seconds), 5),
            "median_seconds_per_narrative": round(statistics.median(seconds), 5),
            "total_seconds": round(sum(seconds), 3)}


def _requirement_problems(dist_names: list[str]) -> list[str]:
    """Requirements of the given distributions that the installed packages do not meet (like ``pip check``)."""
    from importlib.metadata import PackageNotFoundError, requires, version

    from packaging.requirements import Requirement

    problems = []
    for dist in dist_names:
        for raw in requires(dist) or []:
            req = Requirement(raw)
            if req.marker is not None and not req.marker.evaluate({"extra": ""}):
                continue
            try:
                have = version(req.name)
            except PackageNotFoundError:
                problems.append(f"{dist} requires {req}, not installed")
                continue
            if req.specifier and not req.specifier.contains(have, prereleases=True):
                problems.append(f"{dist} requires {req}, installed {req.name} {have}")
    return problems


def _ner_model(requested: str, tmp: Path) -> dict[str, Any]:
    import spacy

    path = _common.resolve(requested)
    if (path / "meta.json").is_file():
        return {"requested": requested, "path": str(path), "fallback": False}
    blank = tmp / "blank-da"
    spacy.blank("da").to_disk(blank)
    return {"requested": requested, "path": str(blank), "fallback": True,
            "note": f"{requested} not found (no meta.json): both systems ran on a blank Danish pipeline without NER"}


def run_narrativ(records, ner_path: str, warmup: int) -> tuple[dict[str, Any], list]:
    from narrativ_nlp.anonymise import detect
    from narrativ_nlp.evaluation.scoring import PredSpan
    from narrativ_nlp.identifiers.pseudonymise import Pseudonymiser
    from narrativ_nlp.pipeline import load_pipeline

    nlp = load_pipeline(ner_path)
    for rec in records[:warmup]:
        detect(rec.text, nlp)
    items, t_detect, t_both = [], [], []
    pseudonymiser = Pseudonymiser(mode="placeholder")
    for rec in records:
        t0 = time.perf_counter()
        spans = detect(rec.text, nlp).spans
        t1 = time.perf_counter()
        pseudonymiser.apply(rec.text, spans)
        t2 = time.perf_counter()
        t_detect.append(t1 - t0)
        t_both.append(t2 - t0)
        items.append((rec.id, rec.text, rec.entities, [PredSpan(s.start, s.end, s.label) for s in spans]))
    info = {"pipeline": _common.pipeline_info(nlp),
            "ner_labels": list(nlp.get_pipe("ner").labels) if "ner" in nlp.pipe_names else [],
            "timing_detect": _timing(t_detect), "timing_detect_and_pseudonymise": _timing(t_both)}
    return info, items


def build_presidio(ner_path: str, phone_regions: tuple[str, ...], score_threshold: float):
    """Presidio's analyzer for Danish on our NER model, offline; returns (analyzer, anonymizer, config)."""
    import spacy.cli
    import tldextract
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import EmailRecognizer, PhoneRecognizer
    from presidio_anonymizer import AnonymizerEngine

    def _no_download(*args, **kwargs):
        raise RuntimeError(f"benchmark is offline: Presidio tried to download a spaCy model {args}")

    spacy.cli.download = _no_download  # Presidio calls this only for a model that is neither a package nor a path

    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "da", "model_name": ner_path}],
        "ner_model_configuration": {"labels_to_ignore": ["MISC"]},  # our NER's MISC has no Presidio entity
    })
    engine = provider.create_engine()
    registry = RecognizerRegistry(supported_languages=["da"])
    # Presidio's own default recognizer list, for "da", without country-specific ones (none is Danish)
    registry.load_predefined_recognizers(languages=["da"], nlp_engine=engine, countries=[])
    offline_psl = tldextract.TLDExtract(suffix_list_urls=())  # bundled public-suffix snapshot, no HTTP
    for rec in list(registry.recognizers):
        if isinstance(rec, EmailRecognizer):
            rec.validate_result = lambda pattern_text: offline_psl(pattern_text).fqdn != ""
        if isinstance(rec, PhoneRecognizer):
            registry.remove_recognizer(rec.name, language="da")
    registry.add_recognizer(PhoneRecognizer(supported_language="da", supported_regions=phone_regions))
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["da"],
                              default_score_threshold=score_threshold)
    config = {
        "nlp_engine": "spacy (SpacyNlpEngine via NlpEngineProvider)",
        "language": "da",
        "ner_model_path": ner_path,
        "ner_labels": list(engine.nlp["da"].get_pipe("ner").labels) if "ner" in engine.nlp["da"].pipe_names else [],
        "recognizers": sorted({f"{type(r).__name__}:{'/'.join(r.supported_entities)}" for r in registry.recognizers}),
        "phone_regions": list(phone_regions),
        "score_threshold": score_threshold,
        "context_words": "Presidio's defaults (English)",
        "offline": "model loaded from a directory; spacy.cli.download disabled; tldextract without suffix-list URLs",
    }
    return analyzer, AnonymizerEngine(), config


def run_presidio(records, ner_path: str, phone_regions, score_threshold: float, warmup: int):
    from importlib.metadata import version

    from narrativ_nlp.evaluation.scoring import PredSpan

    t0 = time.perf_counter()
    analyzer, anonymizer, config = build_presidio(ner_path, phone_regions, score_threshold)
    load_s = time.perf_counter() - t0
    for rec in records[:warmup]:
        analyzer.analyze(rec.text, language="da")
    items, items_all, t_an, t_both = [], [], [], []
    type_counts: dict[str, int] = {}
    for rec in records:
        t0 = time.perf_counter()
        results = analyzer.analyze(rec.text, language="da")
        t1 = time.perf_counter()
        anonymizer.anonymize(text=rec.text, analyzer_results=results)
        t2 = time.perf_counter()
        t_an.append(t1 - t0)
        t_both.append(t2 - t0)
        for r in results:
            type_counts[r.entity_type] = type_counts.get(r.entity_type, 0) + 1
        mapped = [PredSpan(r.start, r.end, PRESIDIO_TO_CORPUS[r.entity_type]) for r in results
                  if r.entity_type in PRESIDIO_TO_CORPUS]
        every = [PredSpan(r.start, r.end, PRESIDIO_TO_CORPUS.get(r.entity_type, "OTHER")) for r in results]
        items.append((rec.id, rec.text, rec.entities, mapped))
        items_all.append((rec.id, rec.text, rec.entities, every))
    info = {
        "available": True,
        "versions": {d: version(d) for d in ("presidio-analyzer", "presidio-anonymizer")},
        "unmet_requirements": _requirement_problems(["presidio-analyzer", "presidio-anonymizer"]),
        "config": config,
        "engine_load_seconds": round(load_s, 3),
        "entity_type_counts": dict(sorted(type_counts.items())),
        "timing_analyze": _timing(t_an),
        "timing_analyze_and_anonymize": _timing(t_both),
    }
    return info, items, items_all


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=_common.DEFAULT_CORPUS)
    ap.add_argument("--ner-model", default=_common.DEFAULT_NER_MODEL,
                    help="spaCy model directory used by BOTH systems (default: models/ner-da)")
    ap.add_argument("--phone-regions", default=",".join(("DK",) + PRESIDIO_DEFAULT_REGIONS),
                    help="regions of Presidio's PhoneRecognizer (Presidio's default list lacks DK; we add it)")
    ap.add_argument("--score-threshold", type=float, default=0.0, help="Presidio's default_score_threshold (its default: 0)")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--max-leaks", type=int, default=15, help="leaked spans listed per label (-1: all)")
    args = ap.parse_args()
    max_leaks = None if args.max_leaks < 0 else args.max_leaks
    out = sys.stdout
    with contextlib.redirect_stdout(sys.stderr), tempfile.TemporaryDirectory(prefix="bench-presidio-") as tmp:
        logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
        from narrativ_nlp.corpus.format import read_corpus

        records = [r for r in read_corpus(_common.resolve(args.corpus)) if r.entities is not None]
        ner = _ner_model(args.ner_model, Path(tmp))
        core = _common.single_core()

        narrativ_info, narrativ_items = run_narrativ(records, ner["path"], args.warmup)
        narrativ = {"scores": _scores(narrativ_items, max_leaks), **narrativ_info}

        try:
            import presidio_analyzer  # noqa: F401
            import presidio_anonymizer  # noqa: F401
        except ImportError as exc:
            presidio: dict[str, Any] = {"available": False,
                                        "reason": f"{type(exc).__name__}: {exc} "
                                                  "(pip install presidio-analyzer presidio-anonymizer)"}
        else:
            try:
                info, items, items_all = run_presidio(records, ner["path"], tuple(args.phone_regions.split(",")),
                                                      args.score_threshold, args.warmup)
                presidio = {"scores": _scores(items, max_leaks), "scores_all_spans": _scores(items_all, 0), **info}
            except Exception as exc:  # report, do not crash the side-by-side
                presidio = {"available": False, "reason": f"Presidio failed: {type(exc).__name__}: {exc}"}

    _common.emit({
        "benchmark": "identifiers: narrativ vs Presidio",
        "corpus": args.corpus,
        "n_narratives": len(records),
        "ner_model": {k: v for k, v in ner.items() if k != "path" or not ner["fallback"]},
        "narrativ": narrativ,
        "presidio": presidio,
        "mapping": {"presidio_to_corpus": PRESIDIO_TO_CORPUS, "notes": MAPPING_NOTES,
                    "scoring": "score_identifiers: recall = gold spans fully covered by predicted spans of any label; "
                               "precision = predicted spans overlapping a gold span of the same (mapped) label"},
        "single_core": _common.public(core),
        "environment": _common.environment(),
    }, out)


if __name__ == "__main__":
    main()
