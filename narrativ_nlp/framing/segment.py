"""Sentence segmentation for real layouts: the ``narrativ_segmenter`` spaCy component.

spaCy's sentencizer ends a sentence only after ``.``, ``!`` or ``?``; real writing about
children also has headings without a full stop, bullet and numbered lists, dialogue in
quotes, Danish abbreviations and blank lines. ``sentence_starts(doc)`` decides, token by
token, where a sentence starts (the rules and word lists are data:
``data/segmentation.yaml``):

* a blank line always ends a sentence; a single line break ends one when the line before
  is a heading (short, no final punctuation, the next line starts with a capital, a digit
  or a list marker), a list item, or when the next line is a list item; otherwise it is a
  soft wrap inside a sentence;
* ``.``, ``!``, ``?`` and ``…`` end a sentence, with closing quotes and brackets attached
  (``(Han var glad.) Han`` is two sentences), except: inside a quote that goes on after it;
  before a lower-case reporting verb after a quote or ``?``/``!`` (``"Må jeg være med?"
  spurgte Ali.`` is one sentence); an ellipsis or ``!``/``?`` in a quote before a lower-case word;
* an abbreviation of the ``never_final`` list never ends a sentence; one of ``may_end``
  (``osv.``) and an ordinal (``3.``) end one only before a capital letter; a list number
  (``1.`` at the start of a line) never does;
* an emoji before a capitalised word ends a sentence;
* in a run-on line without punctuation, a capitalised opener word (``run_on_openers``: "Hun",
  "Vi", "På", never a name) right after a lower-case word starts a sentence;
* white space never starts a sentence: it stays with the sentence before it, so a sentence
  (and every finding) starts at its first non-space character;
* a sentence longer than ``max_sentence_chars`` is split at ``;``, then ``:``, then
  ``, men`` nearest its middle, as a last resort.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy
from spacy.attrs import SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc

from narrativ_nlp.resources import load_yaml
from narrativ_nlp.tokens import doc_text, token_texts, upper_starts

FINAL_CHARS = frozenset(".!?…")
QUOTES = frozenset('"“”„»«')
CLOSERS = frozenset('"“”»«’\')]}')
OPENERS = frozenset('"“„»«‘\'([{')


@dataclass(frozen=True)
class SegmentRules:
    never_final: frozenset[str]
    may_end: frozenset[str]
    bullets: frozenset[str]
    reporting_verbs: frozenset[str]
    heading_max_words: int
    heading_max_chars: int
    continuation_words: frozenset[str]
    max_sentence_chars: int
    long_split_words: frozenset[str]
    dot_words: frozenset[str]
    sign_offs: frozenset[str]
    greetings: frozenset[str]
    sentence_openers: frozenset[str]
    label_min_words: int
    label_max_words: int
    list_line: re.Pattern[str]
    header_words: frozenset[str] = frozenset()
    header_max_words: int = 8
    line_break_ends: bool = True
    run_on_openers: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def segment_rules() -> SegmentRules:
    """The segmentation rules of ``data/segmentation.yaml`` (cached)."""
    data = load_yaml("segmentation.yaml")
    bullets = frozenset(data["bullets"])
    bullet_class = "".join(re.escape(b) for b in sorted(bullets))
    list_line = re.compile(rf"[ \t]*(?:[{bullet_class}][ \t]|\d{{1,2}}[.)][ \t]|[a-zæøå]\)[ \t])")
    return SegmentRules(
        never_final=frozenset(w.lower() for w in data["abbreviations"]["never_final"]),
        may_end=frozenset(w.lower() for w in data["abbreviations"]["may_end"]),
        bullets=bullets,
        reporting_verbs=frozenset(w.lower() for w in data["reporting_verbs"]),
        heading_max_words=int(data["heading"]["max_words"]),
        heading_max_chars=int(data["heading"]["max_chars"]),
        continuation_words=frozenset(w.lower() for w in data["heading"]["continuation_words"]),
        max_sentence_chars=int(data["max_sentence_chars"]),
        long_split_words=frozenset(w.lower() for w in data["long_split_words"]),
        dot_words=frozenset(w.lower() for w in data["dot_words"]),
        sign_offs=frozenset(w.lower() for w in data["sign_offs"]),
        greetings=frozenset(w.lower() for w in data["greetings"]),
        sentence_openers=frozenset(w.lower() for w in data["sentence_openers"]),
        label_min_words=int(data["label_words"][0]),
        label_max_words=int(data["label_words"][1]),
        list_line=list_line,
        header_words=frozenset(w.lower() for w in data.get("header", {}).get("words", [])),
        header_max_words=int(data.get("header", {}).get("max_words", 8)),
        line_break_ends=bool(data.get("line_break_ends", True)),
        run_on_openers=frozenset(w.lower() for w in data.get("run_on_openers", [])),
    )


def _header_label(words: list[str], rules: "SegmentRules") -> bool:
    """A line-start label before a colon that reads as a note's header (not a sentence)."""
    cores = [w.strip("(),;") for w in words]
    for c in cores:
        if "." in c.rstrip("."):
            continue  # "13.20", "bl.a."
        if c.endswith(".") and len(c) > 5 and c.lower() not in rules.never_final and c.lower() not in rules.may_end:
            return False  # a full stop after a whole word: a sentence ended inside the label
    first = cores[0].lower().rstrip(".")
    return (
        first in rules.header_words
        or any(c.isdigit() for c in "".join(words))
        or any("(" in w for w in words)
        or any(c.endswith(".") for c in cores)
    )


def _is_final(text: str) -> bool:
    return bool(text) and all(c in FINAL_CHARS for c in text)


def _is_abbreviation(text: str) -> bool:
    """A word token that carries its own full stop: ``osv.``, ``bl.a.``, ``3.``."""
    return len(text) > 1 and text.endswith(".") and any(c.isalnum() for c in text)


def _is_emoji(text: str) -> bool:
    """An emoji or a part of one the tokenizer split off (the variation selector of "❄️")."""
    if not text or ord(text[0]) < 0x2100:  # letters, digits, Latin punctuation: the common case
        return False
    return all(unicodedata.category(c) in ("So", "Sk", "Mn", "Cf", "Me") or ord(c) >= 0x1F000 for c in text)


def _starts_upper(text: str) -> bool:
    c = text[:1]
    return c.isupper() or c.isdigit() or c in OPENERS or c in "-–—•*·▪►" or _is_emoji(text)


_QUOTE_MARK = re.compile("[" + re.escape("".join(sorted(QUOTES))) + "]")


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Paired quotation marks per paragraph: (open, close) character offsets.

    Marks are paired in order within a paragraph; a paragraph with an odd number of marks
    gets no pairs (a stray mark must not glue the rest of the text into one sentence).
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in re.split(r"(\n[ \t\r]*\n)", text):
        marks = [pos + m.start() for m in _QUOTE_MARK.finditer(para)]
        if marks and len(marks) % 2 == 0:
            spans.extend((a, b) for a, b in zip(marks[::2], marks[1::2]) if b - a <= 400)
        pos += len(para)
    return spans


def sentence_starts(doc: Doc, rules: SegmentRules | None = None) -> list[bool]:
    """For each token of ``doc``: does a sentence start there? (see the module docstring)."""
    rules = rules or segment_rules()
    n = len(doc)
    if n == 0:
        return []
    # the tokens' texts and offsets from the per-doc table the recognizers read too (one array, not
    # one Token object per token), and the trailing spaces from one more column
    toks, idx = token_texts(doc)
    ws = [" " if sp else "" for sp in doc.to_array(SPACY).tolist()]
    space = [t.isspace() for t in toks]
    text = doc_text(doc)  # the tokens' texts and spaces joined, built once per doc
    starts = [False] * n
    starts[0] = True

    def next_word(i: int) -> int:
        while i < n and space[i]:
            i += 1
        return i

    def line_start(pos: int) -> int:
        return max(text.rfind("\n", 0, pos), text.rfind("\r", 0, pos)) + 1

    list_marker_end: dict[int, int] = {}  # line start -> end of its list marker

    def list_marker(line_pos: int) -> int:
        if line_pos not in list_marker_end:
            m = rules.list_line.match(text, line_pos)
            list_marker_end[line_pos] = m.end() if m else -1
        return list_marker_end[line_pos]

    quotes = _quote_spans(text) if not QUOTES.isdisjoint(text) else []

    def inside_quote(pos: int) -> tuple[int, int] | None:
        for a, b in quotes:
            if a < pos < b:
                return a, b
        return None

    # 1. line breaks (only white-space tokens can hold one)
    breaks = [i for i in range(n) if space[i] and ("\n" in toks[i] or "\r" in toks[i])] if (
        "\n" in text or "\r" in text) else []
    for i in breaks:
        prev = i - 1
        while prev >= 0 and space[prev]:
            prev -= 1
        nxt = next_word(i)
        if prev < 0 or nxt >= n:
            continue
        gap = text[idx[prev] + len(toks[prev]) : idx[nxt]]
        newlines = max(gap.count("\n"), gap.count("\r"))
        if newlines == 0:
            continue
        prev_line_pos = line_start(idx[prev])
        prev_line = text[prev_line_pos : idx[prev] + len(toks[prev])].strip()
        next_is_item = list_marker(line_start(idx[nxt])) >= 0
        prev_is_item = list_marker(prev_line_pos) >= 0
        last = prev_line[-1:] if prev_line else ""
        words = prev_line.split()
        heading = (
            last not in ".!?…,;:-–"
            and len(words) <= rules.heading_max_words
            and len(prev_line) <= rules.heading_max_chars
            and bool(words)
            and words[-1].lower() not in rules.continuation_words
            and _starts_upper(toks[nxt])
        )
        # a line break in real notes, posts and forms ends its line's sentence (no soft wraps in
        # the corpora or the real texts): unless the line ends in a comma or a hyphen, or in a word
        # that needs a continuation and the next line goes on in lower case ("... legede med\nde store")
        line_end = (
            rules.line_break_ends
            and last not in ",;-–("
            and not (bool(words) and words[-1].lower() in rules.continuation_words and not _starts_upper(toks[nxt]))
        )
        if (
            newlines >= 2
            or next_is_item
            or prev_is_item
            or last in FINAL_CHARS
            or (last in CLOSERS and _starts_upper(toks[nxt]))
            or (last == ":" and _starts_upper(toks[nxt]))
            or heading
            or line_end
        ):
            starts[nxt] = True

    # 2. sentence-final punctuation, abbreviations, emoji
    # (a quick exact pre-check: a final mark and an abbreviation end in one of FINAL_CHARS,
    # an emoji starts at U+2100 or above; most tokens are neither)
    for i in [i for i, tok in enumerate(toks) if tok[-1] in FINAL_CHARS or ord(tok[0]) >= 0x2100]:
        if space[i]:
            continue
        tok = toks[i]
        final = _is_final(tok)
        abbrev = not final and _is_abbreviation(tok)
        emoji = not final and not abbrev and _is_emoji(tok)
        if not (final or abbrev or emoji):
            continue
        j = i + 1
        saw_quote = False
        # closing quotes and brackets glued to the punctuation belong to this sentence
        while j < n and not space[j] and (_is_final(toks[j]) or (toks[j] in CLOSERS and ws[j - 1] == "")):
            saw_quote = saw_quote or toks[j] in QUOTES
            j += 1
        if emoji:
            while j < n and (_is_emoji(toks[j]) or space[j]):
                j += 1
        elif final:
            # "Tak for i år! ☀️" and "Tak! /Bamserne": an emoji or a signature on the same line stays
            while j < n and (_is_emoji(toks[j]) or (space[j] and "\n" not in toks[j])):
                j += 1
            if j < n and toks[j].startswith("/") and "\n" not in text[idx[i] : idx[j]]:
                continue
        k = next_word(j)
        if k >= n or starts[k]:
            continue
        following = toks[k]
        lower_next = following[:1].islower()
        if abbrev:
            # "s." (side) never ends a sentence, the initial "S." may: one-letter forms keep their case
            never = tok in rules.never_final if len(tok) == 2 else tok.lower() in rules.never_final
            if never or idx[i] < list_marker(line_start(idx[i])) or j > i + 1:
                continue  # "(2 år og 9 mdr.) Tilde": a bracket closing after it
            if following[:1].isupper():
                starts[k] = True
            continue
        if emoji:
            before = text[line_start(idx[i]) : idx[i]]
            at_line_start = all(c.isspace() or _is_emoji(c) for c in before)  # "✔️ Vi har ...": a bullet
            if following[:1].isupper() and not _is_final(toks[i - 1] if i else "") and not at_line_start:
                starts[k] = True
            continue
        # . ! ? …
        if lower_next and (saw_quote or tok[-1] in "?!…" or tok in ("...", "..") or toks[j - 1] == ")"):
            continue  # "Må jeg?" spurgte hun; (!) og; ... og så
        before = toks[i - 1] if i else ""
        if tok == "." and i and ws[i - 1] == "" and before.lower() in rules.sign_offs:
            continue  # "Kh. Lise", "Mvh. Søren Berg"
        if tok == "." and i and ws[i - 1] == "" and (lower_next or following[:1].isdigit()):
            if before[:1].isdigit() or before.lower() in rules.dot_words:
                continue  # "0. klasse", "5 min. før", "cpr.nr. 140322"
        if following in (",", ";", ":"):
            continue
        if following == "(" and saw_quote:
            continue  # "Shuf!" (se) sagde hun
        q = None if saw_quote else inside_quote(idx[i])
        if q is not None and q[1] > idx[i] + len(tok):  # the quote goes on after the mark
            continue
        starts[k] = True

    # a short label at the start of a line ("Til stuemødet: Vi ...") before a capitalised word
    for i in [i for i in range(1, n - 1) if toks[i][-1] == ":"] if ":" in text else []:
        if set(toks[i]) - set(":)]") or ws[i] == "":
            continue  # ":" alone, or after a bracket the tokenizer kept with it ("(KB):")
        k = next_word(i + 1)
        if k >= n or starts[k] or not toks[k][:1].isupper():
            continue
        line_pos = line_start(idx[i])
        label = text[line_pos : idx[i] + len(toks[i]) - 1].split()
        if list_marker(line_pos) >= 0 or not label or any(c in "!?\"“”»«" for c in "".join(label)):
            continue
        short = rules.label_min_words <= len(label) <= rules.label_max_words and not any("." in w for w in label)
        # a note's header: "Til PK ang. Lukas (3,5 år): Vi ...", "Obs. fra puderummet kl. 13.20: Ella ...",
        # "Svar: Jeg er ...": a bracket, a digit, an abbreviation or a header word, and no sentence end
        header = len(label) <= rules.header_max_words and _header_label(label, rules)
        if short or header:
            starts[k] = True

    # a greeting without a comma: "Hej Nete Kalle var ..." → "Hej Nete" | "Kalle var ..."
    first = next_word(0)
    if first < n and toks[first].lower() in rules.greetings:
        run = []
        j = first + 1
        while j < n and not space[j] and (toks[j][:1].isupper() or toks[j].lower() in ("og", "&")):
            if toks[j][:1].isupper():
                run.append(j)
            j += 1
        # (a comma after the names keeps one sentence: "Hej Pia, Lucas har ...")
        if len(run) >= 2 and j < n and toks[j][:1].islower() and not any(starts[x] for x in range(first + 1, j)):
            # before the first capitalised Danish word after a name ("Kære Morten Da Wilhelm ..."),
            # else before the last capitalised word ("Hej Nete Kalle var ...")
            from narrativ_nlp.identifiers.lexicon import load_lexicon

            lexicon = load_lexicon()
            word = next((r for r in run[1:] if toks[r].lower() in rules.sentence_openers or lexicon.is_word(toks[r].lower())), None)
            starts[word if word is not None else run[-1]] = True

    # a run-on line without punctuation ("... og vil ikke gå med Hun kan ikke ..."): a capitalised
    # opener word (a pronoun, an adverb, a preposition; never a name) right after a lower-case word
    # on the same line starts a sentence
    if rules.run_on_openers:
        for i in upper_starts(doc):  # the tokens with a capital first (a table the recognizers read too)
            if i == 0:
                continue
            tok = toks[i]
            if starts[i] or not tok[1:].islower() and len(tok) > 1:
                continue
            if tok.lower() not in rules.run_on_openers or ws[i - 1] != " ":
                continue
            prev = toks[i - 1]
            if prev.isalpha() and prev.islower():
                starts[i] = True

    # 3. white space never starts a sentence
    for i in [i for i in range(1, n) if space[i]]:
        if starts[i]:
            starts[i] = False
            k = next_word(i)
            if k < n:
                starts[k] = True

    # 4. over-long sentences, split as a last resort
    _split_long(doc, toks, idx, starts, rules)
    return starts


def _split_long(doc: Doc, toks: list[str], idx: list[int], starts: list[bool], rules: SegmentRules) -> None:
    n = len(toks)
    bounds = [i for i in range(n) if starts[i]] + [n]
    work = list(zip(bounds, bounds[1:]))
    while work:
        a, b = work.pop()
        end_char = idx[b - 1] + len(toks[b - 1])
        if end_char - idx[a] <= rules.max_sentence_chars:
            continue
        middle = (idx[a] + end_char) / 2
        cut = None
        for kind in (";", ":", "men"):
            cands = []
            for i in range(a + 1, b - 1):
                if kind == "men":
                    if toks[i].lower() in rules.long_split_words and toks[i - 1] == ",":
                        cands.append(i)
                elif toks[i] == kind:
                    k = i + 1
                    while k < b and toks[k].isspace():
                        k += 1
                    if k < b - 1:
                        cands.append(k)
            if cands:
                cut = min(cands, key=lambda c: abs(idx[c] - middle))
                break
        if cut is None or cut <= a:
            continue
        starts[cut] = True
        work.extend([(a, cut), (cut, b)])


class Segmenter:
    """Set ``token.is_sent_start`` on every token by ``sentence_starts``."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.rules = segment_rules()

    def __call__(self, doc: Doc) -> Doc:
        starts = sentence_starts(doc, self.rules)
        if not starts:
            return doc
        # every token's boundary in one array (1: starts a sentence, -1: does not), as setting
        # ``token.is_sent_start`` does, without a Token object per token; whatever a sentencizer
        # before this component set is overwritten
        doc.from_array([SENT_START], numpy.array([1 if s else -1 for s in starts], dtype=numpy.int64).astype(numpy.uint64))
        return doc


@Language.factory("narrativ_segmenter_v1", assigns=["token.is_sent_start"])
def make_segmenter(nlp: Language, name: str) -> Segmenter:
    return Segmenter(nlp, name)


def first_non_space(text: str, start: int, end: int) -> int:
    """The offset of the first non-space character in ``text[start:end]`` (``end`` if none)."""
    while start < end and text[start].isspace():
        start += 1
    return start


def last_non_space(text: str, start: int, end: int) -> int:
    """The end offset of ``text[start:end]`` without trailing white space."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return end
