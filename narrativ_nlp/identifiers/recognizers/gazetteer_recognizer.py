"""Given names from the gazetteer (Danish and the origins common among children here).

Evidence rules: a capitalised gazetteer name inside a sentence is a name; at a
sentence start it is a name unless it is also an ordinary Danish word ("Sol",
"Storm"), which then needs other evidence (NER, context, another occurrence).
A lower-case gazetteer name that is no Danish word ("ahmed") is a name with
lower confidence; a lower-case one that is a word ("sol") is left to
propagation from a capitalised occurrence, except at the start of a sentence in
a text written without capitals, when the next word says it is a subject
("mads spilder ..."). What counts as such a word is ``subject_cues`` in
``data/identifiers.yaml``.
"""

from __future__ import annotations

from spacy.tokens import Doc

from spacy.lang.da.stop_words import STOP_WORDS

from narrativ_nlp.identifiers.recognizers.base import (
    Recognizer,
    RecognizerContext,
    age_follows,
    doc_lower_case,
    is_initial,
    looks_like_subject,
    token_texts,
)
from narrativ_nlp.identifiers.types import IdentifierSpan


class GazetteerRecognizer(Recognizer):
    name = "gazetteer"
    labels = ("PERSON",)

    def __init__(self, context: RecognizerContext) -> None:
        super().__init__(context)
        self.triggers = {w.lower() for w in context.settings["person_triggers"]}

    def analyze(self, doc: Doc) -> list[IdentifierSpan]:
        lex = self.context.lexicon
        found = []
        texts, _ = token_texts(doc)
        lower_text = None  # computed at the first lower-case candidate
        word_names: list[int] = []  # lower-case names that are words, in a text without capitals: need evidence
        # the doc's distinct words that are given names, each tested once; then only their tokens are visited
        names = {w for w in set(texts) if len(w) >= 2 and w[0].isalpha() and lex.is_first_name(w)}
        for i in [i for i, w in enumerate(texts) if w in names] if names else ():
            word = texts[i]
            tok = doc[i]  # a Token object only for candidates
            low = word.lower()
            if low in lex.not_person or low in lex.towns:
                continue
            if low in STOP_WORDS and not (low in _STOP_WORD_NAMES and word[0].isupper() and not word.isupper() and (
                    not is_initial(tok) or _verb_next(tok, self.context.cues))):
                continue  # "Hans byggede", "med Hans": a name; "Hans bror", "hans": the pronoun
            # capitalised, "Sten", "Lærke", "Storm" are everyday words, "Noah", "Mads", "Ellen" are not
            # (name_words); in lower case in a text with capitals any form the lemma table knows is a
            # word ("lys", "ben", "dans"); in a text without capitals, the listed words and the words
            # that only look like a possessive name ("lys", "dans", "andres"), so "mads" and "noah" count
            if word[0].isupper():
                is_word = lex.name_is_word(word)
            elif word.islower():
                if lower_text is None:
                    lower_text = doc_lower_case(doc)
                base = lex.base_name(word) or low
                is_word = lex.name_is_word(word) or (lex.is_word(word) and base != low) if lower_text else (
                    lex.name_is_word(word) or lex.is_word(word) or lex.is_word(base))
            else:
                is_word = lex.is_word(word)
            if word[0].isupper() and not word.isupper():
                if not is_initial(tok):
                    score = 0.8
                elif lex.base_name(word) != low and lex.is_word(word) and not _word_next(tok):
                    score = 0.3  # "Dans, glitter og fest": a genitive that is a word ("dans") before no noun
                elif not is_word:
                    score = 0.75
                elif looks_like_subject(tok, self.context.cues) or (lex.base_name(word) != low and not lex.is_word(word)) \
                        or (lex.base_name(word) != low and _abbreviation_next(tok)):
                    # possessive "Elms far ..." also counts: "elm" is a word, "elms" is not; and a possessive
                    # before an abbreviation ("Lærkes bl.a. ...", "Roses evt. skiftetøj")
                    score = 0.6  # "Storm tager ...", "Vilja (16 mdr.)": a bare noun rarely opens a Danish sentence
                else:
                    score = 0.3  # "Sol" at a sentence start: needs evidence
            elif word.islower():
                if is_word:
                    # "mads spilder ...": a text written without capitals. At the start of the text
                    # or of a sentence (not of a quote: "bil, bil!") a word after it must say it is a subject
                    if _opens_sentence(tok) and looks_like_subject(tok, self.context.cues) and _next_is_word(tok):
                        score = 0.45
                    else:
                        if lower_text:
                            word_names.append(i)  # "mor til lærke", "lærke og mads": decided below
                        continue
                else:
                    score = 0.55
            else:  # ALL CAPS
                score = 0.5 if not is_word else 0.25
            found.append(self.span(tok.idx, tok.idx + len(word), "PERSON", score))
        if word_names:
            found.extend(self._word_names_in_context(doc, word_names, found))
        return found

    def _subject_pair(self, texts: list[str], first: int, second: int) -> bool:
        """"lærke og bo byggede": the pair opens a sentence and a finite verb follows it."""
        if first > 0 and texts[first - 1] not in (".", "!", "?") and "\n" not in texts[first - 1]:
            return False
        verb = texts[second + 1].lower() if second + 1 < len(texts) else ""
        return verb in self.context.cues.verbs or (len(verb) > 3 and verb.endswith(("ede", "te", "er")))

    def _word_names_in_context(self, doc: Doc, candidates: list[int], found: list[IdentifierSpan]) -> list[IdentifierSpan]:
        """In a text written without capitals, a lower-case given name that is also a word ("lærke",
        "sten", "bo") is a name when the words around it say so: a role or greeting before it ("mor til
        lærke", "hej bo"), another name beside it in a list ("mads og lærke", "lærke, bo og ida"), a
        family noun after its possessive ("lærkes mor") or an age ("bo 3 år")."""
        texts, _ = token_texts(doc)
        cues = self.context.cues
        starts = {s.start for s in found}
        names = {i for i, t in enumerate(texts) if doc[i].idx in starts}
        out: list[IdentifierSpan] = []
        pending = list(candidates)
        changed = True
        while pending and changed:
            changed = False
            for i in list(pending):
                prev = texts[i - 1].lower() if i > 0 else ""
                prev2 = texts[i - 2].lower() if i > 1 else ""
                nxt = texts[i + 1].lower() if i + 1 < len(texts) else ""
                # a name beside it, or two such words joined by "og" opening a sentence before a verb
                # ("lærke og bo byggede ...", not "der var lys og dans")
                listed = (prev in ("og", ",", "eller") and (i - 2 in names or (
                    prev == "og" and i - 2 in candidates and self._subject_pair(texts, i - 2, i)))) or (
                    nxt in ("og", ",", "eller") and (i + 2 in names or (
                        nxt == "og" and i + 2 in candidates and self._subject_pair(texts, i, i + 2))))
                # "en lille dans": "lille"/"søde" after an article or a possessive is an adjective
                role = (prev in self.triggers and not (prev in ("lille", "søde") and prev2 in _DETERMINERS)) or (
                    prev in ("til", "lille", "søde") and prev2 in self.triggers)
                possessive = texts[i].lower() != self.context.lexicon.base_name(texts[i]) and nxt in cues.family_nouns
                # "i dag klatrede sol selv ...": the subject after the verb (a sentence opened by an adverb);
                # not after a verb that takes a bare noun ("der var sol", "vi fik sten")
                after_verb = (prev in cues.verbs or (len(prev) > 4 and prev.endswith(("ede", "te")))) and \
                    prev not in _BARE_NOUN_VERBS and prev2 not in _SUBJECT_PRONOUNS and \
                    nxt in ("selv", "og", ",", ".", "!", "også", "lige", "ikke", "hele", "hen", "ud", "ind", "op", "ned", "hjem",
                            "rundt", "videre", "straks", "med")
                # "da lærke kom", "og bo løb": a subject before a finite verb, not after an article ("en sten faldt")
                before_verb = (prev in _CLAUSE_OPENERS or "\n" in prev) and (
                    nxt in cues.verbs or (len(nxt) > 4 and nxt.endswith(("ede", "te")) and nxt.isalpha()))
                if listed or role or possessive or after_verb or before_verb or age_follows(doc[i], cues):
                    tok = doc[i]
                    out.append(self.span(tok.idx, tok.idx + len(tok.text), "PERSON", 0.45))
                    names.add(i)
                    pending.remove(i)
                    changed = True
        return out


#: a subject before the verb: the word after the verb is then its object ("vi tændte lys og ...")
_SUBJECT_PRONOUNS = frozenset({"jeg", "du", "han", "hun", "vi", "i", "de", "den", "det", "der", "man", "hvem", "som"})
_DETERMINERS = frozenset({"en", "et", "den", "det", "de", "min", "mit", "din", "dit", "sin", "sit", "hans", "hendes",
                          "vores", "jeres", "deres", "denne", "dette", "store", "stor", "lille", "små", "mange", "nogle",
                          "flere", "ingen", "hver", "af", "at", "vil", "skal", "kan", "må", "ville", "skulle", "kunne",
                          "meget", "så", "helt", "var", "er", "blev"})
#: words after which a clause's subject comes ("da lærke kom", "og bo løb", "mens sol sov")
_CLAUSE_OPENERS = frozenset({"", ".", ",", "!", "?", "og", "da", "når", "mens", "men", "hvor", "fordi", "hvis", "eller",
                             "både", "selvom", "indtil", "før", "efter", "mens", "så"})
#: verbs after which a bare noun is common ("der var sol", "vi fik sten med hjem")
_BARE_NOUN_VERBS = frozenset({"er", "var", "blev", "bliver", "har", "havde", "fik", "får", "giver", "gav", "så", "ser",
                              "samlede", "fandt", "kastede", "byggede", "tegnede", "malede", "lavede", "spiste", "hentede",
                              "tog", "tager", "bar", "bærer", "plantede", "plukkede", "købte", "fik", "satte", "lagde"})


#: given names that are Danish function words: a name only capitalised, inside a sentence or before a verb
_STOP_WORD_NAMES = frozenset({"hans", "per"})


def _verb_next(tok, cues) -> bool:
    """A finite verb after ``tok`` ("Hans byggede", "Per har")."""
    if tok.i + 1 >= len(tok.doc):
        return False
    low = tok.doc[tok.i + 1].lower_
    return low in cues.verbs or (tok.doc[tok.i + 1].is_alpha and len(low) > 3 and low.endswith(("ede", "te")))


def _opens_sentence(tok) -> bool:
    """The first token of the text or the first after a full stop, "!" or "?" (not after a quote)."""
    return tok.i == 0 or tok.doc[tok.i - 1].text in (".", "!", "?")


def _word_next(tok) -> bool:
    """A lower-case word or abbreviation right after ``tok`` on the same line ("Dans far", "Noahs bl.a.";
    not "Dans, glitter")."""
    if tok.i + 1 >= len(tok.doc) or "\n" in tok.whitespace_:
        return False
    first = tok.doc[tok.i + 1].text[:1]
    return first.isalpha() and first.islower()


def _next_is_word(tok) -> bool:
    return tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].is_alpha


def _abbreviation_next(tok) -> bool:
    """The next token is a lower-case abbreviation: "bl.a.", "evt.", "kl.", "ca.", "f.eks."."""
    if tok.i + 1 >= len(tok.doc):
        return False
    nxt = tok.doc[tok.i + 1].text
    return len(nxt) >= 3 and nxt.endswith(".") and nxt[:1].islower() and nxt.replace(".", "").isalpha()
