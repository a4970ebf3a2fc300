"""Pseudonymisation operators and the consistent ``Pseudonymiser``.

Operators are small classes behind one interface (after Presidio's anonymizer):
``placeholder`` ("[Person 1]", "[CPR]"), ``surrogate`` (another Danish name of
the same gender where known) and ``mask`` ("■■■■"). The same real name gets the
same replacement throughout a text and across a batch (one ``Pseudonymiser``
per batch); a possessive keeps its -s. A full name and its first or last name
alone in the same text ("Mette Hansen" ... "Mette") are one person and get one
pseudonym, unless that part belongs to two full names in the text, or the part
alone already has a pseudonym from an earlier text of the batch (the batch
mapping wins). The mapping is returned separately and is written nowhere unless
the caller asks.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.identifiers.lexicon import NameLexicon, load_lexicon
from narrativ_nlp.identifiers.types import INITIALS, LABEL_DA, IdentifierSpan, is_initials, split_apostrophe

MODES = ("placeholder", "surrogate", "mask")
_NUMBERED = {"PERSON", "INSTITUTION", "ADDRESS", "PLACE", "OTHER", "ROOM"}
#: invented room names for surrogate mode (a room the user chose to replace)
_SURROGATE_ROOMS = ["Stjernestuen", "Regnbuen", "Spirerne", "Troldestuen", "Månestuen", "Humlebierne"]
_SURROGATE_INSTITUTIONS = ["Børnehuset Kløveren", "Vuggestuen Ahornen", "Børnehaven Lærkereden", "Dagplejen Vest",
                           "Børnehuset Bøgen", "Vuggestuen Tusindfryd", "Østre Skole", "Bakkeskolen"]
_SURROGATE_ADDRESSES = ["Egevej 1", "Lindegade 2", "Birkealle 3", "Bøgevænget 4", "Ahornvej 5", "Elmegade 6"]


_INITIALS_POSSESSIVE = re.compile(f"{INITIALS}s")
_INITIAL_LETTERS = "ABDEFGHIJKLMNOPRSTUVY"


@lru_cache(maxsize=1)
def _taken_capitals() -> frozenset[str]:
    """Capitals a surrogate for initials must not be: abbreviations and Danish stop words."""
    from spacy.lang.da.stop_words import STOP_WORDS

    from narrativ_nlp.identifiers.recognizers.base import not_initials
    from narrativ_nlp.resources import load_yaml

    return not_initials(load_yaml("identifiers.yaml")) | {w.upper() for w in STOP_WORDS}


@lru_cache(maxsize=1)
def surrogate_names() -> dict[str, tuple[str, ...]]:
    """The pseudonyms of surrogate mode (``data/surrogate_names.yaml``: common Danish given names by gender
    ``m``/``f``/``neutral``, and ``surnames``)."""
    from narrativ_nlp.resources import load_yaml

    data = load_yaml("surrogate_names.yaml")
    out = {g: tuple(data["given_names"][g]) for g in ("m", "f", "neutral")}
    out["surnames"] = tuple(data["surnames"])
    return out


#: the lists a given name of each gender (from the name lexicon; "" unknown) draws from, in order
_LISTS_FOR = {"m": ("m", "neutral"), "f": ("f", "neutral"), "": ("neutral", "f", "m")}


def _split_possessive(surface: str, lexicon: NameLexicon) -> tuple[str, str]:
    """("Emmas") → ("Emma", "s"); a name that itself ends in -s stays whole ("Jonas")."""
    stem, suffix = split_apostrophe(surface)
    if suffix:
        return stem, suffix
    if _INITIALS_POSSESSIVE.fullmatch(surface):  # "MKs gruppe"
        return surface[:-1], "s"
    last = surface.split()[-1]
    if last.endswith("s") and len(last) > 2:
        whole_is_name = lexicon.base_name(last) == last.lower()
        stem_is_name = lexicon.base_name(last[:-1]) == last[:-1].lower()
        if stem_is_name and not whole_is_name:
            return surface[:-1], "s"
    return surface, ""


#: initials in parentheses inside a full name ("Jens-Peter (J.P.) Krogh"): not part of its key
_PAREN_INITIALS = re.compile(r"\s*\((?:[A-ZÆØÅ]\.?-?){1,4}\)")
#: a given name and the initial of the surname ("Sofie L.", "Anne K.J.")
_NAME_AND_INITIAL = re.compile(r"(?P<first>.+) (?P<initial>[A-ZÆØÅ])\.(?:-?[A-ZÆØÅ]\.)?")
#: the source mark of a story character or a pet (``engine.CHARACTER_SOURCE``)
_CHARACTER_SOURCE = "characters"


def _key(stem: str, label: str = "PERSON") -> str:
    if label == "PERSON":
        stem = _PAREN_INITIALS.sub("", stem)
    key = re.sub(r"\s+", " ", stem).strip().lower()
    if label == "INSTITUTION":
        # "Børnehuset Mælkebøtten" and a later bare "Mælkebøtten" are one institution
        from narrativ_nlp.resources import load_yaml

        words = key.split(" ")
        if len(words) > 1 and words[0] in load_yaml("identifiers.yaml")["institution_prefixes"]:
            key = " ".join(words[1:])
    return key


def person_key(text: str, spans: list[IdentifierSpan], lexicon: NameLexicon | None = None) -> dict[tuple[int, int], str]:
    """For each PERSON span, the key of the person it names: its stem without a possessive, lower
    case, and a first or last name alone linked to the one full name in ``text`` it belongs to
    ("Oliver" and "Olivers" → "oliver hansen" when "Oliver Hansen" is in the text) — the same
    linking the ``Pseudonymiser`` uses, so one review row is one pseudonym."""
    lexicon = lexicon or load_lexicon()
    owners: dict[str, set[str]] = {}
    stems: dict[tuple[int, int], str] = {}
    words_of: dict[str, list[str]] = {}
    for s in spans:
        stem, _ = _split_possessive(text[s.start:s.end], lexicon)
        stems[(s.start, s.end)] = _key(stem)
        if _CHARACTER_SOURCE not in s.source.split("+"):
            words_of[_key(stem)] = _PAREN_INITIALS.sub("", stem).split()
    whole = {k for k, w in words_of.items() if len(w) >= 2 and not _NAME_AND_INITIAL.fullmatch(k.upper())}
    aliases: dict[str, str] = {}
    for key in words_of:
        initial = _NAME_AND_INITIAL.fullmatch(key.upper()) if key not in whole else None
        if initial:  # "Sofie L." is the one full name with that given name and that initial ("Sofie Lund")
            first = key[: len(initial.group("first"))] + " "
            match = [k for k in whole if k.startswith(first) and k[len(first):][:1] == key[len(first)]
                     and " " not in k[len(first):]]
            if len(match) == 1:
                aliases[key] = match[0]
    for key, words in words_of.items():
        if len(words) >= 2 and key not in aliases:
            for position in (0, -1):
                word = words[position].strip(".")
                if len(word) >= 2 and not is_initials(word):
                    owners.setdefault(word.lower(), set()).add(key)
    out = {}
    for span, key in stems.items():
        fulls = owners.get(key)
        out[span] = aliases.get(key) or (next(iter(fulls)) if fulls and len(fulls) == 1 and " " not in key else key)
    return out


def _checked(text: str, spans: Iterable[IdentifierSpan]) -> list[IdentifierSpan]:
    """``spans`` sorted; spans outside ``text`` raise E070, overlapping spans E074."""
    ordered = sorted(spans, key=lambda s: s.start)
    for a, b in zip(ordered, ordered[1:]):
        if b.start < a.end:
            raise NarrativError("E074", start=b.start, end=b.end, prev_start=a.start, prev_end=a.end)
    for s in ordered:
        if not 0 <= s.start < s.end <= len(text):
            raise NarrativError("E070", start=s.start, end=s.end, length=len(text))
    return ordered


@lru_cache(maxsize=16)
def _shuffled(seed: int) -> tuple[dict[str, tuple[str, ...]], tuple]:
    """The surrogate lists shuffled by ``random.Random(seed)``, and that generator's state afterwards."""
    rng = random.Random(seed)
    order = {}
    for name, names in surrogate_names().items():
        shuffled = list(names)
        rng.shuffle(shuffled)
        order[name] = tuple(shuffled)
    return order, rng.getstate()


@dataclass
class Replacement:
    start: int
    end: int
    label: str
    original: str
    replacement: str


@dataclass
class PseudonymisedText:
    text: str
    replacements: list[Replacement]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.replacements:
            out[r.label] = out.get(r.label, 0) + 1
        return out


@dataclass
class Pseudonymiser:
    """Apply reviewed spans to texts with one consistent mapping per batch."""

    mode: str = "placeholder"
    seed: int = 0
    lexicon: NameLexicon = field(default_factory=load_lexicon)
    mapping: dict[tuple[str, str], str] = field(default_factory=dict)  # (label, key) → replacement
    _counters: dict[str, int] = field(default_factory=dict)
    _used: set[str] = field(default_factory=set)
    # per text: first/last name key → (full-name key, full name, 0 for the first word or -1 for the last)
    _parts: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    # lower-case words of the real names seen so far in the batch (this text included): a new
    # surrogate is never one of them (a surrogate chosen in an earlier text may be a later text's name)
    _real: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode={self.mode!r} should be one of {MODES}")
        # each list in an order of its own per batch (the seed): deterministic, and not the same names every time;
        # the shuffled lists and the generator's state after shuffling depend on the seed alone, so they are
        # made once per seed (``_shuffled``)
        order, state = _shuffled(self.seed)
        self._rng = random.Random()
        self._rng.setstate(state)
        self._order: dict[str, tuple[str, ...]] = dict(order)  # read only

    def _new(self, label: str, surface: str) -> str:
        n = self._counters.get(label, 0) + 1
        self._counters[label] = n
        if self.mode == "mask":
            return "■" * max(3, len(surface))
        if self.mode == "placeholder":
            return f"[{LABEL_DA[label]} {n}]" if label in _NUMBERED else f"[{LABEL_DA[label]}]"
        # surrogate
        if label == "PERSON" and is_initials(surface):
            return self._initials_surrogate(surface)
        if label == "PERSON":
            gender = self.lexicon.gender(surface.split()[0])
            own = {w.strip(".").lower() for w in surface.split()}
            cand = next((c for g in _LISTS_FOR.get(gender, _LISTS_FOR[""])
                         for c in [self._free_name(self._order[g], own)] if c), None)
            if cand is None:  # every name of the lists is taken in this batch: a numbered pseudonym
                return f"Person {n}"
            self._used.add(cand)
            if len(surface.split()) > 1 and gender:  # keep the shape of a full name, never a real surname
                surnames = [x for x in self._order["surnames"] if not self._is_real(x.lower(), own)]
                cand = f"{cand} {surnames[(n - 1) % len(surnames)]}" if surnames else cand
            return cand
        if label == "INSTITUTION":
            return _SURROGATE_INSTITUTIONS[(n - 1) % len(_SURROGATE_INSTITUTIONS)]
        if label == "ADDRESS":
            return _SURROGATE_ADDRESSES[(n - 1) % len(_SURROGATE_ADDRESSES)]
        if label == "ROOM":
            return _SURROGATE_ROOMS[(n - 1) % len(_SURROGATE_ROOMS)]
        return f"[{LABEL_DA[label]}]"

    def _is_real(self, word: str, own: set[str]) -> bool:
        """``word`` (lower case) is a real name seen in the batch or a word of the name being replaced."""
        return word in own or word in self._real

    def _free_name(self, names: Sequence[str], own: set[str]) -> str | None:
        """The first name of ``names`` not used yet in the batch and no real name seen (``None`` if none is left)."""
        for cand in names:
            if cand in self._used or self._is_real(cand.lower(), own):
                continue
            base = self.lexicon.base_name(cand)
            if not (base and self._is_real(base, own)):
                return cand
        return None

    def _initials_surrogate(self, surface: str) -> str:
        """Other initials of the same length for initials ("MK" → "TL"), unused, no abbreviation or word."""
        taken = _taken_capitals()
        cand = surface
        for _ in range(200):
            cand = "".join(self._rng.choice(_INITIAL_LETTERS) for _ in surface)
            if cand != surface and cand not in self._used and cand not in taken:
                break
        self._used.add(cand)
        return cand

    def replacement_for(self, label: str, surface: str) -> tuple[str, str]:
        """The replacement of a surface form and the possessive suffix it keeps."""
        stem, suffix = (_split_possessive(surface, self.lexicon) if label == "PERSON" else (surface, ""))
        key = (label, _key(stem, label))
        if key not in self.mapping and label == "PERSON" and key[1] in self._parts:
            full_key, full_stem, position = self._parts[key[1]]
            if ("PERSON", full_key) not in self.mapping:
                self.mapping[("PERSON", full_key)] = self._new("PERSON", full_stem)
            self.mapping[key] = self._part_of(self.mapping[("PERSON", full_key)], position)
        if key not in self.mapping:
            self.mapping[key] = self._new(label, stem)
        return self.mapping[key], suffix

    def _part_of(self, replacement: str, position: int | str) -> str:
        """What a first or last name alone becomes: the same placeholder, or that word of the surrogate;
        a given name with an initial ("Sofie L.", ``position`` "initial"): the surrogate's given name and
        the initial of its surname."""
        if self.mode != "surrogate":
            return replacement
        words = replacement.split()
        if position == "initial":
            return f"{' '.join(words[:-1])} {words[-1][0]}." if len(words) > 1 else replacement
        return words[position]

    def _link_name_parts(self, text: str, spans: list[IdentifierSpan]) -> None:
        """Map the first and last word of each full name in ``text`` to that name ("Mette Hansen":
        "Mette", "Hansen"), unless a word belongs to two different full names ("Mette Hansen" and
        "Mette Holm": a bare "Mette" could be either, so it keeps a pseudonym of its own)."""
        self._parts = {}
        owners: dict[str, dict[str, tuple[str, int]]] = {}
        stems = []
        for s in spans:
            if s.label != "PERSON":
                continue
            stem, _ = _split_possessive(text[s.start : s.end], self.lexicon)
            self._real.update(w.strip(".()").lower() for w in stem.split())
            # a story character ("Rasmus Klump") does not make a given name ambiguous
            if _CHARACTER_SOURCE not in s.source.split("+"):
                stems.append(stem)
        fulls = {_key(st): st for st in stems if len(st.split()) >= 2 and not _NAME_AND_INITIAL.fullmatch(st)}
        for stem in stems:
            words = _PAREN_INITIALS.sub("", stem).split()
            if len(words) < 2:
                continue
            full_key = _key(stem)
            initial = _NAME_AND_INITIAL.fullmatch(stem)
            if initial and full_key not in fulls:
                # "Sofie L." is the one full name of the text with that given name and that initial
                first = _key(initial.group("first")) + " "
                match = [k for k in fulls if k.startswith(first) and k[len(first):][:1] == initial.group("initial").lower()
                         and " " not in k[len(first):]]
                if len(match) == 1 and self.mode != "mask":
                    self._parts[full_key] = (match[0], fulls[match[0]], "initial")
                    continue
            for position in (0, -1):
                word = words[position].strip(".")
                if len(word) >= 2 and not is_initials(word):
                    owners.setdefault(word.lower(), {})[full_key] = (stem, position)
        if self.mode == "mask":
            return
        for part, names in owners.items():
            if len(names) == 1:
                full_key, (stem, position) = next(iter(names.items()))
                self._parts[part] = (full_key, stem, position)

    def apply(self, text: str, spans: Iterable[IdentifierSpan]) -> PseudonymisedText:
        """Replace exactly the reviewed ``spans`` (nothing else) in ``text``."""
        ordered = _checked(text, spans)
        self._link_name_parts(text, ordered)
        return self._replace(text, ordered)

    def apply_many(self, pieces: Sequence[tuple[str, Iterable[IdentifierSpan]]]) -> list[PseudonymisedText]:
        """``apply`` to several texts that belong together (a narrative, its author and its group)
        with one linking of name parts over all of them: "Maja" in the text and the author
        "Maja Holm" get one pseudonym."""
        checked = [(text, _checked(text, spans)) for text, spans in pieces]
        joined, shifted, pos = [], [], 0
        for text, ordered in checked:
            joined.append(text)
            shifted.extend(IdentifierSpan(s.start + pos, s.end + pos, s.label, s.source, s.score) for s in ordered)
            pos += len(text) + 1
        self._link_name_parts("\u2029".join(joined), shifted)
        return [self._replace(text, ordered) for text, ordered in checked]

    def _replace(self, text: str, ordered: list[IdentifierSpan]) -> PseudonymisedText:
        pieces: list[str] = []
        replacements: list[Replacement] = []
        pos = 0
        for s in ordered:
            surface = text[s.start : s.end]
            repl, suffix = self.replacement_for(s.label, surface)
            pieces.append(text[pos : s.start])
            new = repl + suffix
            pieces.append(new)
            replacements.append(Replacement(s.start, s.end, s.label, surface, new))
            pos = s.end
        pieces.append(text[pos:])
        return PseudonymisedText("".join(pieces), replacements)

    def mapping_table(self) -> list[dict[str, str]]:
        """The mapping as rows (label, original key, replacement) for an explicit export."""
        return [{"label": lab, "original": key, "replacement": rep} for (lab, key), rep in sorted(self.mapping.items())]
