"""Mine candidate framing words from broad Danish sources, for review by hand.

    .venv/bin/python evaluation/mine_framing_lexicon.py --out /tmp/framing_candidates.tsv [--min-zipf 2.5]

Sources (all installable from PyPI, nothing downloaded at run time):

- the Danish lemma lookup table of ``spacy-lookups-data`` (word form -> lemma; used to
  guess the word class from its inflection: an adjective has -e and -t forms, a noun
  definite -en/-et forms, a verb -er and -ede/-te forms);
- ``wordfreq`` Danish frequencies (Zipf scale; only words people actually write);
- the Danish sentiment lexicons that ship with ``asent`` (AFINN-da, ODbL, and the Sentida
  lemma lexicon, CC BY-NC: used here only to *suggest* candidates for review; no list is
  copied into the project's data).

Output: a TSV of candidates, one a line: ``class word zipf afinn sentida forms``, where
class is one of ``label_adjective`` (negative adjectives that can describe a person),
``label_noun`` (negative nouns), ``competence_adjective`` (positive adjectives),
``enjoyment_verb`` (positive verbs), ``frequency`` (frequency and repetition words).
Nothing here decides: a person reads the file and keeps what is right as data in
``narrativ_nlp/data/framing_lexicon.yaml`` (with a ``source:`` note and examples the tests run).
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import defaultdict
from pathlib import Path

#: seeds for frequency/repetition wording: words containing these stems are candidates
FREQUENCY_STEMS = ("altid", "aldrig", "konstant", "evig", "evindelig", "bestandig", "uafbrudt", "gentag", "vedvarende",
                   "uophørlig", "stadig", "hyppig", "jævnlig", "sædvanlig", "notorisk", "konsekvent", "hele tiden")


def lemma_table() -> dict[str, str]:
    import spacy_lookups_data

    path = Path(spacy_lookups_data.__file__).parent / "data" / "da_lemma_lookup.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def sentiment_lexicons() -> tuple[dict[str, float], dict[str, float]]:
    import asent

    base = Path(asent.__file__).parent / "lexicons"
    afinn: dict[str, float] = {}
    for line in (base / "da_lexicon_afinn_v1.txt").read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            word, score = line.rsplit("\t", 1)
            afinn[word.strip().lower()] = float(score)
    sentida: dict[str, float] = {}
    for line in (base / "da_lexicon_sentida_lemma_v1.csv").read_text(encoding="utf-8").splitlines()[1:]:
        if "," in line:
            word, score = line.rsplit(",", 1)
            sentida[word.strip().lower()] = float(score)
    return afinn, sentida


def word_class(lemma: str, forms: set[str]) -> set[str]:
    """Guess the word classes of ``lemma`` from the forms the lemma table maps to it."""
    classes = set()
    if any(f in forms for f in (lemma + "e", lemma + lemma[-1:] + "e")) and any(f in forms for f in (lemma + "t",)):
        classes.add("adjective")
    if lemma.endswith(("ig", "sk", "lig", "som", "løs", "et", "ede")) and (lemma + "e") in forms:
        classes.add("adjective")
    if any(f in forms for f in (lemma + "en", lemma + "et", lemma + "n", lemma + "t" if lemma.endswith("e") else "")):
        classes.add("noun")
    if lemma.endswith("e") and (lemma + "r") in forms and any(f in forms for f in (lemma + "de", lemma[:-1] + "te")):
        classes.add("verb")
    return classes


def mine(min_zipf: float) -> list[tuple[str, str, float, float | None, float | None, str]]:
    from wordfreq import zipf_frequency

    table = lemma_table()
    forms: dict[str, set[str]] = defaultdict(set)
    for form, lemma in table.items():
        forms[lemma.lower()].add(form.lower())
    afinn, sentida = sentiment_lexicons()

    def score(word: str) -> tuple[float | None, float | None]:
        lemma = table.get(word, word).lower()
        a = afinn.get(word, afinn.get(lemma))
        s = sentida.get(lemma, sentida.get(word))
        return a, s

    rows = []
    seen = set()
    for word in sorted(set(afinn) | set(sentida)):
        lemma = table.get(word, word).lower()
        if lemma in seen or " " in lemma:
            continue
        seen.add(lemma)
        zipf = zipf_frequency(lemma, "da")
        if zipf < min_zipf:
            continue
        a, s = score(lemma)
        classes = word_class(lemma, forms[lemma] | {lemma})
        negative = (a is not None and a <= -2) or (s is not None and s <= -1.5)
        positive = (a is not None and a >= 2) or (s is not None and s >= 1.5)
        shown = ",".join(sorted(forms[lemma]))[:80]
        if negative and "adjective" in classes:
            rows.append(("label_adjective", lemma, zipf, a, s, shown))
        if negative and "noun" in classes and "adjective" not in classes:
            rows.append(("label_noun", lemma, zipf, a, s, shown))
        if positive and "adjective" in classes:
            rows.append(("competence_adjective", lemma, zipf, a, s, shown))
        if positive and "verb" in classes:
            rows.append(("enjoyment_verb", lemma, zipf, a, s, shown))
    for lemma in sorted(forms):
        if any(stem in lemma for stem in FREQUENCY_STEMS) and lemma not in seen:
            zipf = zipf_frequency(lemma, "da")
            if zipf >= min_zipf:
                a, s = score(lemma)
                rows.append(("frequency", lemma, zipf, a, s, ",".join(sorted(forms[lemma]))[:80]))
    rows.sort(key=lambda r: (r[0], -r[2]))
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="/tmp/framing_candidates.tsv")
    ap.add_argument("--min-zipf", type=float, default=2.5, help="keep words at least this frequent (wordfreq Zipf)")
    args = ap.parse_args(argv)
    rows = mine(args.min_zipf)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("class\tword\tzipf\tafinn\tsentida\tforms\n")
        for cls, word, zipf, a, s, shown in rows:
            f.write(f"{cls}\t{word}\t{zipf:.2f}\t{'' if a is None else a}\t{'' if s is None else round(s, 2)}\t{shown}\n")
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r[0]] += 1
    print(f"{len(rows)} candidates -> {args.out}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
