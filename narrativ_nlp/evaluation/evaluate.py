"""``narrativ evaluate`` and ``narrativ evaluate-ner``: score files with the shared conventions."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from narrativ_nlp.corpus.format import read_corpus
from narrativ_nlp.evaluation.scoring import (
    PredFinding,
    PredSpan,
    covered,
    score_framing,
    score_framing_by_category,
    score_identifiers,
    score_sentence_starts,
    score_subjects,
    wilson_interval,
)


def evaluate_file(path: str | Path, ner_model: str | None = None, per_category: bool = False) -> dict[str, Any]:
    """Score every capability for which the file has gold annotations."""
    from narrativ_nlp.anonymise import detect
    from narrativ_nlp.framing.analysis import analyse
    from narrativ_nlp.pipeline import load_pipeline

    records = read_corpus(path)
    nlp = load_pipeline(ner_model)
    result: dict[str, Any] = {"n_narratives": len(records)}
    t0 = time.perf_counter()
    id_items, framing_items, subject_items, segment_items = [], [], [], []
    theme_gold, theme_records = [], []
    for rec in records:
        if rec.entities is not None:
            pred = [PredSpan(s.start, s.end, s.label) for s in detect(rec.text, nlp).spans]
            id_items.append((rec.id, rec.text, rec.entities, pred))
        if rec.sentences is not None:
            analysis = analyse(rec.text, nlp=nlp)
            framing_items.append((rec.sentences, [(f.start, f.kind) for f in analysis.findings]))
            segment_items.append((rec.text, rec.sentences, [(s.start, s.end) for s in analysis.sentences]))
            if any(s.has_subject for s in rec.sentences):
                found = [PredFinding(f.start, f.kind, f.subject, f.subject_text) for f in analysis.findings]
                subject_items.append((rec.text, rec.sentences, found, analysis.sentence_subjects))
        if rec.themes:
            theme_gold.append(rec.themes)
            theme_records.append(rec)
    if id_items:
        result["identifiers"] = score_identifiers(id_items)
    if framing_items:
        result["framing"] = score_framing(framing_items)
        if subject_items:
            # the full scores beside "framing"; the exchange format's name for the headline figure inside it
            result["framing_subject"] = score_subjects(subject_items)
            result["framing"]["subject_accuracy"] = result["framing_subject"].get("subject_accuracy")
            result["framing"]["subject_n"] = result["framing_subject"].get("subject_n")
        result["segmentation"] = score_sentence_starts(segment_items)
        if per_category:
            result["framing_categories"] = score_framing_by_category(framing_items)
    if theme_records:
        themes = _score_themes(theme_records)
        if themes is not None:
            result["themes"] = themes
    curriculum_records = [r for r in records if _has_curriculum(r)]
    if curriculum_records:
        curriculum = _score_curriculum(curriculum_records)
        if curriculum is not None:
            result["curriculum"] = curriculum
    result["seconds_per_narrative"] = round((time.perf_counter() - t0) / max(1, len(records)), 4)
    return result


def _score_themes(records: list) -> dict[str, float] | None:
    """Theme tagging and clustering scores, when the theme capability is installed."""
    try:
        from narrativ_nlp.themes.evaluate import score_theme_records
    except ImportError:
        return None
    return score_theme_records(records)


def _has_curriculum(rec) -> bool:
    cur = getattr(rec, "curriculum", None)
    return cur is not None or "curriculum" in (getattr(rec, "extra", None) or {})


def _score_curriculum(records: list) -> dict[str, Any] | None:
    """Curriculum tagging scores (micro/macro F1, micro-F1 interval) when the gold has the field."""
    try:
        from narrativ_nlp.themes.evaluate import score_curriculum_records
    except ImportError:
        return None
    return score_curriculum_records(records)


def evaluate_ner_file(path: str | Path, ner_model: str | None = None) -> dict[str, Any]:
    """Score the NER model alone (exact spans) and the full detector (PER coverage) on IOB2."""
    import spacy
    from spacy.tokens import Doc

    from narrativ_nlp.anonymise import detect
    from narrativ_nlp.ner.iob2 import read_iob2
    from narrativ_nlp.pipeline import choose_ner_model, load_pipeline

    sentences = list(read_iob2(path))
    nlp = load_pipeline(ner_model)
    choice = choose_ner_model(ner_model)
    counts: dict[str, dict[str, int]] = {}

    def bump(label: str, key: str) -> None:
        counts.setdefault(label, {"tp": 0, "fp": 0, "fn": 0})[key] += 1

    result: dict[str, Any] = {}
    if choice.source != "none":
        ner_nlp = spacy.load(choice.name)
        for sent in sentences:
            doc = Doc(ner_nlp.vocab, words=sent.tokens, spaces=sent.spaces())
            for _name, proc in ner_nlp.pipeline:
                doc = proc(doc)
            gold = set(sent.char_spans())
            pred = {(e.start_char, e.end_char, {"PERSON": "PER", "GPE": "LOC"}.get(e.label_, e.label_)) for e in doc.ents}
            for g in gold:
                bump(g[2], "tp" if g in pred else "fn")
            for p in pred - gold:
                bump(p[2], "fp")
        ner: dict[str, Any] = {}
        for label in ("PER", "LOC", "ORG"):
            c = counts.get(label, {"tp": 0, "fp": 0, "fn": 0})
            p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
            r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            ner[label] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": c["tp"] + c["fn"]}
        result["ner"] = ner
    gold_n = found = pred_n = pred_ok = 0
    for sent in sentences:
        text = "".join(t + (" " if sp else "") for t, sp in zip(sent.tokens, sent.spaces()))
        persons = [(s.start, s.end) for s in detect(text, nlp).spans if s.label == "PERSON"]
        # punctuation glued to a gold token ("Pedersen.") identifies nobody: not required
        gold = [_strip_punct(text, s, e) for s, e, lab in sent.char_spans() if lab == "PER"]
        gold_n += len(gold)
        found += sum(covered(s, e, persons, text) for s, e in gold)
        pred_n += len(persons)
        pred_ok += sum(any(s < ge and gs < e for gs, ge in gold) for s, e in persons)
    result["detector"] = {
        "PER": {
            "recall": round(found / gold_n, 4) if gold_n else 1.0,
            "recall_ci": wilson_interval(found, gold_n),
            "precision": round(pred_ok / pred_n, 4) if pred_n else 1.0,
            "gold": gold_n,
        }
    }
    return result


def _strip_punct(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start + 1 and not text[end - 1].isalnum():
        end -= 1
    while start < end - 1 and not text[start].isalnum():
        start += 1
    return start, end
