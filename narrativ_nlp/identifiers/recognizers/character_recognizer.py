"""Story characters and pets: names that are no persons ("Pippi", "Gurli Gris", "kaninen Trofast").

Spans get the internal label ``NOT_PERSON``: the engine offers a name guess on
the same words unticked (a suggestion), never pre-selected, and never shows the
``NOT_PERSON`` span itself. The person reviewing still sees every such word.

* characters: ``data/names/story_characters.yaml``; a character whose name is
  also a given name ("Elsa", "Pelle") only when the text also names its story;
* pets: a capitalised name right after an animal noun (``pet_words`` in
  ``data/identifiers.yaml``), with "hedder" or a comma between, or in
  parentheses: "kaninen Trofast", "hunden hedder Fido", "vores kat Mille",
  "stuens to kaniner, Trofast og Pjuske", "kaninen på stuen (Trofast)". The
  engine finds the pet's other occurrences as written;
* a child's way of saying a word, in quotes: "Pandekae!", "Fodbol".
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc

from narrativ_nlp.identifiers.recognizers.base import Recognizer, RecognizerContext, doc_text, token_texts
from narrativ_nlp.identifiers.types import IdentifierSpan
from narrativ_nlp.resources import load_yaml

_CAP = re.compile(r"[A-ZÆØÅ][a-zæøåéü]+(?:-[A-ZÆØÅa-zæøå][a-zæøåéü]+)?$")
_OWNERS = {"vores", "min", "mit", "mine", "hans", "hendes", "deres", "jeres", "sin", "sit", "stuens", "stuernes",
           "børnehavens", "vuggestuens", "institutionens", "en", "et", "to", "tre", "fire", "de"}


@lru_cache(maxsize=1)
def _stories() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    data = load_yaml("names/story_characters.yaml")
    return [(tuple(s.get("cues") or ()), tuple(s["characters"])) for s in data["stories"]]


class CharacterRecognizer(Recognizer):
    name = "characters"
    labels = ("NOT_PERSON",)
    guards_person = True

    def __init__(self, context: RecognizerContext) -> None:
        super().__init__(context)
        lex = context.lexicon
        self._pets = frozenset(w.lower() for w in context.settings["pet_words"])
        # the words that start a pet's name's context, in the cases they are written: one set test per token
        self._pet_cues = frozenset(x for w in (*self._pets, "hedder", "navnet") for x in (w, w.capitalize()))
        always: set[str] = set()
        cued: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
        for cues, characters in _stories():
            # story titles and characters that are no given names count everywhere ("Pippi", "Frost", "Gurli Gris")
            plain = tuple(c for c in (*characters, *cues) if " " in c or "-" in c or not lex.is_first_name(c))
            always.update(plain)
            names = tuple(c for c in characters if c not in plain)
            if cues and names:
                cued.append((cues, names))
        self._always = _alternation(always)
        self._cued = [(cues, _alternation(names)) for cues, names in cued]
        # the first word of every character or cue: the regexes run only on a text holding one
        self._first_words = frozenset(re.split(r"[\s-]", c)[0].rstrip(".") for c in always) | frozenset(
            re.split(r"[\s-]", c)[0] for cues, names in cued for c in (*cues, *names))

    def analyze(self, doc: Doc) -> list[IdentifierSpan]:
        text = doc_text(doc)
        texts, _ = token_texts(doc)
        found: list[IdentifierSpan] = []
        first_words = self._first_words
        if any(t in first_words or t.rstrip(".").split("-")[0] in first_words for t in texts if t[:1].isupper()):
            found.extend(self.span(m.start(), m.end(), "NOT_PERSON", 0.9) for m in self._always.finditer(text))
            for cues, rx in self._cued:
                if any(c in text for c in cues):
                    found.extend(self.span(m.start(), m.end(), "NOT_PERSON", 0.9) for m in rx.finditer(text))
        pet_cues = self._pet_cues
        if any(t in pet_cues for t in texts):
            found.extend(self._pet_names(doc))
        if '"' in text or "“" in text or "„" in text or "»" in text or "'" in text:
            found.extend(self._child_words(doc))
        return found

    def _child_words(self, doc: Doc) -> list[IdentifierSpan]:
        """A child's way of saying a word, quoted: "Pandekae!", "Fodbol" (one letter from "pandekage",
        "fodbold"): a capitalised unknown word in quotes that one letter changed, added or dropped
        makes an ordinary word of six letters or more, and that is no known name."""
        text = doc_text(doc)
        lex = self.context.lexicon
        out = []
        for m in _QUOTED_WORD.finditer(text):
            word = m.group(1)
            if len(word) < 5 or lex.base_name(word) is not None or lex.is_word(word):
                continue
            if _one_letter_from_word(word.lower(), lex):
                out.append(self.span(m.start(1), m.end(1), "NOT_PERSON", 0.7))
        return out

    def _pet_names(self, doc: Doc) -> list[IdentifierSpan]:
        texts, idxs = token_texts(doc)
        out: list[IdentifierSpan] = []
        n = len(texts)
        for i, word in enumerate(texts):
            if word.lower() in ("hedder", "navnet") and i + 1 < n and _CAP.match(texts[i + 1]):
                # "en kanin på stuen, den hedder Trofast": an animal noun earlier in the same sentence
                window = texts[max(0, i - 7) : i]
                if "." in window:
                    window = window[len(window) - window[::-1].index(".") :]
                if any(w.lower() in self._pets for w in window):
                    out.append(self.span(idxs[i + 1], idxs[i + 1] + len(texts[i + 1]), "NOT_PERSON", 0.8))
                continue
            if word.lower() not in self._pets:
                continue
            j = i + 1
            owned = i > 0 and texts[i - 1].lower() in _OWNERS
            if j < n and texts[j] == "," and owned:
                j += 1  # "stuens marsvin, Bølle,"
            elif j + 1 < n and texts[j].lower() == "hedder":
                j += 1  # "hunden hedder Fido"
            elif j + 2 < n and texts[j].lower() in ("der", "som", "den") and texts[j + 1].lower() == "hedder":
                j += 2
            elif "(" in texts[j : j + 4]:
                j = j + texts[j : j + 4].index("(") + 1  # "kaninen på stuen (Trofast)"
            names = []
            while j < n and _CAP.match(texts[j]):
                names.append(j)
                if j + 2 < n and texts[j + 1] in (",", "og") and _CAP.match(texts[j + 2]):
                    j += 2
                else:
                    break
            closed = names and (names[-1] + 1 >= n or texts[names[-1] + 1] in (",", ".", ")", "og", "!", "?", ":"))
            if names and texts[i + 1] == "," and not closed:
                continue  # "en hund, Ida blev bange": a new clause, not the pet's name
            if names and not closed and not owned and any(self.context.lexicon.is_first_name(texts[k]) for k in names):
                continue  # "så på kaninen Ida holdt": a child's name starting a clause stays a name
            out.extend(self.span(idxs[k], idxs[k] + len(texts[k]), "NOT_PERSON", 0.8) for k in names)
        return out


_QUOTED_WORD = re.compile(r"[\"“„»']([A-ZÆØÅ][a-zæøå]+)[!?.,]*[\"”«']")
_LETTERS = "abcdefghijklmnopqrstuvwxyzæøå"


def _one_letter_from_word(low: str, lex) -> bool:
    """True when one letter added, dropped or changed turns ``low`` into an ordinary word of six letters or more."""
    words = lex.danish_words
    cands = set()
    for i in range(len(low) + 1):
        for ch in _LETTERS:
            cands.add(low[:i] + ch + low[i:])
            if i < len(low):
                cands.add(low[:i] + ch + low[i + 1 :])
        if i < len(low):
            cands.add(low[:i] + low[i + 1 :])
    return any(len(c) >= 6 and c != low and c in words for c in cands)


def _alternation(names) -> re.Pattern[str]:
    alts = "|".join(re.escape(x) for x in sorted(set(names), key=len, reverse=True)) or "(?!x)x"
    return re.compile(rf"(?<![\w-])(?:{alts})(?:s|'s|’s)?(?![\w-])")
