"""Lemma accuracy on a gold sample of content words, before and after the project's corrections.

"Before" is spaCy's lookup lemmatiser as it was: the unchanged ``spacy-lookups-data`` table, the
form itself when it is missing. "After" is ``narrativ_nlp.themes.lemmas.lookup_lemma``: the
table with ``data/lemma_exceptions.yaml`` applied, sentence-initial capitals looked up in lower
case, unknown compounds lemmatised by their last part. The gold files hold only content words
(the theme features' filter), the words users see as "typical words" and "the words that gave it".

    .venv/bin/python evaluation/lemma_check.py [tests/themes/data/lemma_gold.tsv ...] [--errors]
"""

from __future__ import annotations

import argparse
import csv
import math
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [ROOT / "tests/themes/data/lemma_gold.tsv"]


def read_gold(path: Path) -> list[tuple[str, str]]:
    """(form, gold lemma) rows of a gold TSV (comment lines start with #)."""
    with path.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t")]
    return [(r["form"], r["lemma"].strip().lower()) for r in rows]


def lemma_before(form: str, table) -> str:
    found = table.get(form, None)
    found = found[0] if isinstance(found, list) else found
    return (found or form).lower()


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (round(c - h, 3), round(c + h, 3))


def check(rows: list[tuple[str, str]]) -> dict:
    from spacy.lookups import load_lookups

    from narrativ_nlp.themes.lemmas import lookup_lemma

    raw = load_lookups("da", ["lemma_lookup"]).get_table("lemma_lookup")
    before = [lemma_before(f, raw) == g for f, g in rows]
    after_pred = [lookup_lemma(f) for f, _ in rows]
    after = [p == g for p, (_, g) in zip(after_pred, rows)]
    n = len(rows)
    return {
        "n": n,
        "before": round(sum(before) / n, 3), "before_ci": wilson(sum(before), n),
        "after": round(sum(after) / n, 3), "after_ci": wilson(sum(after), n),
        "errors_after": [(f, p, g) for (f, g), p, ok in zip(rows, after_pred, after) if not ok],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, default=DEFAULT)
    ap.add_argument("--errors", action="store_true", help="list the remaining errors (form, lemma, gold)")
    args = ap.parse_args(argv)
    for path in args.files:
        res = check(read_gold(path))
        print(f"{path.name}: n={res['n']}  before {res['before']:.3f} {res['before_ci']}  "
              f"after {res['after']:.3f} {res['after_ci']}")
        if args.errors:
            for f, p, g in res["errors_after"]:
                print(f"  {f} → {p} (gold {g})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
