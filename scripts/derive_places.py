"""Derive a list of place names from the LOC spans of UNER Danish-DDT (IOB2).

The list is data for the name recognizers: a capitalised word that is a known place ("Vejle",
"Nørrebro") is not offered as a person. Names that our gazetteer knows as given names or
surnames ("Lund", "Holm", "Irma"), words of a PER span in the same files, and everyday Danish words
("Fisker", "Give") are left out, so no person's name is hidden by the list.

    python scripts/derive_places.py PATH/da_ddt-ud-train.iob2 [--out narrativ_nlp/data/names/places_uner.txt]

Use the train split only (dev and test are for measuring). The source is licensed CC BY-SA 4.0
(UNER v1, Mayhew et al. 2024; DaN+, Plank et al. 2020); the output file says so in its header.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = """# Place names derived by the narrativ project (scripts/derive_places.py) from UNER Danish-DDT; CC BY-SA 4.0.
# Source: LOC spans of the train split (UniversalNER/UNER_Danish-DDT, commit 983c4cdc09f8ece6069d2b692b60dc4b3649ec6e;
# DaN+, Plank, Jensen and van der Goot 2020; UNER v1, Mayhew et al. 2024), licensed CC BY-SA 4.0; this derived
# list is shared under the same license. Given names, surnames, person-name words and everyday words are left out.
"""


def loc_spans(path: Path, label: str = "LOC") -> list[str]:
    """Surface strings of the spans of one label in one IOB2 file (column 3)."""
    spans: list[str] = []
    current: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            if current:
                spans.append(" ".join(current))
                current = []
            continue
        cols = line.split("\t")
        token, tag = cols[1], cols[2]
        if tag == f"B-{label}":
            if current:
                spans.append(" ".join(current))
            current = [token]
        elif tag == f"I-{label}" and current:
            current.append(token)
        elif current:
            spans.append(" ".join(current))
            current = []
    if current:
        spans.append(" ".join(current))
    return spans


#: surnames the gazetteer lacks that the source tags as places ("Havel"): never listed
NOT_PLACES = frozenset({"havel", "thorning", "lawton", "greenfield"})


def keep(place: str, lex, persons: set[str]) -> bool:
    words = place.split()
    if len(place) < 3 or place.isupper() or not all(w[:1].isupper() and w.replace("-", "").isalpha() for w in words):
        return False
    if any(p[:1].islower() for w in words for p in w.split("-")[1:]):
        return False  # "Holte-villa", "Næstved-skoler": a thing, not a place name
    # a place that is also a name ("Lund", "Holm", "Frederik"), a person's name in the corpus or an everyday
    # word ("Fisker", "Give", "Parken") is left out: the lists must never hide a person
    return not any(lex.base_name(w) is not None or lex.is_word(w) or w.lower() in persons
                   or w.lower() in NOT_PLACES for w in words)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("iob2", type=Path, nargs="+", help="UNER Danish-DDT IOB2 file(s); the train split")
    ap.add_argument("--out", type=Path, default=ROOT / "narrativ_nlp" / "data" / "names" / "places_uner.txt")
    args = ap.parse_args(argv)
    from narrativ_nlp.identifiers.lexicon import load_lexicon

    lex = load_lexicon()
    persons = {w.lower() for path in args.iob2 for p in loc_spans(path, "PER") for w in p.split()}
    places = sorted({p for path in args.iob2 for p in loc_spans(path) if keep(p, lex, persons)})
    args.out.write_text(HEADER + "".join(p + "\n" for p in places), encoding="utf-8")
    print(f"{len(places)} steder skrevet til {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
