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
the focal child; otherwise it is about nobody. A note line that opens with its verb (after an
optional "Tirsdag:" label) has no subject of its own: the names of its first clause are objects
("Slog Ali med en skovl": not about Ali).

A pronoun points forward only from a leading subordinate clause to the main clause ("Da han kom
ind, løb Adam ..."); "Han hører aldrig efter, når Susanne siger ..." is about an unknown boy,
never Susanne, and names no one else in the sentence (a wrong name is worse than "barnet"). A
child only played with or hit ("med Otto", "Slog Ali") is not the narrative's focal child. In a
text that calls itself a learning story, "du" is its child (the greeted name, else the child it
names most). Suggestions use the name as the text uses it alone ("Nora", not "Nora Abdi").

Adults are also known from their surroundings: a full name the text never shortens to its first name
("siger Signe Brask"; a double first name such as "Emma Sofie" stays a child), a byline or a slash
signature ("Af Rasmus Thøgersen", "/kasper"), a letter's "Hilsen"/"Kære" anywhere in a letter page,
an adult age ("92-årige Ingrid"), "X, der er formand ...", "X hentede Ali". A text's title (its
first line without final punctuation, then a blank line) names no child it does not name itself. A
pronoun right after a sentence about an unnamed child ("Min søn var sådan. Når han ...") stays
unnamed; "Vores søn Johan" is Johan; "en pige, der ..." is any child ("Jeg ser en dreng, der ..." is
the story's child); object pronouns (ham, hende) are never a clause's subject. Two children named
equally often leave no focal child: a sentence about nobody then says "barnet". A rule naming a child
only when a pronoun has a single fitting antecedent was measured and not kept: on register dev and
train together it turned 6 (another subject child) to 14 (any other child) right names into "barnet"
to save one wrong name.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from narrativ_nlp.framing.segment import QUOTES as _QUOTES
from narrativ_nlp.framing.segment import _quote_spans
from narrativ_nlp.resources import load_yaml
from narrativ_nlp.tokens import doc_text, token_table, token_texts

for _name in ("sentence_subjects", "subjects"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)
# registered as ``narrativ_subject_v1`` in ``narrativ_nlp.components``

#: reasons a subject can have; ``child`` is True for the first seven
CHILD_REASONS = ("name", "possessive", "pronoun", "focal", "elided", "child", "group")
OTHER_REASONS = ("adult", "writer", "animal", "character", "place", "none")  # writer: jeg, vi, man

_INITIALS = re.compile(r"[A-ZÆØÅ]{2,3}")
_AGE = re.compile(r"(\d+)-årig[e]?")  # "92-årige Ingrid": an adult from 16
# a line of names only: "Trine", "Trine og Jonas", "Lone, Mette & Kim", "Lone K. / stue Sol" is not one
_NAME_LINE = re.compile(r"[A-ZÆØÅ][\w.'’-]*(?: [A-ZÆØÅ][\w.'’-]*)*(?:\s*(?:,|og|&|/)\s*[A-ZÆØÅ][\w.'’-]*(?: [A-ZÆØÅ][\w.'’-]*)*)*[ .,/-]*")
_DETERMINERS = frozenset(
    "den det de en et sin sit sine min mit mine din dit dine hans hendes deres vores jeres lille store "
    "nye gamle andre begge alle én ét et en nogle to tre fire hver".split()
)


#: adjectives between an indefinite article and a child noun ("en lille pige", "en anden dreng")
_INDEF_ADJ = frozenset("lille anden andet ny nyt stor stort sød sødt genert stille glad vild".split())
#: "Jeg ser en dreng, der ...": the child described, not any child
_SEEING = frozenset("ser så oplever oplevede møder mødte kender hører hørte".split())

#: parts of child nouns that give their gender ("storesøsteren", "vores søn")
_FEMALE_NOUNS = ("søster", "datter", "pige", "veninde", "tøs")
_MALE_NOUNS = ("bror", "søn", "dreng", "knægt")

#: object forms of the child pronouns: never a clause's subject
_OBJECT_PRONOUNS = frozenset(("ham", "hende"))

#: quantity words before "af" that make the mention after it the subject's head ("en af pædagogerne")
_PARTITIVES = frozenset("en et én ét nogle flere mange ingen hver alle begge to tre fire fem de fleste halvdelen".split())


def _opener(low: list[str], txt: list[str], a: int, b: int) -> int | None:
    """The first word of a sentence, after a short label ending in a colon ("Tirsdag: Legede ...",
    "Frokost kl. 11: Spiste ...")."""
    first = next((i for i in range(a, b) if txt[i].isalpha()), None)
    if first is None:
        return None
    colon = next((i for i in range(first, min(b, first + 5)) if txt[i] == ":"), None)
    if colon is not None:
        after = next((i for i in range(colon + 1, b) if txt[i].isalpha()), None)
        if after is not None and txt[after][:1].isupper():
            return after
    return first


@dataclass(frozen=True)
class Subject:
    """What a sentence (or clause) is about."""

    span: tuple[int, int] | None  # the PERSON mention naming the child (character offsets)
    name: str | None  # the child's name, possessive removed ("Alis" → "Ali")
    reason: str  # one of CHILD_REASONS or OTHER_REASONS
    child: bool  # about a child or children: generalisation and label rules may fire
    settled: bool = False  # a child without a name that no other child may stand in for ("min søn ... han")


NOBODY = Subject(None, None, "none", False)


@dataclass(frozen=True)
class SubjectWords:
    adult_roles: frozenset[str]
    signature_cues: tuple[str, ...]
    adult_pronouns: frozenset[str]
    you_pronouns: frozenset[str]
    child_pronouns: dict[str, str]
    possessive_pronouns: dict[str, str]
    greetings_to_child: frozenset[str]
    greetings: frozenset[str]
    own_child_nouns: frozenset[str]
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
    naming_verbs: frozenset[str]
    writer_words: frozenset[str]
    place_suffixes: tuple[str, ...]
    note_verbs: frozenset[str] = frozenset()
    subject_pronouns: frozenset[str] = frozenset()
    learning_story_cues: frozenset[str] = frozenset()
    with_prepositions: frozenset[str] = frozenset()
    parent_groups: frozenset[str] = frozenset()
    role_gender: dict[str, str] = field(default_factory=dict)
    not_verbs: frozenset[str] = frozenset()
    adult_verbs: frozenset[str] = frozenset()
    byline_cues: frozenset[str] = frozenset()
    letter_words: frozenset[str] = frozenset()


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
        you_pronouns=words("you_pronouns"),
        child_pronouns={str(k).lower(): str(v) for k, v in data["child_pronouns"].items()},
        possessive_pronouns={str(k).lower(): str(v) for k, v in data["possessive_pronouns"].items()},
        greetings_to_child=words("greetings_to_child"),
        greetings=words("greetings"),
        own_child_nouns=frozenset(str(x).lower() for x in data.get("own_child_nouns", [])),
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
        naming_verbs=words("naming_verbs"),
        writer_words=words("adult_pronouns") | words("you_pronouns") | {"i", "jer", "jeres"},
        place_suffixes=tuple(sorted(words("place_suffixes"))),
        note_verbs=words("note_verbs"),
        subject_pronouns=words("subject_pronouns"),
        learning_story_cues=words("learning_story_cues"),
        with_prepositions=words("with_prepositions"),
        parent_groups=words("parent_groups"),
        role_gender={str(w).lower(): g for g, ws in (data.get("role_gender") or {}).items() for w in ws},
        not_verbs=words("not_verbs"),
        adult_verbs=words("adult_verbs"),
        byline_cues=words("byline_cues"),
        letter_words=words("letter_words"),
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
    gender: str = ""  # a name's gender (m/f) or a pronoun's; "" unknown
    whose: bool = False  # the possessor before a role ("Alis" in "Alis mor"): never a subject
    prep: str = ""  # the preposition it is the object of ("med"), or "verb": the object of a note line's verb


_NO_MENTION = _Mention(-1, -1, "child")


class DocSubjects:
    """The mentions of one doc and the subject of each sentence."""

    FOCAL_TIE = True

    def __init__(self, doc: Doc, mentions: list[_Mention], words: SubjectWords, focal_for_child_nouns: bool,
                 focal_about_nobody: bool = True, group_letter: bool = False) -> None:
        self.doc = doc
        self.words = words
        self._low, self._lem, _ = token_table(doc)
        self._txt, self._idx = token_texts(doc)
        self.mentions = sorted(mentions, key=lambda m: m.tok)
        self._toks = [m.tok for m in self.mentions]
        self.children = [m for m in self.mentions if m.kind == "child"]
        self._by_span = {m.span: m for m in self.children if m.span is not None}
        # tokens between two mentions ("Nanna og Idris", "Alma, Jonas og Kasper"): a list, not a clause break
        self._mention_before = {m.end for m in self.mentions}
        self._mention_after = {m.tok - 1 for m in self.mentions}
        # the name as the writer uses it: "Nora" when the text also says "Nora Abdi" (a heading, a form)
        names = {(m.name or "") for m in self.children if m.name}
        self._short = {}
        for full in names:
            parts = full.split()
            for k in range(1, len(parts)):
                if " ".join(parts[:k]) in names:
                    self._short[full] = " ".join(parts[:k])
                    break
        counts: dict[str, int] = {}
        for m in self.children:
            if m.prep in words.with_prepositions or m.prep == "verb":
                continue  # a child only played with or hit ("legede med Otto", "Slog Ali") is not the focal child
            counts[(m.name or "").lower()] = counts.get((m.name or "").lower(), 0) + 1
        self.focal_key = max(counts, key=lambda k: (counts[k], -next(i for i, m in enumerate(self.children) if (m.name or "").lower() == k))) if counts else None
        if group_letter:  # a letter to all parents is about the group: no focal child
            self.focal_key = None
        merged: dict[str, int] = {}  # "Nora Abdi" and "Nora" are one child
        for k, c in counts.items():
            short = next((v for f, v in self._short.items() if f.lower() == k), k).lower()
            merged[short] = merged.get(short, 0) + c
        top = sorted(merged.values(), reverse=True)
        if self.FOCAL_TIE and len(top) >= 2 and top[0] == top[1]:
            # two children named equally often ("Sofie hentes af farmor. Oskar har været fræk"): no focal
            # child, a sentence about nobody names no one (a wrong name is worse than "barnet")
            self.focal_key = None
        self.focal_for_child_nouns = focal_for_child_nouns
        self.focal_about_nobody = focal_about_nobody
        self.sents = list(doc.sents)
        self._sent_starts = [s.start for s in self.sents]
        self.title = self._title_index(doc)
        self.sentence: list[Subject] = []  # the grammatical subject (pronoun chains use it)
        for sent in self.sents:  # in order: a pronoun looks back at earlier sentences' subjects
            self.sentence.append(self._sentence_subject(sent))
        # the child each sentence is about (what suggestions name and evaluate scores)
        self.about = [self._about(i, self.sentence[i], sent.start, sent.end) for i, sent in enumerate(self.sents)]

    def _title_index(self, doc: Doc) -> int | None:
        """The sentence that is the text's title: its first line, without final punctuation, followed
        by a blank line ("Taler for lidt\n\nMin søn ...", "Han får raserianfald over ingenting\n\n").
        A title points forward to the whole text: unless it names a child, it names no one."""
        text = doc_text(doc)
        a = len(text) - len(text.lstrip())
        b = text.find("\n", a)
        line = text[a:b].rstrip() if b > a else ""
        if not line or line[-1] in ".!?…:" or not text[b:].lstrip(" \t\r").startswith("\n") \
                or not text[b + 1:].lstrip(" \t\r").startswith("\n"):
            return None  # most texts: no title line
        tok = bisect_right(self._idx, a) - 1
        k = bisect_right(self._sent_starts, tok) - 1
        sent = self.sents[k]
        # the title is a sentence of its own (the segmenter splits at a blank line)
        return k if text[sent.start_char:sent.end_char].strip() == line else None

    # ------------------------------------------------------------------ resolution
    def _child_before(self, tok: int, key: str | None = None) -> _Mention | None:
        """The nearest child-name mention before token ``tok`` (of the child ``key`` if given)."""
        for m in reversed(self.children):
            if m.tok < tok and (key is None or (m.name or "").lower() == key):
                return m
        return None

    def _antecedent(self, tok: int, gender: str = "") -> tuple[tuple[int, int] | None, str | None] | None:
        """The child a pronoun at token ``tok`` refers to (a child of another gender is skipped):
        the first child mentioned in its own sentence before it (not after a preposition; an
        unnamed "min søn" gives no name), else the child subject of the nearest earlier sentence,
        else the first child named in that sentence, else the nearest earlier child name at all."""

        i = self.sentence_index(tok)
        start = self.sents[i].start
        # a name with a same-gender object pronoun in its own clause is not that pronoun's person, nor
        # a later pronoun's of that gender ("Når Birthe tog imod hende, faldt hun til ro": hun is not Birthe)
        excluded: set[str] = set()
        if gender:
            before = self._in(start, tok)
            for m in before:
                if m.kind != "child" or not m.name:
                    continue
                for x in before:
                    if x.tok > m.tok and x.kind == "pron" and x.gender == gender and self._low[x.tok] in ("ham", "hende") \
                            and not any(self._low[t] in self.words.clause_words for t in range(m.end, x.tok)):
                        excluded.add(m.name.lower())

        def fits(m: _Mention) -> bool:
            if excluded and (m.name or "").lower() in excluded:
                return False
            return not gender or not m.gender or m.gender == gender

        fronted = self._fronted_end(start, self.sents[i].end)
        for m in self._in(start, tok):
            if m.obj or (fronted is not None and m.tok < fronted <= tok):
                continue
            if m.kind == "child" and fits(m):
                return m.span, m.name
            if m.kind in ("childnoun", "otherchild"):
                resolved = self._resolve(m, self.sents[i].end)
                return resolved.span, resolved.name
        for j in range(min(i, len(self.sentence)) - 1, -1, -1):
            if j == self.title:
                continue  # a title is no antecedent
            subj = self.sentence[j]
            if subj.child and subj.span is not None and fits(self._by_span.get(subj.span, _NO_MENTION)):
                return subj.span, subj.name
            if (subj.reason == "child" or subj.settled) and j == i - 1 and self._unnamed_fits(j, gender):
                # the sentence before is about an unnamed child ("Min søn var præcis sådan. Når han ...",
                # "Her blev en dreng omtalt som ... Da han ..."): the pronoun continues that child
                return None, None
            a, b = self.sents[j].start, self.sents[j].end
            inside = [c for c in self.children if a <= c.tok < b and not c.obj and fits(c)]
            if inside:
                return inside[0].span, inside[0].name
        for c in reversed(self.children):
            if c.tok < tok and fits(c):
                return c.span, c.name
        return None

    def _unnamed_fits(self, j: int, gender: str) -> bool:
        """The unnamed child sentence ``j`` is about fits a pronoun of ``gender`` ("Storesøsteren er
        startet i skole. ... for ham": not the sister)."""
        if not gender:
            return True
        m = next((x for x in self._in(self.sents[j].start, self.sents[j].end) if not x.obj and x.kind != "adult"), None)
        if m is None:
            return True
        if m.kind == "pron":
            return not m.gender or m.gender == gender
        word = self._low[m.end - 1]
        own = "f" if any(x in word for x in _FEMALE_NOUNS) else "m" if any(x in word for x in _MALE_NOUNS) else ""
        return not own or own == gender

    def _cataphora(self, m: _Mention, sent_end: int) -> _Mention | None:
        """The child a pronoun points forward to: only from a leading subordinate clause ("Da han kom
        ind, løb Ali ...") to the first child subject after that clause's comma. A name later in the
        pronoun's own clause or in a clause after it is someone else ("Han hører aldrig efter, når
        Susanne siger ...": Susanne is the adult speaking)."""
        i = self.sentence_index(m.tok)
        a = self.sents[i].start
        first = next((j for j in range(a, sent_end) if self._txt[j].isalpha()), None)
        if first is None or self._low[first] not in self.words.subordinators or first == m.tok:
            return None
        comma = next((j for j in range(first + 1, sent_end) if self._txt[j] == ","), None)
        if comma is None or comma < m.tok:
            return None
        after = next((x for x in self._in(comma + 1, sent_end) if not x.obj), None)
        if after is None or after.kind != "child" or not (not m.gender or not after.gender or after.gender == m.gender):
            return None
        return after

    def _adult_before(self, m: _Mention) -> bool:
        """A pronoun that opens its sentence's chain right after a sentence whose subject is an adult
        and whose children appear only as possessors ("Talepædagogen ... ser Alfreds sprog an. Hun er
        altid forsinket"): the pronoun continues the adult, not the child ("Pædagogen hentede Ali.
        Han græd" names the child in full and keeps the usual chain)."""
        i = self.sentence_index(m.tok)
        if i == 0 or i > len(self.sentence):
            return False
        # (an earlier pronoun of the same gender in the sentence is the same person: "Hun har ..., og hun er ...")
        if any(x.kind in ("child", "childnoun", "otherchild", "adult") or (x.kind == "pron" and x.gender != m.gender)
               for x in self._in(self.sents[i].start, m.tok)):
            return False
        prev = self.sentence[i - 1]
        if prev.reason != "adult":
            return False
        a, b = self.sents[i - 1].start, self.sents[i - 1].end
        inside = self._in(a, b)
        adult = next((x for x in inside if x.kind == "adult" and not x.obj), None)
        gender = adult.gender if adult is not None else ""
        if adult is not None and not gender and adult.span is None:
            gender = self.words.role_gender.get(self._low[adult.end - 1], "")
        if adult is None or (gender and m.gender and gender != m.gender):
            return False
        # the children of that sentence are only possessors ("Alfreds sprog"); a child as a name or a
        # pronoun ("sendte ham til fysioterapeut") keeps the usual chain
        # ("Mor fortæller, at han sover dårligt. Hun er bekymret": a child of the other gender does not count)
        return all(x.possessive or x.whose or (m.gender and x.gender and x.gender != m.gender)
                   for x in inside if x.kind in ("child", "pron", "childnoun", "otherchild", "group"))

    def _focal(self, tok: int) -> Subject | None:
        if self.focal_key is None:
            return None
        m = self._child_before(tok, self.focal_key) or next(m for m in self.children if (m.name or "").lower() == self.focal_key)
        return Subject(m.span, m.name, "focal", True)

    def _resolve(self, m: _Mention, sent_end: int) -> Subject:
        if m.kind == "child":
            return Subject(m.span, m.name, "possessive" if m.possessive else "name", True)
        if m.kind == "pron":
            if not m.obj and self._adult_before(m):
                return Subject(None, None, "adult", False)
            found = self._antecedent(m.tok, m.gender)
            if found is None:  # "Da han kom ind, løb Ali ...": from a leading clause to the main clause's child
                ante = self._cataphora(m, sent_end)
                found = None if ante is None else (ante.span, ante.name)
            if found == (None, None):  # continues an unnamed child ("min søn", "en dreng")
                return Subject(None, None, "pronoun", True, settled=True)
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
        if m.kind == "adult" and m.span is None and m.end - m.tok == 1 and self._low[m.tok] in self.words.writer_words:
            return Subject(None, None, "writer", False)
        return Subject(None, None, m.kind, False)  # adult, animal, character, place

    def _in(self, a: int, b: int) -> list[_Mention]:
        lo = bisect_right(self._toks, a - 1)
        out = []
        for m in self.mentions[lo:]:
            if m.tok >= b:
                break
            out.append(m)
        return out

    def _first_subject(self, a: int, b: int, sent_end: int, objects: bool = True) -> Subject | None:
        """The first mention of tokens ``[a, b)`` that is no preposition's object, resolved;
        ``objects=False``: no object pronoun either (ham, hende)."""
        for m in self._in(a, b):
            if not m.obj and (objects or not (m.kind == "pron" and self._low[m.tok] in _OBJECT_PRONOUNS)):
                return self._resolve(m, sent_end)
        return None

    def _fronted_end(self, a: int, b: int) -> int | None:
        """Danish word order (V2): a sentence opening with a prepositional phrase ("Sammen med én
        kammerat, typisk Villum, leger han ...", "Til Emmas fest, ..., kom hun") has its subject
        right after the finite verb that follows the phrase's comma. The token where that clause
        starts (the verb), when a mention follows it; names inside the phrase are not the subject."""
        first = next((i for i in range(a, b) if self._txt[i].isalpha()), None)
        if first is None or self._low[first] not in self.words.prepositions or self._low[first] in ("som", "end", "i"):
            return None
        mention_at = {m.tok: m for m in self._in(a, b)}
        found = []
        for c in range(first + 1, b - 2):
            if self._txt[c] != ",":
                continue
            verb = c + 1
            if self._txt[verb].isalpha() and self._txt[verb][:1].islower() and verb + 1 in mention_at \
                    and self._low[verb] not in self.words.clause_words and self._low[verb] not in _DETERMINERS:
                found.append(verb)
        # ", typisk Villum, leger han": an apposition inside the phrase also has a word and a name
        # after a comma; the pronoun after the verb is the subject, else the last such place
        pron = [v for v in found if mention_at[v + 1].kind == "pron"]
        return pron[0] if pron else (found[-1] if found else None)

    def _sentence_subject(self, sent) -> Subject:
        a, b = sent.start, sent.end
        fronted = self._fronted_end(a, b)
        if fronted is not None:
            found = self._first_subject(fronted, b, b)
            if found is not None:
                return found
        first = next((i for i in range(a, b) if self._txt[i].isalpha()), None)
        if first is not None and self._low[first] in self.words.subordinators:
            comma = next((i for i in range(first + 1, b) if self._txt[i] == ","), None)
            if comma is not None:
                found = self._first_subject(comma + 1, b, b)
                if found is not None:
                    return found
        found = self._first_subject(a, b, b)
        if found is not None:
            return found
        first = _opener(self._low, self._txt, a, b)
        if first is not None and self._elided(first):
            focal = self._focal(first) if len(self.sentence) != self.title else None
            return Subject(focal.span, focal.name, "elided", True) if focal else Subject(None, None, "elided", True)
        return NOBODY

    def _elided(self, i: int) -> bool:
        low = self._low[i]
        if low in self.words.expletives or low in self.words.not_verbs:
            return False
        if low in self.words.elision_starters or low in self.words.note_verbs:
            return True
        lemma = self._lem[i]  # an inflected verb: "Græder", "Skubbede", "Kan"; a past tense the lemma table lacks: "Pegede"
        return (len(low) > 2 and lemma != low and lemma.endswith("e")) or (len(low) > 4 and low.endswith("ede") and self._txt[i].isalpha())

    # ------------------------------------------------------------------ public
    def sentence_index(self, token_i: int) -> int:
        return max(0, bisect_right(self._sent_starts, token_i) - 1)

    def for_sentence(self, i: int) -> Subject:
        """The child sentence ``i`` is about (see ``_about``)."""
        return self.about[i]

    def _clause(self, start_char: int, end_char: int) -> tuple[int, int, int] | None:
        """(sentence index, clause start token, span end token) of a character span."""
        doc = self.doc
        span = doc.char_span(start_char, end_char, alignment_mode="expand")
        if span is None or len(span) == 0:
            return None
        i = self.sentence_index(span.start)
        sent = self.sents[i]
        clause = span.start
        while clause > sent.start:
            word = self._low[clause - 1]
            if word in self.words.clause_words and not (
                word in ("og", "eller", ",") and clause - 1 in self._mention_after and clause - 1 in self._mention_before
            ):
                break
            clause -= 1
        return i, clause, span.end

    def for_span(self, start_char: int, end_char: int) -> Subject:
        """The subject of the clause holding ``[start_char, end_char)``; else its sentence's subject."""
        where = self._clause(start_char, end_char)
        if where is None:
            return NOBODY
        i, clause, end = where
        found = self._first_subject(clause, end, self.sents[i].end)
        return found or self.sentence[i]

    def _about(self, i: int, local: Subject, clause: int, end: int) -> Subject:
        """The child a sentence (or the clause from token ``clause``) is about, for ``{navn}``.

        Its subject when that is a named child; else the sentence's; else no name when it is about
        children as a group or an unnamed child ("de", "min søn"); else the first child the sentence
        mentions ("Vi oplever, at hun ...", "Personalet beskrev ham som ..."); else the narrative's
        focal child when the sentence is about no one else ("Der er jo ingen grænser derhjemme");
        else nobody.
        """
        if local.child and local.span is not None:
            return local
        sentence = self.sentence[i]
        if sentence.child and sentence.span is not None:
            return sentence
        if i == self.title or local.settled:
            return local  # a title names no one it does not name itself
        if local.reason in ("group", "child") or sentence.reason in ("group", "child"):
            return local if local.reason in ("group", "child") else sentence
        sent = self.sents[i]
        unknown = local.reason == "pronoun"  # a child pronoun with no earlier child to refer to
        for m in self._in(clause, sent.end) + self._in(sent.start, clause):
            if m.kind in ("child", "pron", "childnoun") and not (m.obj and unknown) and not (unknown and m.kind == "child") \
                    and not (m.kind == "child" and (m.prep in self.words.with_prepositions or m.prep == "verb")):
                # not the child a pronoun of unknown reference plays with or waits for ("Hun legede med Ali",
                # "Han hører aldrig efter, når Susanne siger ..."), nor the one a note line's child plays with
                # or hits ("Tirsdag: Legede med Otto", "Slog Ali med en skovl")
                described = self._resolve(m, sent.end)
                if described.span is not None:
                    return described
        if local.reason in ("writer", "none", "elided", "pronoun") and self.focal_about_nobody:
            focal = self._focal(sent.start)
            others = ("animal", "character", "group", "childnoun", "otherchild", "place")
            if unknown and focal is not None:  # "Hun er bekymret" is not about a focal Aksel
                pron = next((m for m in self._in(clause, end) if m.kind == "pron" and not m.obj), None)
                fm = self._by_span.get(focal.span)
                if pron is not None and pron.gender and fm is not None and fm.gender and fm.gender != pron.gender:
                    focal = None
            if focal is not None and not any(m.kind in others for m in self._in(sent.start, sent.end)):
                return Subject(focal.span, focal.name, "focal", True)
        return local

    def mentions_child(self, start_char: int, end_char: int, specific: bool = False) -> bool:
        """The sentence holding ``[start_char, end_char)`` mentions a child or children in any role
        ("vente på ham", "de to", "børn"), not counting a possessor before a role ("Alis mor").
        ``specific``: a named child, han/hun/ham/hende or de/dem ("vi tilstræber altid at møde
        børnene" is about the staff's practice; "Vi må vente på ham hver gang" and "slåskamp mellem
        de to, og det ender hver gang med gråd" are about children)."""
        where = self._clause(start_char, end_char)
        if where is None:
            return False
        sent = self.sents[where[0]]
        kinds = ("child", "pron") if specific else ("child", "pron", "childnoun", "otherchild", "group")
        return any(
            (m.kind in kinds or (specific and m.kind == "group" and self._low[m.tok] in self.words.group_pronouns))
            and not m.whose
            for m in self._in(sent.start, sent.end)
        )

    def for_finding(self, start_char: int, end_char: int) -> tuple[Subject, Subject]:
        """For a finding: (the subject of its clause, the child its suggestions name).

        The first decides whether a rule that needs a child may fire ("Vi har altid travlt": no).
        The second is the clause's named child, else the sentence's ("..., fordi moren ikke sætter
        grænser" is about the sentence's child), else a child the clause describes ("Personalet
        beskrev ham som særlig"), else the clause subject itself (then no name: "barnet").
        """
        where = self._clause(start_char, end_char)
        if where is None:
            return NOBODY, NOBODY
        i, clause, end = where
        sent = self.sents[i]
        local = self._clause_subject(i, clause, end, True)
        # the child it names: an object pronoun is no subject ("Du fandt en fjer og gav hende den" is about
        # "du"); the gate above keeps it (a rule about "ham" in a clause without a subject still fires)
        named = local
        first = next((m for m in self._in(clause, end) if not m.obj), None)
        if first is not None and first.kind == "pron" and self._low[first.tok] in _OBJECT_PRONOUNS:
            named = self._clause_subject(i, clause, end, False)
        return local, self.short(self._about(i, named, clause, end))

    def _clause_subject(self, i: int, clause: int, end: int, objects: bool) -> Subject:
        sent = self.sents[i]
        local = self._first_subject(clause, end, sent.end, objects)
        # a coordinated verb phrase without its own subject shares the one before the conjunction
        # ("..., at pædagogen Kim altid er sur og aldrig gider lege": Kim, not the sentence's child)
        prev = clause
        while local is None and prev > sent.start and self._low[prev - 1] in ("og", "men", "eller"):
            prev -= 1
            while prev > sent.start and not (
                self._low[prev - 1] in self.words.clause_words
                and not (self._low[prev - 1] in ("og", "eller", ",") and prev - 1 in self._mention_after
                         and prev - 1 in self._mention_before)  # "Malte og Ibrahim legede": one subject
            ):
                prev -= 1
            local = self._first_subject(prev, clause, sent.end, objects)
        return local or self.sentence[i]

    def short(self, subject: Subject) -> Subject:
        """The subject with the child's name as the text uses it alone ("Nora Abdi" → "Nora")."""
        name = self._short.get(subject.name or "")
        return subject if name is None else replace(subject, name=name)


class _PerThread:
    """An attribute kept in the owner's ``_doc_tables`` (a ``threading.local``): each thread its own value."""

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, obj, owner=None):
        return self if obj is None else getattr(obj._doc_tables, self.name)

    def __set__(self, obj, value) -> None:
        setattr(obj._doc_tables, self.name, value)


class SubjectResolver:
    """Find the mentions of a doc and build its ``DocSubjects``."""

    def __init__(self, words: SubjectWords | None = None, focal_for_child_nouns: bool = True,
                 focal_about_nobody: bool = True) -> None:
        self.words = w = words or subject_words()
        self.focal_for_child_nouns = focal_for_child_nouns
        self.focal_about_nobody = focal_about_nobody
        self._common_words = (
            set(w.child_pronouns) | set(w.possessive_pronouns) | w.you_pronouns | w.adult_pronouns | w.adult_roles
            | w.child_groups | w.child_nouns | w.other_child_nouns | w.animal_words | w.group_pronouns
        )
        self._common_words |= {"i", "jer", "jeres", "nogle", "alle", "vi", "de", "den", "det", "så", "og"}
        # a possessive determiner taken for a name ("Vores datter bider"): never a person
        self._common_words |= {"vores", "min", "mit", "mine", "din", "dit", "dine", "deres", "sin", "sit", "sine"}
        self._speaker_words = w.adult_pronouns | w.you_pronouns
        # role words long enough to end a compound role safely ("psykolog", "pædagog", not "mor", "far")
        self._role_suffixes = tuple(sorted(r for r in w.adult_roles if len(r) >= 6 and r.isalpha()))
        # the token tables of the document being resolved, per thread: one resolver serves every thread of the
        # app, and as plain attributes two documents at once mixed their tables (IndexError, or a wrong subject)
        self._doc_tables = threading.local()

    # the current document's tables: each thread sees its own (see ``_doc_tables``)
    _low = _PerThread()
    _lem = _PerThread()
    _txt = _PerThread()
    _idx = _PerThread()
    group_letter = _PerThread()
    _person_starts = _PerThread()

    def __call__(self, doc: Doc) -> DocSubjects:
        mentions = self._mentions(doc)  # (sets ``group_letter``)
        return DocSubjects(doc, mentions, self.words, self.focal_for_child_nouns, self.focal_about_nobody,
                           group_letter=self.group_letter)

    # ------------------------------------------------------------------ mentions
    def _word(self, doc: Doc, i: int, vocab: frozenset[str], lemma: bool = True) -> bool:
        if not 0 <= i < len(doc):
            return False
        if self._low[i] in vocab or (lemma and self._lem[i] in vocab):
            return True
        # a compound role ("børnepsykolog", "specialpædagogen", "dagplejemormor"): ends in a role word
        return vocab is self.words.adult_roles and len(self._low[i]) > 6 and self._low[i].endswith(self._role_suffixes)

    def _prev_word(self, doc: Doc, i: int, lo: int) -> int:
        """The token before ``i`` skipping commas, brackets and determiners (not before ``lo``)."""
        j = i - 1
        while j >= lo and (self._txt[j] in ",(:" or self._low[j] in _DETERMINERS):
            j -= 1
        return j

    def _opener(self, a: int, b: int) -> int | None:
        return _opener(self._low, self._txt, a, b)

    def _verb_first(self, i: int) -> bool:
        """A sentence opening with a finite verb and no subject (note style: "Græd ved aflevering.",
        "Slog Ali med en skovl."): a listed verb, or an inflected word whose lemma is a verb's."""
        low, lemma = self._low[i], self._lem[i]
        if low in self.words.expletives or low in self._common_words or low in self.words.not_verbs:
            return False
        return low in self.words.note_verbs or (len(low) > 2 and lemma != low and lemma.endswith(("e", "å"))) \
            or (len(low) > 4 and low.endswith("ede"))

    def _verb_next(self, i: int) -> bool:
        """"I har lært ..." (you), not "I dag", "I går" (a preposition): an inflected verb follows."""
        j = i + 1
        if j >= len(self._low) or self._low[j] in ("går", "morgen", "morges", "aftes", "nat", "aften"):
            return False
        low, lemma = self._low[j], self._lem[j]
        return lemma != low and lemma.endswith("e") and len(low) > 1

    def _role_before(self, doc: Doc, start: int, prev: int, lo: int, vocab: frozenset[str]) -> bool:
        """"pædagog Lone", "kaninen Trofast", "kaninen på stuen (Trofast)", "to kaniner, Trofast",
        "en kanin, den hedder Trofast"."""
        if self._word(doc, prev, vocab):
            return True
        if prev >= lo and self._low[prev] in self.words.naming_verbs:
            return any(self._word(doc, j, vocab) for j in range(max(lo, prev - 8), prev))
        if start > lo and self._txt[start - 1] == "(":
            return any(self._word(doc, j, vocab) for j in range(max(lo, start - 5), start - 1))
        return False

    def _listed_after(self, doc: Doc, start: int, mentions: list[_Mention]) -> _Mention | None:
        """The name this one is listed after ("Trofast og Pjuske", "Lone, Mette og Hanne")."""
        j = start - 1
        if j < 0 or self._low[j] not in ("og", ",", "&", "eller"):
            return None
        while j >= 0 and self._low[j] in ("og", ",", "&", "eller"):
            j -= 1
        for m in reversed(mentions):
            if m.span is not None and m.end - 1 == j:
                return m
        return None

    def _apposition(self, doc: Doc, end: int, sent_end: int, vocab: frozenset[str]) -> bool:
        """"Gül (mor)", "Sanne, Alis mor," "Trofast (vores kanin)": a role right after a name."""
        if end >= sent_end or self._txt[end] not in "(,":
            return False
        for j in range(end + 1, min(sent_end, end + 4)):
            if self._txt[j] in "),.":
                return False
            if self._word(doc, j, vocab):
                nxt = self._txt[j + 1] if j + 1 < len(doc) else "."
                return self._txt[end] == "(" or nxt in ",).;:" or j + 1 >= sent_end
        return False

    def _adult_cue(self, doc: Doc, span, prefix: str, sent_k: int) -> bool:
        """A name that is an adult by its surroundings: a byline ("Af Rasmus Thøgersen"), a letter's
        signature or reply anywhere in the text ("... forholde os? Hilsen Anna og Jesper", "Kære
        Kristina" after the opening), an adult age ("92-årige Ingrid"), a relative clause naming a role
        ("Signe Brask, der er formand for ..."), or an adult verb with a child as object ("Lone hentede
        Ali", "Jytte afleverede ham")."""
        w = self.words
        low, txt = self._low, self._txt  # per-thread attributes: read once
        slash = txt[span.start][:1] == "/" and (not prefix or prefix[-1] in ".!?")
        if prefix in w.byline_cues or slash or prefix.endswith((". /", "! /")):
            return True  # "Af Rasmus Thøgersen"; "/kasper" signing a note
        if span.start > 0:
            before = low[span.start - 1]
            if before in w.letter_words and (before != "kære" or sent_k >= 3):
                return True
            if "årig" in before:
                age = _AGE.fullmatch(before)
                if age is not None and int(age.group(1)) >= 16:
                    return True
        j = span.end
        n = len(low)
        if j + 3 < n and txt[j] == "," and low[j + 1] in ("der", "som") and low[j + 2] in ("er", "var", "arbejder", "blev"):
            k = j + 3
            while k < min(n, j + 6) and low[k] in ("som", "en", "et", "ny", "nyt", "vores", "jeres", "deres", "hans", "hendes"):
                k += 1
            if k < n and self._word(doc, k, w.adult_roles):
                return True
        if j + 1 < n and low[j] in w.adult_verbs:
            nxt = low[j + 2] if j + 2 < n else ""
            if low[j + 1] in ("ham", "hende", "barnet", "drengen", "pigen") or j + 1 in self._person_starts \
                    or (low[j + 1] in ("sin", "sit", "sine") and (nxt in w.child_nouns or nxt in w.other_child_nouns)):
                return True
        return False

    def _line_prefix(self, text: str, start: int) -> str:
        line = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
        return text[line:start].strip().lower()

    def _mentions(self, doc: Doc) -> list[_Mention]:
        from narrativ_nlp.identifiers.lexicon import load_lexicon
        from narrativ_nlp.identifiers.pseudonymise import _split_possessive

        w = self.words
        text = doc_text(doc)
        self._low, self._lem, _ = token_table(doc)
        self._txt, self._idx = token_texts(doc)
        low_, txt_ = self._low, self._txt
        sents = list(doc.sents)
        sent_starts = {st.start for st in sents}
        sent_of = [0] * len(doc)
        sent_index = {st.start: k for k, st in enumerate(sents)}
        sent_first = {next((j for j in range(st.start, st.end) if txt_[j].isalpha()), st.start) for st in sents}
        for st in sents:
            for j in range(st.start, st.end):
                sent_of[j] = st.start
        detection = doc._.identifiers
        persons = [] if detection is None else sorted((s.start, s.end) for s in detection.spans if s.label == "PERSON")
        mentions: list[_Mention] = []
        in_name: set[int] = set()
        self._person_starts = {bisect_right(self._idx, start) - 1 for start, _ in persons}  # their first tokens
        kind_of_key: dict[str, str] = {}
        lexicon = load_lexicon() if persons else None
        for start, end in persons:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            while len(span) > 1 and low_[span.end - 1] in self._common_words:
                span = span[:-1]  # "Gustav I", "Mathilde Nogle": the detector took the next word too
            start, end = span.start_char, span.end_char
            sent = span.sent
            surface = text[start:end]
            name, suffix = _split_possessive(surface, lexicon)
            key = name.lower()
            kind = "child"
            prev = self._prev_word(doc, span.start, sent.start)
            prefix = self._line_prefix(text, start)
            cue = any(prefix.startswith(c) for c in w.signature_cues)
            listed = self._listed_after(doc, span.start, mentions)  # "Trofast og Pjuske": as the first
            cue = cue or any(surface.lower().startswith(c + " ") for c in w.signature_cues)  # "Kh MN"
            initials = _INITIALS.fullmatch(surface) is not None  # staff sign with initials: "CB", "KH"
            thanked = span.start >= 2 and self._low[span.start - 1] == "til" and self._low[span.start - 2] == "tak"
            if (self._role_before(doc, span.start, prev, sent.start, w.adult_roles)
                    or self._apposition(doc, span.end, sent.end, w.adult_roles) or cue or thanked or initials
                    or (listed is not None and listed.kind == "adult")
                    or self._adult_cue(doc, span, prefix, sent_index.get(sent.start, 0))):
                kind = "adult"
            elif (self._role_before(doc, span.start, prev, sent.start, w.animal_words)
                  or self._apposition(doc, span.end, sent.end, w.animal_words)
                  or (listed is not None and listed.kind == "animal")):
                kind = "animal"
            elif self._character_name(doc, span, key) and (
                key not in w.ambiguous_characters
                or any(low_[j] in w.story_cues or self._lem[j] in w.story_cues for j in range(sent.start, sent.end))
                or (span.start > 0 and self._low[span.start - 1] == "som")
            ):
                kind = "character"
            elif ((span.start > 0 and self._word(doc, span.start - 1, w.place_words)) or self._word(doc, span.start, w.place_words)
                  or key.endswith(w.place_suffixes)):
                kind = "place"  # "Stue Sol", "Børnehaven Åbrinken"
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
                if kind == "child":  # the child still counts (focal child, "hende" later), never as subject
                    possessor = _Mention(span.start, span.end, "child", (start, end), name, True, gender=lexicon.gender(name.split()[0]))
                    possessor.whose = True
                    mentions.append(possessor)
                continue
            if key in self._common_words:
                continue  # a pronoun or role taken for a name ("Han", "kollegerne"): a word below
            gender = lexicon.gender(name.split()[0]) if lexicon is not None else ""
            mentions.append(_Mention(span.start, span.end, kind, (start, end), name, possessive, gender=gender))
            in_name.update(range(span.start, span.end))
        # addressees: "Kære Carl" (+ du) is the child of a learning story; "Hej Sara og Mikkel" parents
        addressee = self._addressees(doc, mentions)
        self.group_letter = self._group_letter(doc)
        # a learning story ("Læringshistorie om Carl", "Carls læringshistorie") speaks to its child
        learning = any(low_[j] in w.learning_story_cues or self._lem[j] in w.learning_story_cues
                       or low_[j].endswith("læringshistorie") for j in range(min(len(low_), 400)))
        child_addressee = None
        children_addressed = False  # "Til Adil, Johanne og Sylvester": "I" are the children
        if addressee:
            greeting, named = addressee
            you = not w.you_pronouns.isdisjoint(low_)
            # "Kære Janne, ... min dreng ...": a letter from a parent about their own child to an adult
            # ("min dreng", "vores datter", "jeg har en søn")
            own_child = any(
                low_[j + 1] in w.own_child_nouns
                and (low_[j] in ("min", "mit", "vores") or (low_[j] in ("en", "et") and j > 0 and low_[j - 1] in ("har", "havde")))
                for j in range(len(low_) - 1)
            )
            if (greeting in w.greetings_to_child or learning) and len(named) == 1 and you and not own_child:
                child_addressee = named[0]
                children_addressed = True  # "I" is the child and the others
            else:
                last = named[-1]
                if last.span is not None and last.end - last.tok >= 2 and last.end < len(doc) and self._txt[last.end][:1].islower():
                    # no comma after the greeting: the last word starts the first sentence
                    c = last.end - 1
                    mentions.append(_Mention(c, last.end, "child", (self._idx[c], self._idx[c] + len(txt_[c])),
                                             txt_[c], gender=lexicon.gender(txt_[c]) if lexicon else ""))
                    p = last.end - 2
                    last.end -= 1
                    last.span = (self._idx[last.tok], self._idx[p] + len(txt_[p]))
                    last.name = text[last.span[0] : last.span[1]]
                for m in named:
                    key = (m.name or "").lower()
                    if not any(o.tok > m.tok and (o.name or "").lower() == key for o in mentions if o not in named):
                        for k in {key, key.split()[0]} if key else ():
                            kind_of_key[k] = "adult"
                    elif greeting in w.greetings_to_child:
                        children_addressed = True
        # a full name whose first name the text never uses alone ("siger Signe Brask", "Af Rasmus
        # Thøgersen", "92-årige Ingrid Mølgaard") is an adult: a text calls its children by their first
        # name ("Barn: Nora Abdi ... Nora kan ..."); a double first name ("Emma Sofie") is a child's
        alone = {m.name.lower() for m in mentions if m.span is not None and m.name and len(m.name.split()) == 1}
        for m in mentions:
            parts = (m.name or "").split()
            if m.kind == "child" and len(parts) >= 2 and parts[0].lower() not in alone \
                    and all(x[:1].isupper() and x.replace("-", "").isalpha() for x in parts) \
                    and not all(lexicon.base_name(x) in lexicon.first_names and (
                                    x.lower() not in lexicon.last_names  # "Emma Sofie"
                                    # a girl's double name whose second part is also a surname ("Luna Marie")
                                    or lexicon.gender(x) == lexicon.gender(parts[0]) == "f")
                                for x in parts[1:]):
                kind_of_key.setdefault(m.name.lower(), "adult")
        for m in mentions:
            if m.kind == "child" and m.name is not None:
                key = m.name.lower()
                m.kind = kind_of_key.get(key, kind_of_key.get(key.split()[0], "child"))
        if learning and child_addressee is None and not w.you_pronouns.isdisjoint(low_):
            # no greeting: "du" is the child the story names most (first on a tie)
            named_children = [m for m in mentions if m.kind == "child" and m.name and not m.whose]
            if named_children:
                counts: dict[str, int] = {}
                for m in named_children:
                    counts[m.name.lower()] = counts.get(m.name.lower(), 0) + 1
                best = max(counts.values())
                child_addressee = next(m for m in named_children if counts[m.name.lower()] == best)
        # words
        n = len(doc)
        i = 0
        while i < n:
            if i in in_name:
                i += 1
                continue
            low = low_[i]
            if not txt_[i].isalpha():
                i += 1
                continue
            nxt = self._low[i + 1] if i + 1 < n else ""
            bigram = f"{low} {nxt}"
            kind = None
            width = 1
            gender = ""
            if bigram in w.child_groups:
                kind, width = "group", 2
            elif bigram in w.child_nouns:
                kind, width = "childnoun", 2
            elif low == "de" and (nxt == "voksne" or self._word(doc, i + 1, w.adult_roles)):
                kind, width = "adult", 2
            elif low == "de" and i + 2 < n and txt_[i + 1].isalpha() and self._word(doc, i + 2, w.adult_roles):
                kind, width = "adult", 3  # "de nye pædagoger"
            elif low == "de" and nxt[:1].isdigit():
                kind = None  # a determiner before a number: "de 6 læreplanstemaer" (the noun says who)
            elif low in w.possessive_pronouns:
                if self._word(doc, i + 1, w.adult_roles):
                    kind, width = "adult", 2
                else:
                    kind, gender = "pron", w.possessive_pronouns[low]
            elif low in w.child_pronouns:
                kind, gender = "pron", w.child_pronouns[low]
            elif low in w.you_pronouns:
                if child_addressee is not None and not (low != "du" and self._word(doc, i + 1, w.adult_roles)):
                    mentions.append(_Mention(i, i + 1, "child", child_addressee.span, child_addressee.name,
                                             gender=child_addressee.gender))
                    i += 1
                    continue
                kind = "adult"
            elif (txt_[i] == "I" and (i not in sent_starts or self._verb_next(i))) or low in ("jer", "jeres"):
                kind = "group" if children_addressed else "adult"
            elif low in w.adult_pronouns:
                kind = "adult"
            elif low in w.group_pronouns or low in w.child_groups:
                kind = "group"
            elif low in w.child_nouns:
                # "en pige, der finder på lege", "et barn i børnehaven": any child, not the narrative's
                before = [low_[j] for j in range(max(0, i - 2), i)]
                indefinite = bool(before) and (before[-1] in ("en", "et", "én", "ét")
                                               or (len(before) == 2 and before[0] in ("en", "et") and before[1] in _INDEF_ADJ))
                # "Jeg ser en dreng, der ...": a learning story's (or an observer's) way to name its child
                article = i - 1 if before and before[-1] in ("en", "et", "én", "ét") else i - 2
                seen = indefinite and article >= 1 and low_[article - 1] in _SEEING
                kind = "otherchild" if indefinite and not seen else "childnoun"
            elif low == "alle" and i in sent_first and i + 1 < n and (nxt in w.note_verbs or (self._lem[i + 1] != nxt and self._lem[i + 1].endswith("e"))
                                                  and not self._word(doc, i + 1, w.adult_roles)):
                kind = "group"  # "Alle var glade": the children together
            elif low in w.other_child_nouns:
                kind = "otherchild"
            elif self._word(doc, i, w.adult_roles):
                kind = "adult"
            elif self._word(doc, i, w.animal_words):
                kind = "animal"
            if kind is not None:
                mentions.append(_Mention(i, i + width, kind, gender=gender))
            i += width
        quotes = _quote_spans(text) if any(c in _QUOTES for c in text) else []
        if quotes:
            def quoted(m: _Mention) -> bool:
                c = self._idx[m.tok]
                return any(a < c < b for a, b in quotes)

            mentions = [m for m in mentions if not (m.span is None and m.kind == "adult" and self._low[m.tok] in self._speaker_words and quoted(m))]
        for m in mentions:
            sent_start = sent_of[m.tok]
            p = self._prev_word(doc, m.tok, sent_start)
            m.obj = m.whose or (p >= sent_start and self._low[p] in w.prepositions)
            if m.obj and not m.whose:
                m.prep = self._low[p]
            # a partitive is the subject's head, not an object: "En af pædagogerne sagde ...",
            # "en af de nye pædagoger er ...", "to af drengene legede"
            if m.obj and not m.whose and self._low[p] == "af" and p - 1 >= sent_start and self._low[p - 1] in _PARTITIVES \
                    and not (p - 2 >= sent_start and self._low[p - 2] in w.prepositions):  # "legede med en af drengene"
                m.obj = False
        # a note line opening with its verb has no subject ("Slog Ali med en skovl.", "Tirsdag: Legede
        # med Otto."): the mentions of its first clause are objects, unless a pronoun follows the verb
        # directly (a question or condition: "Kommer han i morgen, ...")
        by_tok = {m.tok: m for m in mentions}
        ends, starts = {m.end for m in mentions}, {m.tok for m in mentions}
        for st in sents:
            opener = self._opener(st.start, st.end)
            if opener is None or not self._verb_first(opener) or self._txt[st.end - 1] == "?" \
                    or (st.end < n and self._txt[st.end] == "?"):
                continue
            nxt = by_tok.get(opener + 1)
            if nxt is not None and nxt.span is None and self._low[opener + 1] in w.subject_pronouns:
                continue
            j = opener + 1
            while j < st.end:
                if self._low[j] in w.clause_words and self._low[j] not in ("og", "eller", "&") and not (
                        self._low[j] == "," and j in ends and j + 1 in starts):
                    break
                m = by_tok.get(j)
                if m is not None and not m.obj:
                    m.obj, m.prep = True, "verb"
                j += 1
        # a name in apposition to an object child noun is that object: "Sammen med sin veninde Clara
        # griner hun", "legede med lillebror Bo"
        for m in mentions:
            noun = next((x for x in mentions if x.end == m.tok and x.span is None), None)
            if m.span is not None and not m.obj and noun is not None and noun.obj and noun.kind in ("otherchild", "childnoun"):
                m.obj, m.prep = True, noun.prep
        # a coordinated object of a preposition is one too: "med én voksen og to børn venter han"
        ordered = sorted(mentions, key=lambda m: m.tok)
        for before, m in zip(ordered, ordered[1:]):
            if m.obj or not before.obj or before.whose or sent_of[before.tok] != sent_of[m.tok]:
                continue
            between = [self._low[j] for j in range(before.end, m.tok)]
            if between and between[0] in ("og", "eller", "&") and all(x in _DETERMINERS for x in between[1:]):
                m.obj, m.prep = True, before.prep
        # a child noun with the child's name in apposition is that child: "Vores søn Johan på 3 år får
        # raserianfald" is about Johan (the name, not an unnamed "søn", is the subject and the antecedent)
        named_at = {m.tok: m for m in mentions if m.span is not None and m.kind == "child"}
        mentions = [m for m in mentions if not (
            m.span is None and m.kind in ("otherchild", "childnoun") and not m.obj
            and (m.end in named_at or (m.end < len(doc) and self._txt[m.end] == "," and m.end + 1 in named_at)))]
        return mentions

    def _addressees(self, doc: Doc, mentions: list[_Mention]) -> tuple[str, list[_Mention]] | None:
        """A greeting opening the text ("Kære Carl", "Hej Sara og Mikkel"): its word and names."""
        # the greeting opens one of the first three sentences ("Læringshistorie: ...\n\nKære Carl")
        first = None
        for k, sent in enumerate(doc.sents):
            if k >= 3:
                break
            opener = next((j for j in range(sent.start, sent.end) if not self._txt[j].isspace()), None)
            if opener is not None and self._low[opener] in self.words.greetings:
                first = opener
                break
        if first is None:
            return None
        named = []
        by_tok = {m.tok: m for m in mentions if m.span is not None}
        i = first + 1
        while i < len(doc) and i - first <= 8:
            m = by_tok.get(i)
            if m is not None:
                named.append(m)
                i = m.end
            elif self._low[i] in ("og", ",", "&"):
                i += 1
            else:
                break
        # "hej Pia, Lucas har fået en tand slået løs": the name after the comma opens the first sentence
        if len(named) >= 2 and self._txt[named[-1].tok - 1] == "," and named[-1].end < len(doc) \
                and self._txt[named[-1].end].isalpha() and self._txt[named[-1].end][:1].islower() \
                and self._low[named[-1].end] not in ("og", "eller"):
            named.pop()
        return (self._low[first], named) if named else None

    def _group_letter(self, doc: Doc) -> bool:
        """A letter to all parents ("Kære forældre", "Hej alle", "Kære forældre på Bamserne"): about the
        group; it has no focal child, whatever child it names."""
        for k, sent in enumerate(doc.sents):
            if k >= 3:
                break
            opener = next((j for j in range(sent.start, sent.end) if self._txt[j].isalpha()), None)
            if opener is not None and self._low[opener] in self.words.greetings:
                after = [self._low[j] for j in range(opener + 1, min(sent.end, opener + 3))]
                return any(a in self.words.parent_groups for a in after)
        return False

    def _character_name(self, doc: Doc, span, key: str) -> bool:
        """The name, or the name with the word before or after it, is a story character."""
        chars = self.words.story_characters
        if key in chars:
            return True
        after = f"{key} {self._low[span.end]}" if span.end < len(doc) else ""
        before = f"{self._low[span.start - 1]} {key}" if span.start > 0 else ""
        return after in chars or before in chars

    def _signature_line(self, doc: Doc, span, text: str) -> bool:
        """A line holding only names at the end of the text, after a signature cue line."""
        line_start = text.rfind("\n", 0, span.start_char) + 1
        line_end = text.find("\n", span.end_char)
        line_end = len(text) if line_end < 0 else line_end
        if line_start == 0 or not _NAME_LINE.fullmatch(text[line_start:line_end].strip()):
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
        for sent, subj in zip(subjects.sents, subjects.about):
            span = None if subj.span is None else doc.char_span(subj.span[0], subj.span[1], alignment_mode="expand")
            out.append((sent.start_char, sent.end_char, span, subj.reason))
        doc._.sentence_subjects = out
        return doc
