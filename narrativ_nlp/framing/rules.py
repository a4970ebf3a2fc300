"""Framing rules as data (``data/framing_rules.yaml``) compiled to spaCy matchers."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from narrativ_nlp.resources import framing_categories, load_yaml
from narrativ_nlp.tokens import token_positions, token_table

_QUANT = re.compile(r"^(.*?)(\?|\*|\+|\{\d*,\d*\})?$")


@dataclass(frozen=True)
class FramingRule:
    id: str
    kind: str  # "deficit" | "resource"
    category: str
    confidence: float
    patterns: tuple[str, ...]
    explanation: str
    suggestions: tuple[str, ...]
    exceptions: tuple[str, ...] = ()
    unless_sentence_has: frozenset[str] = frozenset()
    negatable: bool = False  # a negator just before or inside the match cancels it ("ikke doven", "nyder ikke")
    child_object: bool = False  # the child is the verb's object ("kalder hende ..."): a child in the sentence suffices
    # "det"/"sådan" points back at the behaviour of the sentence before ("Og sådan er det hver eneste
    # dag"): a clause about nobody may fire when the sentence before is about a child
    anaphoric: bool = False
    examples: dict[str, list[str]] = field(default_factory=dict, hash=False, compare=False)


_LEXICON: dict[str, list[str]] | None = None


def framing_lexicon() -> dict[str, list[str]]:
    """The word lists of ``data/framing_lexicon.yaml``: name → lower-case one-token words."""
    global _LEXICON
    if _LEXICON is None:
        data = load_yaml("framing_lexicon.yaml")
        lists: dict[str, list[str]] = {}
        for name, entry in data["lists"].items():
            words: list[str] = []
            for line in entry["words"]:
                for w in str(line).split("|"):
                    w = w.strip().lower()
                    if not w or " " in w:
                        raise ValueError(f"lexicon list {name!r}: {w!r} is not one token")
                    if w not in words:
                        words.append(w)
            lists[name] = words
        _LEXICON = lists
    return _LEXICON


#: a rule pattern that starts with this token matches only at the start of a sentence (after any
#: bullet marks): note-style fragments with no subject ("Urolig til samling igen.")
ANCHOR = "^"
#: tokens that may stand before an anchored pattern's first word in its sentence
_BULLETS = frozenset({"-", "–", "—", "•", "*", "·", "+", ">"})


def split_anchor(pattern: str) -> tuple[bool, str]:
    """(anchored, the pattern without the anchor): ``"^ svært ved"`` → ``(True, "svært ved")``."""
    first, _, rest = pattern.strip().partition(" ")
    if first == ANCHOR:
        if not rest.strip():
            raise ValueError(f"pattern {pattern!r}: nothing after the sentence-start anchor")
        return True, rest.strip()
    return False, pattern


def compile_pattern(pattern: str, lexicon: dict[str, list[str]] | None = None) -> list[dict[str, Any]]:
    """The compact token syntax of ``framing_rules.yaml`` → a spaCy Matcher pattern.

    ``@name`` is a word of the list ``name`` of ``framing_lexicon.yaml`` (or of ``lexicon``).
    The sentence-start anchor (``ANCHOR``) belongs to a rule's patterns only: ``split_anchor`` first.
    """
    tokens: list[dict[str, Any]] = []
    for raw in pattern.split():
        if raw == ANCHOR:
            raise ValueError(f"pattern {pattern!r}: the anchor {ANCHOR!r} may only start a rule pattern")
        m = _QUANT.match(raw)
        assert m is not None
        body, quant = m.group(1), m.group(2)
        if body == "_":
            spec: dict[str, Any] = {}
        elif body.startswith("@") and len(body) > 1:
            lists = lexicon if lexicon is not None else framing_lexicon()
            if body[1:] not in lists:
                raise ValueError(f"pattern {pattern!r}: no word list {body[1:]!r} in framing_lexicon.yaml")
            spec = {"LOWER": {"IN": list(lists[body[1:]])}}
        elif body.startswith("re:"):
            spec = {"LOWER": {"REGEX": body[3:]}}
        elif body.startswith("~"):
            spec = {"LEMMA": {"IN": body[1:].split("|")}}
        else:
            spec = {"LOWER": {"IN": [w.lower() for w in body.split("|")]}}
        if quant:
            spec["OP"] = quant
        tokens.append(spec)
    # optional wildcards at either end only stretch the span: drop them
    def _optional_any(t: dict[str, Any]) -> bool:
        return set(t) == {"OP"} and (t["OP"] in ("?", "*") or t["OP"].startswith("{0") or t["OP"].startswith("{,"))

    while tokens and _optional_any(tokens[-1]):
        tokens.pop()
    while tokens and _optional_any(tokens[0]):
        tokens.pop(0)
    if not tokens or all(t.get("OP") in ("?", "*") or (t.get("OP", "").startswith("{0")) for t in tokens):
        raise ValueError(f"pattern {pattern!r} can match nothing or only optional tokens")
    return tokens


def load_rules(data: dict[str, Any] | None = None) -> list[FramingRule]:
    """Load and validate the rule file (or ``data`` with the same shape)."""
    data = data if data is not None else load_yaml("framing_rules.yaml")
    cats = framing_categories()
    rules = []
    seen = set()
    for r in data["rules"]:
        if r["id"] in seen:
            raise ValueError(f"duplicate rule id {r['id']!r}")
        seen.add(r["id"])
        if r["kind"] not in cats or r["category"] not in cats[r["kind"]]:
            raise ValueError(f"rule {r['id']!r}: category {r['category']!r} is not a {r['kind']} category")
        if not r.get("suggestions") or not 1 <= len(r["suggestions"]) <= 3:
            raise ValueError(f"rule {r['id']!r}: needs 1-3 suggestions")
        if not r.get("explanation"):
            raise ValueError(f"rule {r['id']!r}: needs an explanation")
        for p in r["patterns"]:
            compile_pattern(split_anchor(p)[1])
        for p in r.get("exceptions", []):
            compile_pattern(p)
        rules.append(
            FramingRule(
                id=r["id"],
                kind=r["kind"],
                category=r["category"],
                confidence=float(r.get("confidence", 0.7)),
                patterns=tuple(r["patterns"]),
                explanation=r["explanation"],
                suggestions=tuple(r["suggestions"]),
                exceptions=tuple(r.get("exceptions", [])),
                unless_sentence_has=frozenset(w.lower() for w in r.get("unless_sentence_has", [])),
                negatable=bool(r.get("negatable", False)),
                child_object=bool(r.get("child_object", False)),
                anaphoric=bool(r.get("anaphoric", False)),
                examples=r.get("examples", {}),
            )
        )
    return rules


@dataclass(frozen=True)
class RuleMatch:
    rule: FramingRule
    span: Span


def _quantity(op: str | None) -> tuple[int, int]:
    if op is None:
        return 1, 1
    if op == "?":
        return 0, 1
    if op == "*":
        return 0, 8
    if op == "+":
        return 1, 8
    lo, _, hi = op.strip("{}").partition(",")
    return int(lo or 0), int(hi) if hi else 8


#: a regular expression that is only a list of literal words
_ALTERNATION = re.compile(r"^\^\(((?:[\wæøå]+\|)*[\wæøå]+)\)\$$")


class _Token:
    """One compiled token spec of a spaCy-format pattern, tested on precomputed strings."""

    __slots__ = ("attr", "values", "regex", "lo", "hi", "memo")

    def __init__(self, spec: dict[str, Any]) -> None:
        self.lo, self.hi = _quantity(spec.get("OP"))
        self.attr, self.values, self.regex = None, None, None
        for attr in ("LOWER", "LEMMA"):
            if attr in spec:
                v = spec[attr]
                self.attr = attr
                if isinstance(v, str):
                    self.values = frozenset([v])
                elif "IN" in v:
                    self.values = frozenset(v["IN"])
                elif (words := _ALTERNATION.match(v["REGEX"])) is not None:
                    self.values = frozenset(words.group(1).split("|"))  # "^(a|b)$": a set, so rules can be indexed
                else:
                    self.regex = re.compile(v["REGEX"])
                    self.memo: dict[str, bool] = {}

    def test(self, lower: str, lemma: str) -> bool:
        if self.attr is None:
            return True
        value = lower if self.attr == "LOWER" else lemma
        if self.values is not None:
            return value in self.values
        hit = self.memo.get(value)
        if hit is None:
            if len(self.memo) > 100_000:
                self.memo.clear()
            hit = self.memo[value] = self.regex.search(value) is not None
        return hit


def _match_longest(tokens: list[_Token] | tuple[_Token, ...], lowers: list[str], lemmas: list[str], start: int, stop: int) -> int:
    """End of the longest match of ``tokens`` from ``start`` (not past ``stop``), or -1."""
    best = -1

    def walk(k: int, pos: int) -> None:
        nonlocal best
        if k == len(tokens):
            best = max(best, pos)
            return
        tok = tokens[k]
        # take the minimum repeats, then try each further repeat
        p = pos
        for _ in range(tok.lo):
            if p >= stop or not tok.test(lowers[p], lemmas[p]):
                return
            p += 1
        walk(k + 1, p)
        for _ in range(tok.hi - tok.lo):
            if p >= stop or not tok.test(lowers[p], lemmas[p]):
                return
            p += 1
            walk(k + 1, p)

    walk(0, start)
    return best


def _starts(first: _Token, doc: Doc) -> list[int]:
    """Positions where a pattern whose first token is ``first`` can start, in order."""
    lowers, lemmas, _ = token_table(doc)
    if first.lo == 0 or first.attr is None:
        return list(range(len(lowers)))
    if first.values is not None:
        by_lower, by_lemma = token_positions(doc)
        positions = by_lower if first.attr == "LOWER" else by_lemma
        words = first.values & positions.keys()
        if len(words) == 1:
            return positions[next(iter(words))]
        return sorted(i for w in words for i in positions[w])
    return [i for i, (low, lem) in enumerate(zip(lowers, lemmas)) if first.test(low, lem)]


def _sentence_initial(i: int, lowers: list[str], sent_end: list[int]) -> bool:
    """True when token ``i`` is the first word of its sentence (bullet marks before it allowed)."""
    j = i - 1
    while j >= 0 and sent_end[j] == sent_end[i] and lowers[j] in _BULLETS:
        j -= 1
    return j < 0 or sent_end[j] != sent_end[i]


#: words that end the scope of a negation looking back from a match
_CLAUSE_BREAKS = frozenset({",", ";", ":", ".", "!", "?", "men", "og", "eller", "fordi", "når", "der", "som"})


#: ``doc.user_data`` key of the sentences a guard matched: ``[(start char, end char, categories,
#: classifier kinds)]``, written by ``RuleMatcher`` (``analysis.analyse`` drops classifier-only
#: findings of those kinds there)
GUARDED_KEY = "narrativ_framing_guarded"


@dataclass(frozen=True)
class SentenceGuard:
    """A kind of sentence that carries no finding of some categories: advice to the reader
    ("Giv hende små opgaver ..."), a statement about children in general ("Børn har brug for ..."),
    a question ("Er min datter for genert?"). ``data/framing_rules.yaml`` → ``sentence_guards``."""

    name: str
    categories: frozenset[str]  # rule categories (deficit or resource) a guarded sentence cannot carry
    classifier_kinds: frozenset[str]  # kinds that get no classifier-only finding there either
    patterns: tuple[tuple[bool, tuple[_Token, ...]], ...]  # (anchored, tokens)
    question: bool = False  # also: every sentence whose last token is "?" ...
    question_max_tokens: int = 25  # ... and that has at most this many tokens (a run-on line that
    # segmentation could not split, "Ida (5) er bare så sart ... nogen gode råd?", is no one question)
    examples: dict[str, list[str]] = field(default_factory=dict, hash=False, compare=False)
    # the guard does not hold in a sentence that also names a person ("Mange børn var med, og Ali
    # hjalp de mindste"): the sentence is about a concrete child after all
    unless_person: bool = False
    unless: tuple[tuple[_Token, ...], ...] = ()  # ... or that matches one of these ("man kan se, at ...")


def load_guards(data: dict[str, Any] | None = None) -> list[SentenceGuard]:
    """The ``sentence_guards`` of the rule file (or of ``data``), validated."""
    data = data if data is not None else load_yaml("framing_rules.yaml")
    cats = framing_categories()
    known = {c for kind in cats.values() for c in kind}
    out = []
    for name, g in (data.get("sentence_guards") or {}).items():
        categories = frozenset(g.get("categories", []))
        if not categories <= known:
            raise ValueError(f"sentence guard {name!r}: unknown categories {sorted(categories - known)}")
        kinds = frozenset(g.get("classifier_kinds", []))
        if not kinds <= set(cats):
            raise ValueError(f"sentence guard {name!r}: unknown kinds {sorted(kinds - set(cats))}")
        patterns = []
        for p in g.get("patterns", []):
            anchored, body = split_anchor(p)
            patterns.append((anchored, tuple(_Token(t) for t in compile_pattern(body))))
        if not patterns and not g.get("question"):
            raise ValueError(f"sentence guard {name!r}: no patterns")
        unless = tuple(tuple(_Token(t) for t in compile_pattern(split_anchor(p)[1])) for p in g.get("unless", []))
        out.append(SentenceGuard(name, categories, kinds, tuple(patterns), bool(g.get("question", False)),
                                 int(g.get("question_max_tokens", 25)), g.get("examples", {}),
                                 bool(g.get("unless_person", False)), unless))
    return out


def _person_sentences(doc: Doc, sent_end: list[int]) -> set[int]:
    """Ends of the sentences in which the name detector (``doc._.identifiers``, when it ran) found a
    person's name."""
    ids = doc._.identifiers if Doc.has_extension("identifiers") else None
    if ids is None or not doc:
        return set()
    starts = [t.idx for t in doc]
    out = set()
    for sp in ids.spans:
        if sp.label == "PERSON":
            i = bisect_right(starts, sp.start) - 1
            if 0 <= i < len(sent_end):
                out.add(sent_end[i])
    return out


def guard_blocks(f: Any, guarded: list[tuple[int, int, frozenset[str], frozenset[str]]]) -> bool:
    """True when finding ``f`` lies in a sentence a ``SentenceGuard`` matched (``doc.user_data[GUARDED_KEY]``)
    and the guard blocks its category (a rule finding) or its kind (a classifier-only finding)."""
    for a, b, cats, kinds in guarded:
        if a <= f.start < b:
            return (f.category in cats) if f.category is not None else (f.kind in kinds)
    return False


class RuleMatcher:
    """Run all rules over a ``Doc``: longest non-overlapping match per rule, minus exceptions.

    Patterns are spaCy ``Matcher`` patterns (``compile_pattern``); they are evaluated
    here on precomputed lower-case forms and lemmas, starting only where the pattern's
    first token can match (looked up in the doc's word positions). A ``Matcher``
    evaluates every pattern at every token, which made a 250-word narrative cost
    15-25 ms; this costs about 1 ms. Matches do not cross sentence boundaries.
    """

    def __init__(self, vocab: Vocab, rules: list[FramingRule], guards: list[SentenceGuard] | None = None) -> None:
        self.rules = {r.id: r for r in rules}
        self.guards = load_guards() if guards is None else guards
        self.negators = frozenset(framing_lexicon().get("negators", ()))
        self.patterns: list[tuple[str, list[_Token], bool]] = []  # (rule id, tokens, anchored)
        self.exceptions: dict[str, list[list[_Token]]] = {}
        for r in rules:
            for p in r.patterns:
                anchored, body = split_anchor(p)
                self.patterns.append((r.id, [_Token(t) for t in compile_pattern(body)], anchored))
            self.exceptions[r.id] = [[_Token(t) for t in compile_pattern(p)] for p in r.exceptions]

    def __call__(self, doc: Doc) -> list[RuleMatch]:
        lowers, lemmas, sent_end = token_table(doc)
        guarded = self.guarded(doc)
        found: dict[str, list[tuple[int, int]]] = {}
        for rule_id, toks, anchored in self.patterns:
            for i in _starts(toks[0], doc):
                if anchored and not _sentence_initial(i, lowers, sent_end):
                    continue
                end = _match_longest(toks, lowers, lemmas, i, sent_end[i])
                if end > i:
                    found.setdefault(rule_id, []).append((i, end))
        out = []
        for rule_id, spans in found.items():
            rule = self.rules[rule_id]
            kept: list[tuple[int, int]] = []
            for s, e in sorted(set(spans), key=lambda x: (x[0] - x[1], x[0])):
                if all(e <= ks or s >= ke for ks, ke in kept):
                    kept.append((s, e))
            blocked = guarded.get
            for s, e in kept:
                if guarded and rule.category in blocked(sent_end[s], ((), ()))[0]:
                    continue
                if self._excepted(rule_id, s, e, lowers, lemmas, sent_end):
                    continue
                if rule.negatable and self._negated(s, e, lowers, sent_end):
                    continue
                if rule.unless_sentence_has:
                    sent_start = max((i + 1 for i in range(s) if sent_end[i] <= s), default=0)
                    if not rule.unless_sentence_has.isdisjoint(lowers[sent_start : sent_end[s]]):
                        continue
                span = doc[s:e]
                out.append(RuleMatch(rule, span))
        return sorted(out, key=lambda m: (m.span.start, m.rule.id))

    def guarded(self, doc: Doc) -> dict[int, tuple[frozenset[str], frozenset[str]]]:
        """Sentences a ``SentenceGuard`` matches: their end token → (blocked categories, kinds with no
        classifier-only finding). Also stored as character ranges in ``doc.user_data[GUARDED_KEY]``."""
        lowers, lemmas, sent_end = token_table(doc)
        out: dict[int, tuple[frozenset[str], frozenset[str]]] = {}
        named: set[int] | None = None  # ends of the sentences that name a person
        for g in self.guards:
            ends: set[int] = set()
            for anchored, toks in g.patterns:
                for i in _starts(toks[0], doc):
                    if sent_end[i] in ends or (anchored and not _sentence_initial(i, lowers, sent_end)):
                        continue
                    if _match_longest(toks, lowers, lemmas, i, sent_end[i]) > i:
                        ends.add(sent_end[i])
            if g.question:
                for e in set(sent_end):
                    j = e - 1
                    while j > 0 and sent_end[j - 1] == e and not lowers[j].strip():
                        j -= 1
                    short = j < g.question_max_tokens or sent_end[j - g.question_max_tokens] != e
                    if lowers[j] == "?" and short:
                        ends.add(e)
            if ends and g.unless_person:
                if named is None:
                    named = _person_sentences(doc, sent_end)
                ends -= named
            for toks in g.unless if ends else ():
                for i in _starts(toks[0], doc):
                    if sent_end[i] in ends and _match_longest(toks, lowers, lemmas, i, sent_end[i]) > i:
                        ends.discard(sent_end[i])
            for e in ends:
                cats, kinds = out.get(e, (frozenset(), frozenset()))
                out[e] = (cats | g.categories, kinds | g.classifier_kinds)
        ranges = []
        for e, (cats, kinds) in sorted(out.items()):
            b = e - 1
            while b > 0 and sent_end[b - 1] == e:
                b -= 1
            ranges.append((doc[b].idx, doc[e - 1].idx + len(doc[e - 1]), cats, kinds))
        doc.user_data[GUARDED_KEY] = ranges
        return out

    def _negated(self, s: int, e: int, lowers: list[str], sent_end: list[int]) -> bool:
        """True when a negator scopes over the match [s, e).

        Danish puts the negation after the finite verb in a main clause ("han er ikke doven",
        "hun nyder ikke", "han slapper ikke af") and before it in a subordinate clause ("at hun
        ikke er bange", "ikke længere urolig"): a negator inside the match, right after its first
        word, or up to three words before it in the same clause (no comma or "men" between) counts.
        """
        neg = self.negators
        stop = sent_end[s]
        if any(lowers[i] in neg for i in range(s, min(max(e, s + 2), stop))):
            return True
        for i in range(s - 1, max(-1, s - 4), -1):
            if sent_end[i] != stop or lowers[i] in _CLAUSE_BREAKS:
                break
            if lowers[i] in neg:
                return True
        return False

    def _excepted(self, rule_id: str, s: int, e: int, lowers: list[str], lemmas: list[str], sent_end: list[int]) -> bool:
        """True when an exception pattern matches a span overlapping [s, e)."""
        patterns = self.exceptions.get(rule_id)
        if not patterns:
            return False
        for start in range(max(0, s - 8), e):
            if sent_end[start] != sent_end[s]:
                continue
            for toks in patterns:
                first = toks[0]
                if first.lo >= 1 and not first.test(lowers[start], lemmas[start]):
                    continue
                end = _match_longest(toks, lowers, lemmas, start, sent_end[start])
                if end > start and end > s:
                    return True
        return False


class PatternSet:
    """Named patterns (compact syntax) → the first match of each name in a ``Doc``."""

    def __init__(self, named: dict[str, list[str]]) -> None:
        self.named = {name: [[_Token(t) for t in compile_pattern(p)] for p in patterns] for name, patterns in named.items()}

    def first_matches(self, doc: Doc) -> dict[str, tuple[int, int]]:
        """For each name, the earliest match of any of its patterns (the first pattern on ties)."""
        lowers, lemmas, sent_end = token_table(doc)
        found: dict[str, tuple[int, int]] = {}
        for name, patterns in self.named.items():
            best: tuple[int, int, int] | None = None  # (start, pattern index, end)
            for k, toks in enumerate(patterns):
                for i in _starts(toks[0], doc):
                    if best is not None and i > best[0]:
                        break
                    end = _match_longest(toks, lowers, lemmas, i, sent_end[i])
                    if end > i:
                        if best is None or (i, k) < best[:2]:
                            best = (i, k, end)
                        break
            if best is not None:
                found[name] = (best[0], best[2])
        return found
