"""Suggestions never name an adult or a child the sentence is not about (issue #15, items 3 + 6):
adults known from their surroundings (full names a text never shortens, bylines, letters' signatures
and replies, adult ages, "X, der er pædagog", "X hentede Ali"), titles that name no one, pronouns that
continue an unnamed child, generic "en pige", ambiguous pronouns, "allerede" is no verb. Every text is
invented."""

from __future__ import annotations

import pytest

from narrativ_nlp.framing.analysis import analyse


def _doc(nlp, text):
    return nlp(text, component_cfg={"narrativ_identifiers": {"names_only": True}})


def _about(nlp, text):
    """[(sentence text, subject surface or None, reason)] for each sentence."""
    doc = _doc(nlp, text)
    return [(text[s:e].strip(), None if span is None else span.text, reason) for s, e, span, reason in doc._.sentence_subjects]


def _subject_of(nlp, text, starts):
    return next(x for x in _about(nlp, text) if x[0].startswith(starts))[1]


def _kinds(nlp, text):
    doc = _doc(nlp, text)
    return {doc[m.tok : m.end].text: m.kind for m in doc._.subjects.mentions if m.span is not None}


# ---------------------------------------------------------------- adults by their surroundings
@pytest.mark.parametrize("text, adult", [
    # a full name the text never shortens: a quoted adult in an article
    ('Forældre i Vestby samlede underskrifter mod besparelserne. "Der er for få voksne," siger Karen Dyhr. '
     "Hendes søn er blevet urolig, siden stuen mistede en pædagog.", "Karen Dyhr"),
    # a byline
    ("Sommerfest i Troldehaven\n\nAf Birgit\n\nMalthe stod ved bålet hele aftenen og var meget stolt.", "Birgit"),
    # an adult age
    ("83-årige Grethe læser højt for børnene hver fredag, og hun elsker det.", "Grethe"),
    # a relative clause naming a role
    ("Lise, der er pædagog på Myretuen, fortæller, at Sigurd altid hjælper de små.", "Lise"),
    # an adult verb with a child as object
    ("Jytte hentede Alma klokken tre. Alma var træt, men glad.", "Jytte"),
    # a reply and a signature in the middle of a letter page
    ("Vores datter bestemmer altid. Hvordan skal vi forholde os? Hilsen Tine og Kasper\n\n"
     "Kære Tine og Kasper Det lyder som en pige med gode idéer.", "Tine"),
])
def test_an_adult_known_from_its_surroundings_is_no_child(nlp, text, adult):
    assert _kinds(nlp, text)[adult] == "adult"


@pytest.mark.parametrize("text, child", [
    ("Barn: Nora Abdi\n\nNora leger mest med de store piger og er god til at forhandle.", "Nora Abdi"),
    ("Emma Sofie er altid den første ved bordet.", "Emma Sofie"),  # a double first name
    ("Luna Marie er en glad pige, der elsker at synge.", "Luna Marie"),  # its second part is also a surname
    ("Femårige Aksel tegner til beboerne på plejehjemmet.", "Aksel"),  # a child's age
    ("Ahmed hentede sin regnhat og gav den til Sofie.", "Ahmed"),  # a child fetches a thing
])
def test_a_child_stays_a_child(nlp, text, child):
    assert _kinds(nlp, text)[child] == "child"


def test_a_possessive_determiner_is_no_name(nlp):
    text = "Vores datter på to år bider hele tiden i vuggestuen."
    assert "Vores" not in _kinds(nlp, text)
    assert _subject_of(nlp, text, "Vores") is None


# ---------------------------------------------------------------- who a sentence is about
def test_allerede_is_no_verb_opening_a_note_line(nlp):
    text = "Så er vi startet i børnehave. Allerede på anden dagen løb Nanna ind og sagde hej til Jytte."
    assert _subject_of(nlp, text, "Allerede") == "Nanna"


@pytest.mark.parametrize("text, title", [
    ("Taler for lidt\n\nMin søn Anton på to år siger kun få ord. Han forstår alt, men han kan ikke sige det.",
     "Taler for lidt"),
    ("Han slår hele tiden\n\nVores søn Vitus på fire slår de andre børn. Han er ellers en glad dreng.",
     "Han slår hele tiden"),
])
def test_a_title_names_no_one_it_does_not_name(nlp, text, title):
    about = _about(nlp, text)
    assert next(x for x in about if x[0] == title)[1] is None
    # the text's own sentences still name the child
    assert any(x[1] in ("Anton", "Vitus") for x in about if x[0].startswith(("Han forstår", "Han er ellers")))


def test_a_pronoun_continues_an_unnamed_child(nlp):
    text = ("Svar til Idas mor\nMin søn var præcis sådan. Når han kendte et barn i forvejen, tøede han op "
            "og legede i timevis.")
    assert _subject_of(nlp, text, "Når han") is None


def test_a_child_noun_with_its_name_in_apposition_is_that_child(nlp):
    text = "Vores søn Johan på tre år får raserianfald. Han er en lille tikkende bombe."
    assert _subject_of(nlp, text, "Han er") == "Johan"


def test_an_indefinite_child_is_not_the_narratives_child(nlp):
    text = ("Villads går på Solstuen og er glad for sine venner. Villads bygger gerne huler. "
            "På stuen blev en dreng engang kaldt bøllen. Da han fik en fast voksen, faldt han til ro.")
    about = _about(nlp, text)
    assert next(x for x in about if x[0].startswith("På stuen"))[1] is None
    assert next(x for x in about if x[0].startswith("Da han"))[1] is None


def test_everyone_is_the_group(nlp):
    text = "Mathilde fandt på en løsning med sandkassen. Alle var glade for løsningen."
    assert _subject_of(nlp, text, "Alle var") is None


def test_a_name_after_the_greeted_parent_opens_the_first_sentence(nlp):
    """"hej Pia, Lucas har fået ...": Pia is the parent greeted, Lucas the child; "/kasper" signs the note."""
    text = ("hej Pia, Lucas har fået en tand slået løs på legepladsen, lidt blod men ellers ok\n"
            "han var så modig, da vi ringede til tandlægen\n/kasper")
    kinds = _kinds(nlp, text)
    assert kinds["Pia"] == "adult" and kinds["Lucas"] == "child"
    assert all(v == "adult" for k, v in kinds.items() if "kasper" in k)
    assert _subject_of(nlp, text, "han var") == "Lucas"


def test_two_children_named_equally_often_give_no_focal_child(nlp):
    text = ("Overlevering kl. 15. Sofie hentes af farmor i dag. Oskar har været urolig i dag. "
            "Snak med far ved afhentning. Der er jo ingen grænser derhjemme.")
    assert _subject_of(nlp, text, "Der er jo") is None
    # one child named most: the sentence about nobody is about that child
    text = ("Oskar har været urolig i dag. Sofie hentes af farmor. Oskar slog ud efter de andre. "
            "Der er jo ingen grænser derhjemme.")
    assert _subject_of(nlp, text, "Der er jo") == "Oskar"


# ---------------------------------------------------------------- the suggestions
def test_suggestions_in_an_article_never_name_the_quoted_adult(nlp):
    text = ('Omkring 300 forældre mødte op foran rådhuset. "Der er allerede for få hænder," siger Signe Brask, '
            "der er formand for forældrebestyrelsen. En anden mor fortæller, at hendes søn er blevet "
            '"helt vild og umulig", siden stuen mistede en voksen.')
    findings = analyse(text, nlp=nlp).findings
    assert any(f.kind == "deficit" for f in findings)
    for f in findings:
        assert f.subject_text is None
        assert not any("Signe" in s for s in f.suggestions)


def test_a_letter_page_suggestion_says_barnet_for_the_generic_girl(nlp):
    text = ("Vores datter bestemmer over de andre\n\nVi har fået at vide, at vores datter på 5 er meget dominerende. "
            "Hilsen Anna og Jesper\n\nKære Anna og Jesper En pige, der finder på lege og fordeler roller, har fantasi "
            "og vil gerne have, at legen lykkes.")
    for f in analyse(text, nlp=nlp).findings:
        assert f.subject_text not in ("Anna", "Jesper")
        assert not any("Anna" in s or "Jesper" in s for s in f.suggestions)


def test_an_object_pronoun_is_no_clause_subject(nlp):
    """"... og gav hende den": the clause after "og" has no subject of its own; it is the learning story's
    child ("du"), not the girl given the feather."""
    text = ("Kære Gustav\n\nI dag legede du med Lea ved bålet. Du fandt en fin fjer og gav hende den og sagde, "
            "at hun kunne bruge den som tryllestav.")
    doc = _doc(nlp, text)
    start = text.index("gav hende")
    _local, about = doc._.subjects.for_finding(start, start + len("gav hende"))
    assert about.name == "Gustav"


def test_a_pronoun_skips_an_unnamed_child_of_the_other_gender(nlp):
    text = ("Taras byggede en bro af klodser. Storesøsteren er startet i skole, og mor henter dem begge. "
            "Jeg tænker, at legen var en god vej ind for ham.")
    doc = _doc(nlp, text)
    start = text.index("ham.")
    _local, about = doc._.subjects.for_finding(start, start + 3)
    assert about.name == "Taras"
