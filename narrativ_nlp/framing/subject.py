"""Who a sentence is about: the ``narrativ_subject`` spaCy component.

For every sentence, which child the phrasing is about (``doc._.sentence_subjects``:
``(sent_start, sent_end, subject span or None, reason)``), and for any span of it the
subject of the span's own clause (``doc._.subjects.for_span``), used by the framing
component to fill ``{navn}`` and to let generalisation and label rules fire only on
sentences about a child.

Mentions (word lists are data: ``data/subject_words.yaml``):

* a PERSON name found by the identifier component is a **child**, unless it is an adult
  (a role right before or after it: "pædagog Lone", "Gül (mor)", "Sanne, Alis mor,"; a
  signature or commenter line: "Hilsen Mette", "Svar fra Karina:"; an adult once is an adult
  everywhere in the text), a pet ("kaninen Trofast"), a story character (Gurli Gris; Elsa only
  with a story cue such as "filmen" or "klædt ud som") or a room ("Stue Sol");
* a possessive name before a role ("Alis mor") is the adult; before anything else
  ("Alis tegning") the child;
* role words and jeg/vi/man are adults; han/hun/ham/hende (and hans/hendes + a noun) are a child,
  resolved to the nearest earlier child name (Danish names give no reliable gender, so adults
  are skipped); de/børnene/gruppen are children without a name; barnet/drengen/pigen are the
  narrative's focal child (its most mentioned child) when it has one.

The sentence subject is the first mention that is not the object of a preposition, after a
leading subordinate clause ("Da Sol kom ind, hoppede Amina op": Amina). A sentence with no
mention that opens with a verb or "altid"-like word (note style: "Kan ikke vente.") is about
the focal child; otherwise it is about nobody.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from narrativ_nlp.resources import load_yaml

for _name in ("sentence_subjects", "subjects"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)
# registered as ``narrativ_subject_v1`` in ``narrativ_nlp.components``

#: reasons a subject can have; ``child`` is True for the first seven
CHILD_REASONS = ("name", "possessive", "pronoun", "focal", "elided", "child", "group")
OTHER_REASONS = ("adult", "animal", "character", "place", "none")

_DETERMINERS = frozenset(
    "den det de en et sin sit sine min mit mine din dit dine hans hendes deres vores jeres lille store "
    "nye gamle andre begge alle".split()
)


@dataclass(frozen=True)
class Subject:
    """What a sentence (or clause) is about."""

    span: tuple[int, int] | None  # the PERSON mention naming the child (character offsets)
    name: str | None  # the child's name, possessive removed ("Alis" → "Ali")
    reason: str  # one of CHILD_REASONS or OTHER_REASONS
    child: bool  # about a child or children: generalisation and label rules may fire


NOBODY = Subject(None, None, "none", False)


@dataclass(frozen=True)
class SubjectWords:
    adult_roles: frozenset[str]
    signature_cues: tuple[str, ...]
    adult_pronouns: frozenset[str]
    child_pronouns: frozenset[str]
    possessive_pronouns: frozenset[str]
    group_pronouns: frozenset[str]
    child_nouns: frozenset[str]
    other_child_nouns: frozenset[str]
    child_groups: frozenset[str]
    place_words: frozenset[str]
    animal_words: frozenset[str]
    story_characters: frozenset[str]
    ambiguous_characters: frozenset[str]
    story_cues: frozenset[str]
    subordinators: frozenset[str]
    prepositions: frozenset[str]
    clause_words: frozenset[str]
    expletives: frozenset[str]
    elision_starters: frozenset[str]


@lru_cache(maxsize=1)
def subject_words() -> SubjectWords:
    """The word lists of ``data/subject_words.yaml`` (cached)."""
    data = load_yaml("subject_words.yaml")

    def words(key: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in data[key])

    return SubjectWords(
        adult_roles=words("adult_roles"),
        signature_cues=tuple(sorted((str(w).lower() for w in data["signature_cues"]), key=len, reverse=True)),
        adult_pronouns=words("adult_pronouns"),
        child_pronouns=words("child_pronouns"),
        possessive_pronouns=words("possessive_pronouns"),
        group_pronouns=words("group_pronouns"),
        child_nouns=words("child_nouns"),
        other_child_nouns=words("other_child_nouns"),
        child_groups=words("child_groups"),
        place_words=words("place_words"),
        animal_words=words("animal_words"),
        story_characters=words("story_characters"),
        ambiguous_characters=words("ambiguous_characters"),
        story_cues=words("story_cues"),
        subordinators=words("subordinators"),
        prepositions=words("prepositions"),
        clause_words=words("clause_words"),
        expletives=words("expletives"),
        elision_starters=words("elision_starters"),
    )


@dataclass
class _Mention:
    tok: int  # first token
    end: int  # token after the mention
    kind: str  # child | adult | pron | group | childnoun | otherchild | animal | character | place
    span: tuple[int, int] | None = None  # PERSON span (a name)
    name: str | None = None
    possessive: bool = False
    obj: bool = False  # the object of a preposition


class DocSubjects:
    """The mentions of one doc and the subject of each sentence."""

    def __init__(self, doc: Doc, mentions: list[_Mention], words: SubjectWords, focal_for_child_nouns: bool) -> None:
        self.doc = doc
        self.words = words
        self.mentions = sorted(mentions, key=lambda m: m.tok)
        self._toks = [m.tok for m in self.mentions]
        self.children = [m for m in self.mentions if m.kind == "child"]
        counts: dict[str, int] = {}
        for m in self.children:
            counts[(m.name or "").lower()] = counts.get((m.name or "").lower(), 0) + 1
        self.focal_key = max(counts, key=lambda k: (counts[k], -next(i for i, m in enumerate(self.children) if (m.name or "").lower() == k))) if counts else None
        self.focal_for_child_nouns = focal_for_child_nouns
        self.sents = list(doc.sents)
        self._sent_starts = [s.start for s in self.sents]
        self.sentence: list[Subject] = []
        for sent in self.sents:  # in order: a pronoun looks back at earlier sentences' subjects
            self.sentence.append(self._sentence_subject(sent))

    # ------------------------------------------------------------------ resolution
    def _child_before(self, tok: int, key: str | None = None) -> _Mention | None:
        """The nearest child-name mention before token ``tok`` (of the child ``key`` if given)."""
        for m in reversed(self.children):
            if m.tok < tok and (key is None or (m.name or "").lower() == key):
                return m
        return None

    def _antecedent(self, tok: int) -> tuple[tuple[int, int] | None, str | None] | None:
        """The child a pronoun at token ``tok`` refers to: the nearest earlier child named in its
        own sentence (not after a preposition), else the child subject of the nearest earlier
        sentence about a named child, else the nearest earlier child name at all."""
        i = self.sentence_index(tok)
        start = self.sents[i].start
        for c in reversed(self.children):
            if start <= c.tok < tok and not c.obj:
                return c.span, c.name
        for j in range(min(i, len(self.sentence)) - 1, -1, -1):
            subj = self.sentence[j]
            if subj.child and subj.span is not None:
                return subj.span, subj.name
            a, b = self.sents[j].start, self.sents[j].end
            inside = [c for c in self.children if a <= c.tok < b and not c.obj]
            if inside:
                return inside[-1].span, inside[-1].name
        c = self._child_before(tok)
        return None if c is None else (c.span, c.name)

    def _focal(self, tok: int) -> Subject | None:
        if self.focal_key is None:
            return None
        m = self._child_before(tok, self.focal_key) or next(m for m in self.children if (m.name or "").lower() == self.focal_key)
        return Subject(m.span, m.name, "focal", True)

    def _resolve(self, m: _Mention, sent_end: int) -> Subject:
        if m.kind == "child":
            return Subject(m.span, m.name, "possessive" if m.possessive else "name", True)
        if m.kind == "pron":
            found = self._antecedent(m.tok)
            if found is None:  # "Da han kom ind, løb Ali ..." or the child is never named before
                ante = next((c for c in self.children if m.tok < c.tok < sent_end), None)
                found = None if ante is None else (ante.span, ante.name)
            if found is not None:
                return Subject(found[0], found[1], "pronoun", True)
            return Subject(None, None, "pronoun", True)
        if m.kind == "group":
            return Subject(None, None, "group", True)
        if m.kind == "childnoun":
            focal = self._focal(m.tok) if self.focal_for_child_nouns else None
            return focal or Subject(None, None, "child", True)
        if m.kind == "otherchild":
            return Subject(None, None, "child", True)
        return Subject(None, None, m.kind, False)  # adult, animal, character, place

    def _in(self, a: int, b: int) -> list[_Mention]:
        lo = bisect_right(self._toks, a - 1)
        out = []
        for m in self.mentions[lo:]:
            if m.tok >= b:
                break
            out.append(m)
        return out

    def _first_subject(self, a: int, b: int, sent_end: int) -> Subject | None:
        for m in self._in(a, b):
            if not m.obj:
                return self._resolve(m, sent_end)
        return None

    def _sentence_subject(self, sent) -> Subject:
        a, b = sent.start, sent.end
        first = next((t for t in sent if t.is_alpha), None)
        if first is not None and first.lower_ in self.words.subordinators:
            comma = next((t.i for t in sent if t.text == "," and t.i > first.i), None)
            if comma is not None:
                found = self._first_subject(comma + 1, b, b)
                if found is not None:
                    return found
        found = self._first_subject(a, b, b)
        if found is not None:
            return found
        if first is not None and self._elided(first):
            focal = self._focal(first.i)
            return Subject(focal.span, focal.name, "elided", True) if focal else Subject(None, None, "elided", True)
        return NOBODY

    def _elided(self, tok) -> bool:
        low = tok.lower_
        if low in self.words.expletives:
            return False
        if low in self.words.elision_starters:
            return True
        lemma = tok.lemma_.lower()  # an inflected verb: "Græder", "Skubbede", "Kan"
        return len(low) > 2 and lemma != low and lemma.endswith("e")

    # ------------------------------------------------------------------ public
    def sentence_index(self, token_i: int) -> int:
        return max(0, bisect_right(self._sent_starts, token_i) - 1)

    def for_sentence(self, i: int) -> Subject:
        return self.sentence[i]

    def for_span(self, start_char: int, end_char: int) -> Subject:
        """The subject of the clause holding ``[start_char, end_char)``; else its sentence's subject."""
        doc = self.doc
        span = doc.char_span(start_char, end_char, alignment_mode="expand")
        if span is None or len(span) == 0:
            return NOBODY
        i = self.sentence_index(span.start)
        sent = self.sents[i]
        clause = span.start
        while clause > sent.start and doc[clause - 1].lower_ not in self.words.clause_words:
            clause -= 1
        found = self._first_subject(clause, span.end, sent.end)
        return found or self.sentence[i]


class SubjectResolver:
    """Find the mentions of a doc and build its ``DocSubjects``."""

    def __init__(self, words: SubjectWords | None = None, focal_for_child_nouns: bool = True) -> None:
        self.words = words or subject_words()
        self.focal_for_child_nouns = focal_for_child_nouns

    def __call__(self, doc: Doc) -> DocSubjects:
        return DocSubjects(doc, self._mentions(doc), self.words, self.focal_for_child_nouns)

    # ------------------------------------------------------------------ mentions
    def _word(self, doc: Doc, i: int, vocab: frozenset[str], lemma: bool = True) -> bool:
        if not 0 <= i < len(doc):
            return False
        t = doc[i]
        return t.lower_ in vocab or (lemma and t.lemma_.lower() in vocab)

    def _prev_word(self, doc: Doc, i: int, lo: int) -> int:
        """The token before ``i`` skipping commas, brackets and determiners (not before ``lo``)."""
        j = i - 1
        while j >= lo and (doc[j].text in ",(" or doc[j].lower_ in _DETERMINERS):
            j -= 1
        return j

    def _apposition(self, doc: Doc, end: int, sent_end: int, vocab: frozenset[str]) -> bool:
        """"Gül (mor)", "Sanne, Alis mor," "Trofast (vores kanin)": a role right after a name."""
        if end >= sent_end or doc[end].text not in "(,":
            return False
        for j in range(end + 1, min(sent_end, end + 4)):
            if doc[j].text in "),.":
                return False
            if self._word(doc, j, vocab):
                nxt = doc[j + 1].text if j + 1 < len(doc) else "."
                return doc[end].text == "(" or nxt in ",).;:" or j + 1 >= sent_end
        return False

    def _line_prefix(self, text: str, start: int) -> str:
        line = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
        return text[line:start].strip().lower()

    def _mentions(self, doc: Doc) -> list[_Mention]:
        from narrativ_nlp.identifiers.lexicon import load_lexicon
        from narrativ_nlp.identifiers.pseudonymise import _split_possessive

        w = self.words
        text = doc.text
        detection = doc._.identifiers
        persons = [] if detection is None else sorted((s.start, s.end) for s in detection.spans if s.label == "PERSON")
        mentions: list[_Mention] = []
        in_name: set[int] = set()
        kind_of_key: dict[str, str] = {}
        lexicon = load_lexicon() if persons else None
        for start, end in persons:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            sent = span.sent
            surface = text[start:end]
            name, suffix = _split_possessive(surface, lexicon)
            key = name.lower()
            kind = "child"
            prev = self._prev_word(doc, span.start, sent.start)
            prefix = self._line_prefix(text, start)
            cue = any(prefix.startswith(c) for c in w.signature_cues)
            if self._word(doc, prev, w.adult_roles) or self._apposition(doc, span.end, sent.end, w.adult_roles) or cue:
                kind = "adult"
            elif self._word(doc, prev, w.animal_words) or self._apposition(doc, span.end, sent.end, w.animal_words):
                kind = "animal"
            elif self._character_name(doc, span, key) and (
                key not in w.ambiguous_characters
                or any(t.lower_ in w.story_cues or t.lemma_.lower() in w.story_cues for t in sent)
                or (span.start > 0 and doc[span.start - 1].lower_ == "som")
            ):
                kind = "character"
            elif span.start > 0 and self._word(doc, span.start - 1, w.place_words):
                kind = "place"
            elif self._signature_line(doc, span, text):
                kind = "adult"
            if kind in ("adult", "animal"):
                for k in {key, key.split()[0]}:
                    kind_of_key[k] = kind
            possessive = bool(suffix)
            if surface[-1:] in "s'’" and span.end < len(doc) and self._word(doc, span.end, w.adult_roles):
                # "Alis mor": the mother is the mention; the name only says whose
                mentions.append(_Mention(span.start, span.end + 1, "adult"))
                in_name.update(range(span.start, span.end + 1))
                continue
            mentions.append(_Mention(span.start, span.end, kind, (start, end), name, possessive))
            in_name.update(range(span.start, span.end))
        for m in mentions:
            if m.kind == "child" and m.name is not None:
                key = m.name.lower()
                m.kind = kind_of_key.get(key, kind_of_key.get(key.split()[0], "child"))
        # words
        n = len(doc)
        i = 0
        while i < n:
            if i in in_name:
                i += 1
                continue
            t = doc[i]
            low = t.lower_
            if not t.is_alpha:
                i += 1
                continue
            nxt = doc[i + 1].lower_ if i + 1 < n else ""
            bigram = f"{low} {nxt}"
            kind = None
            width = 1
            if bigram in w.child_groups:
                kind, width = "group", 2
            elif bigram in w.child_nouns:
                kind, width = "childnoun", 2
            elif low == "de" and (nxt == "voksne" or self._word(doc, i + 1, w.adult_roles)):
                kind, width = "adult", 2
            elif low in w.possessive_pronouns:
                if self._word(doc, i + 1, w.adult_roles):
                    kind, width = "adult", 2
                else:
                    kind = "pron"
            elif low in w.child_pronouns:
                kind = "pron"
            elif low in w.adult_pronouns or (t.text == "I" and not t.is_sent_start):
                kind = "adult"
            elif low in w.group_pronouns or low in w.child_groups:
                kind = "group"
            elif low in w.child_nouns:
                kind = "childnoun"
            elif low in w.other_child_nouns:
                kind = "otherchild"
            elif self._word(doc, i, w.adult_roles):
                kind = "adult"
            elif self._word(doc, i, w.animal_words):
                kind = "animal"
            if kind is not None:
                mentions.append(_Mention(i, i + width, kind))
            i += width
        for m in mentions:
            sent_start = doc[m.tok].sent.start
            p = self._prev_word(doc, m.tok, sent_start)
            m.obj = p >= sent_start and doc[p].lower_ in w.prepositions
        return mentions

    def _character_name(self, doc: Doc, span, key: str) -> bool:
        """The name, or the name with the word before or after it, is a story character."""
        chars = self.words.story_characters
        if key in chars:
            return True
        after = f"{key} {doc[span.end].lower_}" if span.end < len(doc) else ""
        before = f"{doc[span.start - 1].lower_} {key}" if span.start > 0 else ""
        return after in chars or before in chars

    def _signature_line(self, doc: Doc, span, text: str) -> bool:
        """A line holding only names at the end of the text, after a signature cue line."""
        line_start = text.rfind("\n", 0, span.start_char) + 1
        line_end = text.find("\n", span.end_char)
        line_end = len(text) if line_end < 0 else line_end
        if text[line_start:span.start_char].strip() or text[span.end_char:line_end].strip(" .,/-") or line_start == 0:
            return False
        if text[line_end:].strip():
            return False
        prev_line = text[:line_start].rstrip().rsplit("\n", 1)[-1].strip().lower()
        return any(prev_line.startswith(c) for c in self.words.signature_cues) or prev_line.endswith(",")


class SubjectComponent:
    """``doc._.subjects`` (a ``DocSubjects``) and ``doc._.sentence_subjects``."""

    def __init__(self, nlp: Language, name: str, focal_for_child_nouns: bool = True) -> None:
        self.name = name
        self.resolver = SubjectResolver(focal_for_child_nouns=focal_for_child_nouns)

    def __call__(self, doc: Doc) -> Doc:
        subjects = self.resolver(doc)
        doc._.subjects = subjects
        out = []
        for sent, subj in zip(subjects.sents, subjects.sentence):
            span = None if subj.span is None else doc.char_span(subj.span[0], subj.span[1], alignment_mode="expand")
            out.append((sent.start_char, sent.end_char, span, subj.reason))
        doc._.sentence_subjects = out
        return doc
