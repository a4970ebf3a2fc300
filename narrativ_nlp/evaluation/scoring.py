"""Scoring conventions of ``shared/docs/corpus-format.md``, as pure functions.

Identifiers: a gold span is found when predicted spans (of any label) cover all
of its characters; a partly covered span is a leak. Precision counts a
predicted span as correct when it overlaps a gold span of the same label.
Framing: per gold sentence, binary deficit/resource; a predicted finding
belongs to the sentence holding its first character.
Themes: micro/macro F1 over multi-label tags; NMI/ARI of clusters against the
first gold theme.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from narrativ_nlp.resources import ENTITY_LABELS


@dataclass(frozen=True)
class PredSpan:
    start: int
    end: int
    label: str


def _prf(tp_gold: int, n_gold: int, tp_pred: int, n_pred: int) -> tuple[float, float, float]:
    recall = tp_gold / n_gold if n_gold else 1.0
    precision = tp_pred / n_pred if n_pred else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return round(precision, 4), round(recall, 4), round(f1, 4)


def covered(start: int, end: int, spans: Iterable[tuple[int, int]], text: str | None = None) -> bool:
    """True when ``spans`` cover every character of [start, end).

    With ``text``, white space inside the gold span may stay uncovered, so a
    double name found as two predicted spans ("Emma" + "Sofie") counts as found.
    """
    pos = start
    for s, e in sorted(spans):
        if e <= pos:
            continue
        if s > pos:
            gap = text[pos:s] if text is not None and s <= end else None
            if gap is None or gap.strip():
                break
        pos = max(pos, e)
        if pos >= end:
            return True
    return pos >= end


def score_identifiers(
    items: Sequence[tuple[str, str, Sequence[Any], Sequence[PredSpan]]],
) -> dict[str, dict[str, Any]]:
    """Score identifier detection.

    ``items``: ``(id, text, gold_entities, predicted_spans)`` per narrative;
    gold entities need ``start``, ``end``, ``label`` attributes.
    """
    labels = list(ENTITY_LABELS)
    gold_n: dict[str, int] = defaultdict(int)
    gold_found: dict[str, int] = defaultdict(int)
    pred_n: dict[str, int] = defaultdict(int)
    pred_ok: dict[str, int] = defaultdict(int)
    leaked: dict[str, list[dict[str, str]]] = defaultdict(list)
    for rec_id, text, gold, pred in items:
        pred_all = [(p.start, p.end) for p in pred]
        for g in gold:
            gold_n[g.label] += 1
            if covered(g.start, g.end, pred_all, text):
                gold_found[g.label] += 1
            else:
                leaked[g.label].append({"id": rec_id, "text": text[g.start : g.end]})
        for p in pred:
            pred_n[p.label] += 1
            if any(g.label == p.label and g.start < p.end and p.start < g.end for g in gold):
                pred_ok[p.label] += 1
    out: dict[str, dict[str, Any]] = {}
    for label in labels + ["ALL"]:
        if label == "ALL":
            gn, gf = sum(gold_n.values()), sum(gold_found.values())
            pn, po = sum(pred_n.values()), sum(pred_ok.values())
            leaks = [leak for lab in labels for leak in leaked[lab]]
        else:
            gn, gf, pn, po, leaks = gold_n[label], gold_found[label], pred_n[label], pred_ok[label], leaked[label]
        if gn == 0 and pn == 0:
            continue
        precision, recall, f1 = _prf(gf, gn, po, pn)
        out[label] = {"gold": gn, "recall": recall, "precision": precision, "f1": f1, "leaked": leaks}
    return out


def score_framing(
    items: Sequence[tuple[Sequence[Any], Sequence[tuple[int, str]]]],
) -> dict[str, dict[str, Any]]:
    """Score framing per sentence.

    ``items``: ``(gold_sentences, findings)`` per narrative, where a finding is
    ``(start_char, "deficit"|"resource")``; gold sentences need ``start``,
    ``end``, ``deficit``, ``resource``.
    """
    counts = {k: {"tp": 0, "fp": 0, "fn": 0, "support": 0} for k in ("deficit", "resource")}
    for gold_sents, findings in items:
        predicted: list[set[str]] = [set() for _ in gold_sents]
        for start, kind in findings:
            for i, s in enumerate(gold_sents):
                if s.start <= start < s.end:
                    predicted[i].add(kind)
                    break
        for s, pred in zip(gold_sents, predicted):
            for kind in ("deficit", "resource"):
                gold = bool(getattr(s, kind))
                c = counts[kind]
                c["support"] += gold
                if gold and kind in pred:
                    c["tp"] += 1
                elif gold:
                    c["fn"] += 1
                elif kind in pred:
                    c["fp"] += 1
    out = {}
    for kind, c in counts.items():
        precision, recall, f1 = _prf(c["tp"], c["tp"] + c["fn"], c["tp"], c["tp"] + c["fp"])
        out[kind] = {"precision": precision, "recall": recall, "f1": f1, "support": c["support"]}
    return out


def score_framing_by_category(
    items: Sequence[tuple[Sequence[Any], Sequence[tuple[int, str]]]],
) -> dict[str, dict[str, float | int]]:
    """Recall per gold category: the share of sentences with that category flagged with its kind."""
    from narrativ_nlp.resources import framing_categories

    cats = framing_categories()
    kind_of = {c: "deficit" for c in cats["deficit"]} | {c: "resource" for c in cats["resource"]}
    hits: dict[str, int] = defaultdict(int)
    support: dict[str, int] = defaultdict(int)
    for gold_sents, findings in items:
        for s in gold_sents:
            flagged = {kind for start, kind in findings if s.start <= start < s.end}
            for cat in getattr(s, "categories", ()):
                support[cat] += 1
                hits[cat] += kind_of[cat] in flagged
    return {c: {"support": support[c], "recall": round(hits[c] / support[c], 4)} for c in sorted(support)}


def score_themes(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]], theme_ids: Sequence[str]) -> dict[str, float]:
    """Micro and macro F1 of multi-label theme tags (macro over themes with gold or predictions)."""
    tp: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    fn: dict[str, int] = defaultdict(int)
    for g, p in zip(gold, pred):
        gs, ps = set(g), set(p)
        for t in gs & ps:
            tp[t] += 1
        for t in ps - gs:
            fp[t] += 1
        for t in gs - ps:
            fn[t] += 1
    T, F_P, F_N = sum(tp.values()), sum(fp.values()), sum(fn.values())
    micro = 2 * T / (2 * T + F_P + F_N) if T + F_P + F_N else 1.0
    per = []
    for t in theme_ids:
        if tp[t] + fp[t] + fn[t] == 0:
            continue
        per.append(2 * tp[t] / (2 * tp[t] + fp[t] + fn[t]))
    macro = sum(per) / len(per) if per else 1.0
    return {"micro_f1": round(micro, 4), "macro_f1": round(macro, 4)}


def score_clusters(first_themes: Sequence[str], clusters: Sequence[int], n_permutations: int = 200) -> dict[str, float]:
    """NMI, AMI and ARI between cluster ids and each narrative's first gold theme.

    ``nmi_chance``: the mean NMI of the same cluster sizes assigned at random (the cluster ids
    shuffled ``n_permutations`` times, fixed seed). On a few dozen narratives with ten or more
    clusters NMI is far above 0 by chance alone; AMI is corrected for that (0 = chance).
    """
    import numpy as np
    from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score, normalized_mutual_info_score

    rng = np.random.default_rng(0)
    shuffled = np.array(list(clusters))
    chance = []
    for _ in range(n_permutations):
        rng.shuffle(shuffled)
        chance.append(normalized_mutual_info_score(first_themes, shuffled))
    return {
        "nmi": round(float(normalized_mutual_info_score(first_themes, clusters)), 4),
        "ami": round(float(adjusted_mutual_info_score(first_themes, clusters)), 4),
        "ari": round(float(adjusted_rand_score(first_themes, clusters)), 4),
        "nmi_chance": round(float(np.mean(chance)), 4) if chance else 0.0,
    }


def theme_agreement(first: Sequence[Sequence[str]], second: Sequence[Sequence[str]], theme_ids: Sequence[str]) -> dict[str, float]:
    """How far two annotators' theme labels for the same narratives agree.

    Tag agreement uses ``score_themes`` with one annotator as the reference (F1 is symmetric,
    so the choice does not matter); the first themes are compared by raw agreement, Cohen's
    kappa and NMI, the yardsticks of the tagger and of theme discovery.
    """
    from sklearn.metrics import adjusted_mutual_info_score, cohen_kappa_score, normalized_mutual_info_score

    if len(first) != len(second) or not first:
        raise ValueError(f"n_first={len(first)} should equal n_second={len(second)} and be > 0")
    a, b = [x[0] for x in first], [x[0] for x in second]
    same = sum(x == y for x, y in zip(a, b))
    return {
        **score_themes(first, second, theme_ids),
        "n": len(first),
        "first_theme_agreement": round(same / len(a), 4),
        "first_theme_kappa": round(float(cohen_kappa_score(a, b)), 4) if len(set(a) | set(b)) > 1 else 1.0,
        "first_theme_nmi": round(float(normalized_mutual_info_score(a, b)), 4),
        "first_theme_ami": round(float(adjusted_mutual_info_score(a, b)), 4),
        "second_first_in_first": round(sum(y in x for x, y in zip(first, b)) / len(b), 4),
    }
