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
        out[label] = {"gold": gn, "recall": recall, "recall_ci": wilson_interval(gf, gn), "precision": precision,
                      "f1": f1, "leaked": leaks}
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
    rows: dict[str, list[tuple[int, int, int]]] = {"deficit": [], "resource": []}
    for gold_sents, findings in items:
        before = {k: (c["tp"], c["fp"], c["fn"]) for k, c in counts.items()}
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
        for kind, c in counts.items():
            rows[kind].append((c["tp"] - before[kind][0], c["fp"] - before[kind][1], c["fn"] - before[kind][2]))
    out = {}
    for kind, c in counts.items():
        precision, recall, f1 = _prf(c["tp"], c["tp"] + c["fn"], c["tp"], c["tp"] + c["fp"])
        out[kind] = {"precision": precision, "recall": recall, "f1": f1,
                     "f1_ci": bootstrap_interval(rows[kind], _f1_of_sums), "support": c["support"]}
    return out


def score_sentence_starts(
    items: Sequence[tuple[str, Sequence[Any], Sequence[tuple[int, int]]]],
) -> dict[str, Any]:
    """Sentence segmentation against gold sentence starts.

    ``items``: ``(text, gold_sentences, predicted_sentences)`` per narrative, predicted as
    ``(start, end)``. A start is the first non-space character of a sentence; the start of the
    text itself is not counted (every segmenter gets it). A gold start is found when a
    predicted sentence starts there (precision: a predicted start that is a gold start).
    ``glued``: gold starts that fall inside a predicted sentence (two sentences made one);
    ``space_starts``: predicted sentences that start with white space (findings there belong
    to no gold sentence).
    """
    tp = n_gold = n_pred = space_starts = 0
    rows = []
    for text, gold_sents, pred in items:
        first = len(text) - len(text.lstrip())
        gold = {_first_char(text, s.start, s.end) for s in gold_sents} - {first}
        starts = set()
        for s, e in pred:
            if s < len(text) and text[s].isspace() and s != 0:
                space_starts += 1
            starts.add(_first_char(text, s, e))
        starts -= {first, len(text)}
        hit = len(gold & starts)
        tp += hit
        n_gold += len(gold)
        n_pred += len(starts)
        rows.append((hit, len(starts) - hit, len(gold) - hit))
    precision, recall, f1 = _prf(tp, n_gold, tp, n_pred)
    return {"precision": precision, "recall": recall, "f1": f1, "f1_ci": bootstrap_interval(rows, _f1_of_sums),
            "gold_starts": n_gold, "glued": n_gold - tp, "space_starts": space_starts}


def _first_char(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start


def person_key(surface: str) -> str:
    """A name compared across mentions: lower case, without a possessive ending ("Alis" → "ali",
    "Jonas'" → "jonas", "Iqra's" → "iqra")."""
    key = " ".join(surface.lower().split())
    for ending in ("'s", "’s", "'", "’"):
        if key.endswith(ending):
            return key[: -len(ending)]
    return key


def same_person(text: str, a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    """Two subject spans name the same child: the same span, or the same name.

    A pronoun's gold subject is the nearest earlier mention of the child; a prediction may
    point at another mention of the same child, so names are compared, with a possessive
    "-s" allowed on either side ("Ali" = "Alis") and a full name equal to its first name alone
    ("Nora Abdi" = "Nora"). ``None`` equals only ``None``.
    """
    if a is None or b is None:
        return a is None and b is None
    if tuple(a) == tuple(b):
        return True
    ka, kb = person_key(text[a[0] : a[1]]), person_key(text[b[0] : b[1]])
    if ka == kb or ka == kb + "s" or kb == ka + "s":
        return True
    # a full name and its first name alone ("Nora Abdi", "Nora") are one person
    short, full = sorted((ka, kb), key=len)
    return " " not in short and full.split()[0] in (short, short.removesuffix("s"))


@dataclass(frozen=True)
class PredFinding:
    """A finding for subject scoring: its start, kind and the child it names (None: "barnet")."""

    start: int
    kind: str
    subject: tuple[int, int] | None
    name: str | None


def score_subjects(
    items: Sequence[tuple[str, Sequence[Any], Sequence[PredFinding], Sequence[tuple[int, int, Any, str]]]],
) -> dict[str, Any]:
    """Subject accuracy over gold framing sentences (deficit or resource) that carry ``subject``.

    ``items``: ``(text, gold_sentences, findings, sentence_subjects)`` per narrative;
    ``sentence_subjects`` as ``(start, end, subject span or None, reason)``. The predicted subject
    of a gold sentence is that of its first finding (the sentence that holds the finding's first
    character), else that of the predicted sentence holding the gold sentence's first character.
    Correct when ``same_person`` (None == None).

    Suggestions: among findings in those sentences that fill ``{navn}`` with a name,
    ``suggestions_wrong_name`` counts names other than the gold subject's (gold null included) and
    ``suggestions_non_child_name`` those whose name is no gold subject anywhere in the narrative
    (an adult, a pet, a character or an institution when the narrative's subjects are annotated).
    """
    n = correct = named = wrong_name = non_child = 0
    for text, gold_sents, findings, sent_subjects in items:
        gold_children = {person_key(text[g.subject[0] : g.subject[1]]) for g in gold_sents
                         if getattr(g, "has_subject", False) and isinstance(g.subject, tuple)}
        gold_children |= {k[:-1] for k in gold_children if k.endswith("s")}
        for g in gold_sents:
            if not getattr(g, "has_subject", False) or not (g.deficit or g.resource):
                continue
            gold = g.subject if isinstance(g.subject, tuple) else None
            inside = sorted((f for f in findings if g.start <= f.start < g.end), key=lambda f: f.start)
            if inside:
                pred = inside[0].subject
            else:
                first = _first_char(text, g.start, g.end)
                pred = next((tuple(s[2]) if s[2] is not None else None for s in sent_subjects if s[0] <= first < s[1]), None)
            n += 1
            correct += same_person(text, gold, pred)
            for f in inside:
                if f.name is None:
                    continue
                named += 1
                name, gold_name = person_key(f.name), None if gold is None else person_key(text[gold[0] : gold[1]])
                if gold_name is None or (name != gold_name and name + "s" != gold_name):
                    wrong_name += 1
                    if person_key(f.name) not in gold_children:
                        non_child += 1
    return {
        "subject_accuracy": round(correct / n, 4) if n else None,
        "subject_accuracy_ci": wilson_interval(correct, n),
        "subject_n": n,
        "suggestions_named": named,
        "suggestions_wrong_name": wrong_name,
        "suggestions_non_child_name": non_child,
    }


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


def score_themes(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]], theme_ids: Sequence[str],
                 interval: bool = False) -> dict[str, Any]:
    """Micro and macro F1 of multi-label theme tags (macro over themes with gold or predictions).

    With ``interval``, also 95 % bootstrap intervals over narratives (``micro_f1_ci``, ``macro_f1_ci``).
    """
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
    out = {"micro_f1": round(micro, 4), "macro_f1": round(macro, 4)}
    if interval:
        # every theme seen counts in micro-F1 (as above); macro-F1 only over ``theme_ids``
        rows = theme_count_rows(gold, pred, _all_theme_ids(theme_ids, gold, pred))
        n_macro = 3 * len(theme_ids)
        out["micro_f1_ci"] = bootstrap_interval(rows, _micro_f1_of_theme_sums)
        out["macro_f1_ci"] = bootstrap_interval(rows, lambda sums: _macro_f1_of_theme_sums(sums[:, :n_macro]))
    return out


def theme_count_rows(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]], theme_ids: Sequence[str]) -> Any:
    """One row per narrative: (tp, fp, fn) for each theme in ``theme_ids`` order, as a NumPy array."""
    import numpy as np

    if len(gold) != len(pred):
        raise ValueError(f"n_gold={len(gold)} should equal n_pred={len(pred)}")
    index = {t: i for i, t in enumerate(theme_ids)}
    rows = np.zeros((len(gold), 3 * len(theme_ids)))
    for n, (g, p) in enumerate(zip(gold, pred)):
        gs, ps = set(g), set(p)
        for t in gs | ps:
            if t in index:
                rows[n, 3 * index[t] + (0 if t in gs & ps else 1 if t in ps else 2)] += 1
    return rows


def _f1_of_sums(sums: Any, empty: float = 1.0) -> Any:
    """F1 from summed counts whose last axis is (tp, fp, fn); ``empty`` where nothing was gold or predicted."""
    import numpy as np

    tp, fp, fn = sums[..., 0], sums[..., 1], sums[..., 2]
    denom = 2 * tp + fp + fn
    return np.where(denom > 0, 2 * tp / np.maximum(denom, 1e-12), empty)


def _micro_f1_of_theme_sums(sums: Any) -> Any:
    per_theme = sums.reshape(sums.shape[0], -1, 3)
    return _f1_of_sums(per_theme.sum(axis=1))


def _macro_f1_of_theme_sums(sums: Any) -> Any:
    import numpy as np

    per_theme = sums.reshape(sums.shape[0], -1, 3)
    present = per_theme.sum(axis=-1) > 0  # the theme was gold or predicted in the resample
    f1 = _f1_of_sums(per_theme, empty=0.0)
    return np.where(present.any(axis=1), f1.sum(axis=1) / np.maximum(present.sum(axis=1), 1), 1.0)


def micro_f1_difference(gold: Sequence[Sequence[str]], pred_a: Sequence[Sequence[str]], pred_b: Sequence[Sequence[str]],
                        theme_ids: Sequence[str]) -> dict[str, Any]:
    """Micro-F1 of ``pred_a`` minus that of ``pred_b`` against the same gold, with a paired 95 % interval.

    Both are resampled with the same narratives, so the interval is that of the difference
    (e.g. the tagger against a second annotator), narrower than comparing two separate intervals.
    """
    import numpy as np

    if not len(gold) == len(pred_a) == len(pred_b):
        raise ValueError(f"n_gold={len(gold)}, n_pred_a={len(pred_a)} and n_pred_b={len(pred_b)} should be equal")
    ids = _all_theme_ids(theme_ids, gold, pred_a, pred_b)
    a, b = theme_count_rows(gold, pred_a, ids), theme_count_rows(gold, pred_b, ids)
    rows, width = np.hstack([a, b]), a.shape[1]

    def diff(sums: Any) -> Any:
        return _micro_f1_of_theme_sums(sums[:, :width]) - _micro_f1_of_theme_sums(sums[:, width:])

    point = diff(rows.sum(axis=0, keepdims=True))[0]
    return {"difference": round(float(point), 4), "difference_ci": bootstrap_interval(rows, diff)}


def _all_theme_ids(theme_ids: Sequence[str], *label_lists: Sequence[Sequence[str]]) -> list[str]:
    """``theme_ids`` followed by any other theme in the labels (a leader's own theme), sorted."""
    seen = {t for labels in label_lists for tags in labels for t in tags}
    return [*theme_ids, *sorted(seen - set(theme_ids))]


#: resamples of the bootstrap; fixed seed, so a rerun on the same predictions gives the same interval
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 0


def bootstrap_interval(rows: Any, statistic: Any, level: float = 0.95, n_resamples: int = BOOTSTRAP_RESAMPLES,
                       seed: int = BOOTSTRAP_SEED) -> list[float] | None:
    """Percentile bootstrap interval of a statistic of per-item counts.

    ``rows``: one row of counts per item (a narrative or a sentence record), e.g. (tp, fp, fn);
    the items are resampled with replacement, the rows of each resample summed, and
    ``statistic`` maps the sums (one row per resample) to one value per resample. Resampling
    whole narratives keeps their sentences or tags together, so the interval reflects how
    many narratives were scored, not only how many labels. ``None`` when there is nothing to resample.
    """
    import numpy as np

    counts = np.asarray(rows, dtype=float)
    if counts.ndim != 2 or counts.shape[0] == 0:
        return None
    n = counts.shape[0]
    rng = np.random.default_rng(seed)
    values = []
    for start in range(0, n_resamples, 250):  # chunks bound the memory on large files
        size = min(250, n_resamples - start)
        weights = rng.multinomial(n, np.full(n, 1.0 / n), size=size)
        values.append(statistic(weights @ counts))
    lo, hi = np.quantile(np.concatenate(values), [(1 - level) / 2, 1 - (1 - level) / 2])
    return [round(float(lo), 4), round(float(hi), 4)]


def wilson_interval(successes: int, n: int, level: float = 0.95) -> list[float] | None:
    """Wilson score interval of a proportion (e.g. recall: names found of names in gold).

    Unlike the bootstrap it stays informative at 100 %: 0 missed of 150 names gives
    a lower bound of 0.975, not 1.0. Names are treated as independent. ``None`` when ``n`` is 0.
    """
    from statistics import NormalDist

    if n == 0:
        return None
    z = NormalDist().inv_cdf(1 - (1 - level) / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
    return [round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)]


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
        **score_themes(first, second, theme_ids, interval=True),
        "n": len(first),
        "first_theme_agreement": round(same / len(a), 4),
        "first_theme_kappa": round(float(cohen_kappa_score(a, b)), 4) if len(set(a) | set(b)) > 1 else 1.0,
        "first_theme_nmi": round(float(normalized_mutual_info_score(a, b)), 4),
        "first_theme_ami": round(float(adjusted_mutual_info_score(a, b)), 4),
        "second_first_in_first": round(sum(y in x for x, y in zip(first, b)) / len(b), 4),
    }
