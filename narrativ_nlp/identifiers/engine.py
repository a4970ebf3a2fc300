"""``IdentifierEngine``: run the registered recognizers and combine their spans.

One orchestration method, top to bottom: recognize → combine evidence →
propagate found names to every other occurrence → resolve overlaps and join
double names → split into pre-selected spans and unticked suggestions.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from spacy.lang.da.stop_words import STOP_WORDS
from spacy.tokens import Doc

from narrativ_nlp.identifiers.lexicon import load_lexicon
from narrativ_nlp.identifiers.recognizers import RECOGNIZERS, Recognizer, RecognizerContext
from narrativ_nlp.identifiers.recognizers.base import doc_lower_case, doc_text, lower_case_text
from narrativ_nlp.identifiers.types import Detection, IdentifierSpan, is_initials
from narrativ_nlp.resources import load_yaml

logger = logging.getLogger(__name__)

#: which label wins when spans of different labels overlap
LABEL_PRIORITY = {"EMAIL": 6, "CPR": 5, "PHONE": 4, "ADDRESS": 3, "INSTITUTION": 2, "PERSON": 1, "ROOM": 0}
#: a name guess on a story character or a pet is offered with this score (a suggestion, unticked)
GUARDED_SCORE = 0.3
_POSSESSIVE = r"(?:s|'s|’s|'|’)?"


class IdentifierEngine:
    """Combine recognizers into one detection of identifiers in a ``Doc``."""

    def __init__(self, recognizers: Sequence[Recognizer], threshold: float = 0.4, min_score: float = 0.2,
                 name_particles: Sequence[str] = (), name_particles_also_words: Sequence[str] = (),
                 replace_rooms: bool = False) -> None:
        self.recognizers = list(recognizers)
        # rooms and groups ("Myretuen") are pre-selected for replacement only when the user chose so
        self.replace_rooms = replace_rooms
        self.threshold = threshold
        self.min_score = min_score
        # "Omar bin Saleh", "João Pereira da Silva": lower-case particles inside one full name
        self._particles = frozenset(name_particles)
        self._particles_also_words = frozenset(name_particles_also_words)

    @classmethod
    def from_settings(cls, settings: dict[str, Any] | None = None) -> IdentifierEngine:
        """Build the engine named by ``data/identifiers.yaml`` (or ``settings``)."""
        settings = settings if settings is not None else load_yaml("identifiers.yaml")
        context = RecognizerContext(lexicon=load_lexicon(), settings=settings)
        unknown = [n for n in settings["recognizers"] if n not in RECOGNIZERS]
        if unknown:
            raise ValueError(f"unknown recognizers {unknown}; known: {sorted(RECOGNIZERS)}")
        recognizers = [RECOGNIZERS[name](context) for name in settings["recognizers"]]
        return cls(recognizers, threshold=settings["threshold"], min_score=settings["min_score"],
                   name_particles=settings.get("name_particles", ()),
                   name_particles_also_words=settings.get("name_particles_also_words", ()),
                   replace_rooms=bool(settings.get("replace_rooms", False)))

    def analyze(self, doc: Doc, labels: frozenset[str] | None = None) -> list[IdentifierSpan]:
        """All spans at or above ``min_score``, non-overlapping, sorted by offset.

        ``labels`` restricts detection to recognizers of those labels (the writer's
        assistant needs only names, for suggestions); ``None`` runs them all.
        """
        spans: list[IdentifierSpan] = []
        for rec in self.recognizers:
            if labels is not None and labels.isdisjoint(rec.labels) and not (rec.guards_person and "PERSON" in labels):
                continue
            spans.extend(rec.analyze(doc))
        text = doc_text(doc)
        lower = lambda: doc_lower_case(doc)  # noqa: E731  (``lower_case_text(text)``, once per doc)
        spans = self._combine_evidence([_without_leading_marks(text, s) for s in spans])
        guards = [s for s in spans if s.label == "NOT_PERSON"]
        spans = self._guard([s for s in spans if s.label != "NOT_PERSON"], guards)
        spans = spans + self._propagate(text, spans, lower)
        coordinated = self._coordinated(text, spans, lower)
        spans = spans + coordinated + self._propagate(text, coordinated, lower)
        spans = spans + self._elongated(text, spans)
        guards = guards + self._propagate_guards(text, guards)
        spans = self._resolve(text, self._guard(spans, guards))
        return [s for s in spans if s.score >= self.min_score]

    def detect(self, doc: Doc, labels: frozenset[str] | None = None) -> Detection:
        """A detection for review: pre-selected spans and unticked suggestions."""
        return self._split(doc_text(doc), self.analyze(doc, labels))

    def _split(self, text: str, spans: list[IdentifierSpan]) -> Detection:
        """Pre-selected spans (at or above the threshold) and unticked suggestions; rooms are suggestions
        unless ``replace_rooms``."""
        def selected(s: IdentifierSpan) -> bool:
            return s.score >= self.threshold and (s.label != "ROOM" or self.replace_rooms)

        return Detection(text=text, spans=[s for s in spans if selected(s)], threshold=self.threshold,
                         suggestions=[s for s in spans if not selected(s) and s.score >= self.min_score])

    @staticmethod
    def _guard(spans: list[IdentifierSpan], guards: list[IdentifierSpan]) -> list[IdentifierSpan]:
        """A name guess inside a room drops out (the room stays); one inside a story character or a
        pet's name is offered unticked."""
        rooms = [r for r in spans if r.label == "ROOM"]
        if not rooms and not guards:
            return spans
        out = []
        for s in spans:
            if s.label == "PERSON":
                if any(r.start <= s.start and s.end <= r.end for r in rooms):
                    continue
                if s.score > GUARDED_SCORE and any(g.start <= s.start and s.end <= g.end for g in guards):
                    s = IdentifierSpan(s.start, s.end, s.label, _mark_character(s.source), GUARDED_SCORE)
            out.append(s)
        return out

    @staticmethod
    def _propagate_guards(text: str, guards: list[IdentifierSpan]) -> list[IdentifierSpan]:
        """Every other occurrence of a pet's or character's name, as written ("Trofast er en gammel kanin")."""
        found = []
        for surface in {text[g.start : g.end] for g in guards}:
            for start, end in _find_word(text, surface, True, False, None):
                found.append(IdentifierSpan(start, end, "NOT_PERSON", "propagation", 0.8))
        return found

    @staticmethod
    def _combine_evidence(spans: list[IdentifierSpan]) -> list[IdentifierSpan]:
        """Same span from several recognizers: the best score plus 0.1 per extra source."""
        by_key: dict[tuple[int, int, str], list[IdentifierSpan]] = defaultdict(list)
        for s in spans:
            by_key[(s.start, s.end, s.label)].append(s)
        out = []
        for (start, end, label), group in by_key.items():
            best = max(group, key=lambda s: s.score)
            sources = sorted({s.source for s in group})
            score = min(1.0, best.score + 0.1 * (len(sources) - 1))
            out.append(IdentifierSpan(start, end, label, "+".join(sources), round(score, 3)))
        return out

    def complete(self, text: str, spans: list[IdentifierSpan]) -> Detection:
        """Spans detected in parts of ``text`` (chunks, cells, files of a batch), made whole: every
        other occurrence of a found name is added, overlaps resolved, and the result split at the
        threshold into pre-selected spans and suggestions, as ``detect`` does for one text."""
        spans = spans + self._propagate(text, spans)
        coordinated = self._coordinated(text, spans)
        spans = spans + coordinated + self._propagate(text, coordinated)
        spans = spans + self._elongated(text, spans)
        # a story character stays a suggestion: a name propagated from another part ("Rasmus" of
        # "Rasmus Nørgaard" in another file) does not pre-select "Rasmus Klump"
        characters = [s for s in spans if _is_character(s)]
        return self._split(text, self._resolve(text, self._guard(spans, characters)))

    def _elongated(self, text: str, spans: list[IdentifierSpan]) -> list[IdentifierSpan]:
        """A found name shouted or sung with stretched letters ("SOFIIIIEEE", "Emmmmaaa", "LAAARAAA" for
        Clara): a word with a letter three times in a row whose letters, each run written once, are
        within one edit (two for names of five letters or more) of a found given name ("Clara"). Only words with
        such a run are looked at, so no ordinary word is touched; at least four letters remain."""
        if not _HAS_RUN.search(text):
            return []
        names: dict[str, IdentifierSpan] = {}
        for s in spans:
            if s.label == "PERSON" and s.score >= self.threshold:
                for part in text[s.start : s.end].split():
                    key = _collapse_runs(part.strip(".,:;!?\"'()"))
                    if len(key) >= 4 and (key not in names or names[key].score < s.score):
                        names[key] = s
        found = []
        for m in _ELONGATED_WORD.finditer(text):
            word = _collapse_runs(m.group())
            if len(word) < 4:
                continue
            for key, s in names.items():
                if _within_edits(word, key, 1 if len(key) <= 4 else 2):
                    found.append(IdentifierSpan(m.start(), m.end(), "PERSON", "elongation", s.score))
                    break
        return found

    def _propagate(self, text: str, spans: list[IdentifierSpan],
                   lower: Callable[[], bool] | None = None) -> list[IdentifierSpan]:
        """Every other occurrence of a found name (with possessive -s), room or institution is found too.

        A name is matched in any case, except a name that is also an everyday word ("Sten", "Lærke",
        "Storm") or a Danish function word, and initials: those are pre-selected only as written, and
        offered unticked in another case ("en sten" stays a stone unless the user ticks it); in a text
        written without capitals ("i dag legede sten ...") in any case. A single
        capital letter found as a name ("vores M") is matched as written; a room ("Myretuen") too.
        ``lower``: ``lower_case_text(text)`` when it is known already (called only when needed).
        """
        lex = load_lexicon()
        names: dict[str, float] = {}
        letters: dict[str, float] = {}
        rooms: dict[str, float] = {}
        institutions: dict[str, float] = {}
        for s in spans:
            if s.score < self.threshold:
                continue
            surface = text[s.start : s.end]
            if s.label == "PERSON":
                if len(surface) == 1 and surface.isupper() and surface != "I":
                    letters[surface] = max(letters.get(surface, 0.0), s.score)
                    continue
                parts = re.split(r"[\s]+", surface)
                for part in parts:
                    # a possessive ending comes off, unless the word is a name as it stands ("Hans", "Klaus")
                    if len(part) > 3 and part[-1] in "s'’" and lex.base_name(part) != part.lower():
                        part = re.sub(r"(?:'s|’s|s|'|’)$", "", part)
                    part = part.strip(".,")
                    if len(parts) > 1 and part.lower() in STOP_WORDS:
                        continue  # "Vega Jeg" joined by mistake: "jeg" is never propagated
                    if len(part) >= 2 and not (len(part) == 2 and part.endswith(".")):
                        names[part] = max(names.get(part, 0.0), s.score)
                        names[surface] = max(names.get(surface, 0.0), s.score)
            elif s.label == "ROOM":
                rooms[surface] = max(rooms.get(surface, 0.0), s.score)
            elif s.label == "INSTITUTION":
                words = surface.split()
                if len(words) >= 2:
                    institutions[" ".join(words[1:])] = s.score
        found = []
        lower_text: bool | None = None
        folded = _folded(text) if names else None
        for name, score in names.items():
            if len(name) < 2:
                continue
            stem = name[:-1] if name.endswith("s") and name[:-1] in names else name
            # initials ("SØ", "AB") only as written: in lower case they are words ("sø", "ab")
            if is_initials(stem):
                flags = 0
            elif lex.is_ordinary(stem) or stem.lower() in STOP_WORDS:
                if lower_text is None:
                    lower_text = lower() if lower is not None else lower_case_text(text)
                flags = re.IGNORECASE if lower_text else 0
            else:
                flags = re.IGNORECASE
            for start, end in _find_word(text, stem, True, True, folded):
                word = text[start:end]
                # a word-name in another case ("en sten" after "Sten") is offered unticked, not pre-selected;
                # so is a genitive that is an everyday word ("dans" after "Dan") in a text with capitals
                as_written = flags or word.startswith(stem)
                if as_written and not word.startswith(stem) and word.lower() != stem.lower() \
                        and lex.is_word(word):
                    if lower_text is None:
                        lower_text = lower() if lower is not None else lower_case_text(text)
                    as_written = lower_text
                found.append(IdentifierSpan(start, end, "PERSON", "propagation",
                                            score if as_written else min(score, GUARDED_SCORE)))
        found.extend(_stretched(text, names))
        for letter, score in letters.items():
            for m in _letter_pattern(letter).finditer(text):
                found.append(IdentifierSpan(m.start(), m.end(), "PERSON", "propagation", score))
        for name, score in rooms.items():
            for start, end in _find_word(text, name, False, False, None):
                found.append(IdentifierSpan(start, end, "ROOM", "propagation", score))
        for name, score in institutions.items():
            for start, end in _find_word(text, name, False, False, None):
                found.append(IdentifierSpan(start, end, "INSTITUTION", "propagation", score))
        return found

    def _resolve(self, text: str, spans: list[IdentifierSpan]) -> list[IdentifierSpan]:
        """Union overlapping spans (label by priority, best score); join double names and names
        whose parts a particle links ("da", "bin", "van der")."""
        # a name stretched over its initials in parentheses ("Jens-Ole (JO)") can reach a span found
        # inside them (a propagated "JO"): union again after stretching
        merged = _union([_with_initials_in_parentheses(text, s) for s in _union(spans)])
        joined: list[IdentifierSpan] = []
        for s in merged:
            if joined:
                p = joined[-1]
                gap = text[p.end : s.start]
                before = text[p.start : p.end]
                # a possessive ends a name: "Olivers CPR-nummer" is not a full name
                linked = (gap in (" ", "-") or self._particles_link(gap, text[s.start : s.end])) and not (
                    gap == " " and _ends_possessive(before))
                if p.label == s.label == "PERSON" and linked and min(p.score, s.score) >= 0.4:
                    joined[-1] = IdentifierSpan(p.start, s.end, "PERSON", p.source, max(p.score, s.score))
                    continue
            joined.append(s)
        return _union([_address_without_full_stop(text, _with_initial(text, s)) for s in joined])

    def _coordinated(self, text: str, spans: list[IdentifierSpan],
                     lower: Callable[[], bool] | None = None) -> list[IdentifierSpan]:
        """A known given name written in lower case and joined by "og" or "eller" to a found name
        ("august og Emil", "Emil, storm og Sofie") in a text written with capitals: the writer forgot
        the capital. Pre-selected like the name beside it; not after a preposition, an article or a
        number ("i august og Emil", "1. maj og"), no function word ("vi") and no inflected word form
        ("Emil og lo": a verb)."""
        names = [s for s in spans if s.label == "PERSON" and s.score >= self.threshold]
        if not names or (lower() if lower is not None else lower_case_text(text)):
            return []
        lex = load_lexicon()
        found = []
        for s in names:
            before = _COORD_BEFORE.search(text, max(0, s.start - 48), s.start)  # a window: no rescans of a long text
            after = _COORD_AFTER.match(text, s.end)
            for m in (before, after):
                if m is None:
                    continue
                word = m.group("word")
                if word in STOP_WORDS or not lex.is_first_name(word) or lex.base_name(word) != word:
                    continue
                if lex.is_word(word) and lex.danish_words.get(word) != word:
                    continue  # an inflected word form ("lo", of "le"): a verb or a plural, no name
                prev = _PREV_WORD.search(text, max(0, m.start("word") - 48), m.start("word"))
                if prev and (prev.group(1).lower() in _NOT_BEFORE_NAME or prev.group(1)[0].isdigit()):
                    continue  # "i august og Emil", "den 1. maj og Emil"
                found.append(IdentifierSpan(m.start("word"), m.end("word"), "PERSON", "coordination", s.score))
        return found

    def _particles_link(self, gap: str, after: str) -> bool:
        """True when ``gap`` is particles between two parts of one name: " bin ", " van der ", and
        " da " only before a surname or a part that is no given name ("da Silva", not "Emma da Sofie")."""
        words = gap.split(" ")
        if len(words) < 3 or words[0] or words[-1]:
            return False  # not " word ... word " with single spaces
        inner = words[1:-1]
        if not all(w in self._particles or w in self._particles_also_words for w in inner):
            return False
        if all(w in self._particles for w in inner):
            return True
        lex, first = load_lexicon(), after.split()[0]
        return lex.base_name(first) in lex.last_names or not lex.is_first_name(first)


#: one letter three times in a row: a word drawn out in speech ("AUGUUUST", "Emmaaa")
_STRETCH = re.compile(r"([^\W\d_])\1\1", re.IGNORECASE)


def _stretched(text: str, names: dict[str, float]) -> list[IdentifierSpan]:
    """A found name drawn out when called or shouted ("AUGUUUUST!", "ØØØØREN!" after "August", "Øren"):
    the same letters, each one or more times, with one letter at least three times in a row."""
    if not names or not _STRETCH.search(text):  # (no names: nothing to look for, no scan of the text)
        return []
    found = []
    for name, score in names.items():
        if len(name) < 3 or " " in name or not name.isalpha():
            continue
        for m in _stretched_pattern(name).finditer(text):
            if _STRETCH.search(m.group(0)):
                found.append(IdentifierSpan(m.start(), m.end(), "PERSON", "propagation", score))
    return found


#: compiled per-name patterns of ``_propagate``, ``_propagate_guards`` and ``_stretched``: a name's pattern is
#: built from the name alone (never from the text), so a name found in one text is never matched in another
#: unless that text's own spans hold it; bounded, least recently used out first
PATTERN_CACHE_SIZE = 4096


@lru_cache(maxsize=PATTERN_CACHE_SIZE)
def _word_pattern(name: str, possessive: bool, ignore_case: bool) -> re.Pattern[str]:
    """``name`` as a whole word (not inside a longer word or a hyphen compound), with a possessive
    ending when ``possessive``."""
    ending = _POSSESSIVE if possessive else ""
    return re.compile(rf"(?<![\w-]){re.escape(name)}{ending}(?![\w-])", re.IGNORECASE if ignore_case else 0)


#: the possessive endings of ``_POSSESSIVE``, in the order the pattern tries them
_POSSESSIVE_ENDINGS = ("s", "'s", "’s", "'", "’")


def _is_word_char(ch: str) -> bool:
    r"""``[\w-]`` of ``re`` (Unicode): a letter, a digit or a number, "_" or "-"."""
    return ch.isalnum() or ch == "_" or ch == "-"


def _casefix_lower() -> frozenset[int]:
    """The lower-case letters that ``re.IGNORECASE`` matches with another lower-case letter besides their own
    case forms ("s" and "ſ", "i" and "ı", "µ" and "μ"); empty if this Python's ``re`` does not say."""
    try:
        from re._casefix import _EXTRA_CASES
    except ImportError:  # pragma: no cover - another Python: no fast path for case-insensitive names
        return frozenset(range(0x110000))
    return frozenset(_EXTRA_CASES)


_CASEFIX_LOWER = _casefix_lower()
_FOLD_UNSAFE: dict[str, bool] = {}


def _fold_unsafe(ch: str) -> bool:
    """A character outside ASCII whose lower-case form ``re`` folds with another one (see ``_folded``)."""
    unsafe = _FOLD_UNSAFE.get(ch)
    if unsafe is None:
        import _sre

        unsafe = _FOLD_UNSAFE[ch] = ord(ch) >= 128 and _sre.unicode_tolower(ord(ch)) in _CASEFIX_LOWER
    return unsafe


def _folded(text: str) -> str | None:
    """``text.lower()`` when, for every two characters of ``text``, ``re.IGNORECASE`` matches them exactly when
    their lower-case forms are equal, and each character's lower-case form is one character (so offsets stay):
    then a case-insensitive word of ``text`` can be found with ``str.find`` on it. ``None`` otherwise ("İ",
    whose lower-case form is two characters; "ſ" or "µ", which ``re`` folds with "s" and "μ")."""
    low = text.lower()
    if len(low) != len(text):
        return None
    if not text.isascii() and any(_fold_unsafe(ch) for ch in set(text)):
        return None
    return low


def _find_word(text: str, name: str, possessive: bool, ignore_case: bool, folded: str | None) -> list[tuple[int, int]]:
    """The matches of ``_word_pattern(name, possessive, ignore_case)`` in ``text`` as ``(start, end)``, in order.

    Without compiling the pattern when it can be avoided: ``str.find`` gives the places where the name stands
    (in ``folded``, ``_folded(text)``, when ``ignore_case``), and the pattern's look-behind, possessive ending
    (tried in the pattern's order) and look-ahead are checked there as ``re`` checks them. A case-insensitive
    name in a text that ``_folded`` cannot fold takes the compiled pattern.
    """
    if ignore_case:
        if folded is None:
            return [m.span() for m in _word_pattern(name, possessive, ignore_case).finditer(text)]
        hay, needle = folded, name.lower()
        if len(needle) != len(name) or not name.isascii() and any(_fold_unsafe(ch) for ch in name):
            return [m.span() for m in _word_pattern(name, possessive, ignore_case).finditer(text)]
    else:
        hay, needle = text, name
    out: list[tuple[int, int]] = []
    if not needle:
        return [m.span() for m in _word_pattern(name, possessive, ignore_case).finditer(text)]
    n, size = len(text), len(needle)
    pos = hay.find(needle)
    while pos >= 0:
        end = pos + size
        if pos == 0 or not _is_word_char(text[pos - 1]):
            for ending in (_POSSESSIVE_ENDINGS if possessive else ()) + ("",):
                stop = end + len(ending)
                if stop > n or hay[end:stop] != ending:
                    continue
                if stop == n or not _is_word_char(text[stop]):
                    out.append((pos, stop))
                    break
            else:
                pos = hay.find(needle, pos + 1)
                continue
            pos = hay.find(needle, out[-1][1])
            continue
        pos = hay.find(needle, pos + 1)
    return out


@lru_cache(maxsize=64)
def _letter_pattern(letter: str) -> re.Pattern[str]:
    """A single capital letter standing alone ("vores M"), as written."""
    return re.compile(rf"(?<![\w.'’-]){letter}(?![\w.'’-])")


@lru_cache(maxsize=PATTERN_CACHE_SIZE)
def _stretched_pattern(name: str) -> re.Pattern[str]:
    """``name`` with each letter one or more times, in any case ("AUGUUUST")."""
    letters = "".join(f"{re.escape(ch)}+" for ch in name)
    return re.compile(rf"(?<![\w-]){letters}{_POSSESSIVE}(?![\w-])", re.IGNORECASE)


#: the source mark of a name guess on a story character or a pet (offered unticked)
CHARACTER_SOURCE = "characters"
# a lower-case word joined to a name: "august og Emil" (before it), "Emil og august" (after it)
# (a comma alone is no coordination: "vikar, Jonas", "1. maj, Pernille" are appositions)
_COORD_BEFORE = re.compile(r"(?<![\w.@-])(?P<word>[a-zæøå][a-zæøåé]+)\s(?:og|eller)\s\Z")
_COORD_AFTER = re.compile(r"\s(?:og|eller)\s(?P<word>[a-zæøå][a-zæøåé]+)(?![\w@-]|\.\w)")
_PREV_WORD = re.compile(r"([\wæøå]+\.?)\s+\Z")
#: words after which a lower-case name-word is a word ("i august", "en sten", "til mark")
_NOT_BEFORE_NAME = frozenset(
    "i på af til fra om med for under over efter før ved hos mod gennem siden sidste næste hele hver samme anden "
    "en et den det de denne dette min mit din dit sin sit vores jeres deres hans hendes".split())
# "Jens-Peter (J.P.) Krogh", "Sofie (SL)": initials in parentheses right after a name
_PAREN_INITIALS = re.compile(r" ?\((?:[A-ZÆØÅ]\.?-?){1,4}\)")
# "Sofie L.", "Anne K.J.": the initial of a surname after a given name
_INITIAL_AFTER = re.compile(r" [A-ZÆØÅ]\.(?:-?[A-ZÆØÅ]\.)?(?![\w])")
#: floor and side abbreviations an address may end with ("st.", "th.")
_ADDRESS_ABBREVIATIONS = frozenset({"st", "kld", "th", "tv", "mf"})


def _without_leading_marks(text: str, s: IdentifierSpan) -> IdentifierSpan:
    """A name never starts with a mark glued to it in the text ("/Sofie L." as a signature, "*Emma"):
    the model may take the token whole, so the mark would be replaced too and the name would not be
    recognised as the same person elsewhere."""
    if s.label != "PERSON":
        return s
    start = s.start
    while start < s.end and not text[start].isalnum():
        start += 1
    if start == s.start or start >= s.end:
        return s
    return IdentifierSpan(start, s.end, s.label, s.source, s.score)


def _is_character(s: IdentifierSpan) -> bool:
    """A name guess guarded as a story character or pet (offered unticked at the guarded score)."""
    return CHARACTER_SOURCE in s.source.split("+") and s.score <= GUARDED_SCORE


#: a letter three times in a row (a stretched word: "NEEEJ", "Sofiiie")
_HAS_RUN = re.compile(r"([^\W\d_])\1\1")
#: a whole word holding such a run
_ELONGATED_WORD = re.compile(r"(?<![\w-])(?=[^\W\d_]*([^\W\d_])\1\1)[^\W\d_]+(?![\w-])")
_RUNS = re.compile(r"([^\W\d_])\1+")


def _collapse_runs(word: str) -> str:
    """Lower case, every run of one letter written once: "LAAARAAA" → "lara", "Anna" → "ana"."""
    return _RUNS.sub(r"\1", word.lower())


def _within_edits(a: str, b: str, limit: int) -> bool:
    """True when ``a`` becomes ``b`` with at most ``limit`` insertions, deletions or substitutions."""
    if abs(len(a) - len(b)) > limit:
        return False
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
        if min(row) > limit:
            return False
    return row[-1] <= limit


def _union(spans: list[IdentifierSpan]) -> list[IdentifierSpan]:
    """Overlapping spans as one (label by priority, best score); sorted, none overlapping."""
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    merged: list[IdentifierSpan] = []
    for s in ordered:
        if merged and s.start < merged[-1].end:
            m = merged[-1]
            label = max((m.label, s.label), key=lambda lab: LABEL_PRIORITY[lab])
            # a strong structured span absorbs weaker name guesses, not the reverse
            score = max(m.score, s.score) if m.label == s.label else (m if m.label == label else s).score
            source = m.source if s.source in m.source.split("+") else f"{m.source}+{s.source}"
            if not (_is_character(m) and _is_character(s)):  # "Sigurd Frost" is no character for
                source = "+".join(x for x in source.split("+") if x != CHARACTER_SOURCE)  # holding "Frost"
            merged[-1] = IdentifierSpan(m.start, max(m.end, s.end), label, source, round(score, 3))
        else:
            merged.append(s)
    return merged


def _mark_character(source: str) -> str:
    return source if CHARACTER_SOURCE in source.split("+") else f"{source}+{CHARACTER_SOURCE}"


def _with_initials_in_parentheses(text: str, s: IdentifierSpan) -> IdentifierSpan:
    """A name span with the initials in parentheses after it ("Jens-Peter (J.P.)")."""
    if s.label != "PERSON":
        return s
    m = _PAREN_INITIALS.match(text, s.end)
    return IdentifierSpan(s.start, m.end(), s.label, s.source, s.score) if m else s


def _with_initial(text: str, s: IdentifierSpan) -> IdentifierSpan:
    """A given name with the initial of the surname after it ("Sofie L."), as one span."""
    if s.label != "PERSON":
        return s
    m = _INITIAL_AFTER.match(text, s.end)
    if not m:
        return s
    last = text[s.start : s.end].split()[-1]
    if not load_lexicon().is_first_name(last.strip(".,")):
        return s
    return IdentifierSpan(s.start, m.end(), s.label, s.source, s.score)


def _address_without_full_stop(text: str, s: IdentifierSpan) -> IdentifierSpan:
    """An address never ends with the sentence's full stop ("bor på Rosenvej 12."), unless the
    stop is part of an abbreviation ("12 st."); a floor number ("12, 2.") keeps it within a sentence."""
    if s.label != "ADDRESS" or not text[s.start : s.end].endswith("."):
        return s
    last = re.split(r"[\s,]+", text[s.start : s.end - 1])[-1]
    if last.lower() in _ADDRESS_ABBREVIATIONS:
        return s
    if last.isdigit() and not re.match(r"\s*(?:\Z|\n|[A-ZÆØÅ\d])", text[s.end :]):
        return s  # "2. th" never reaches here; "bor på Rosenvej 12, 2. med sin mor": an ordinal
    return IdentifierSpan(s.start, s.end - 1, s.label, s.source, s.score)


def _ends_possessive(surface: str) -> bool:
    last = surface.split()[-1]
    if last.endswith(("'s", "’s")):
        return True
    lex = load_lexicon()
    base = lex.base_name(last)
    return bool(base) and last.endswith("s") and base != last.lower() and base == last[:-1].lower()


@lru_cache(maxsize=1)
def default_engine() -> IdentifierEngine:
    return IdentifierEngine.from_settings()
