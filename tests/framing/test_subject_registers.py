"""Who the sentence is about in real registers (issue #15, item 3): note lines that open with their
verb, a pronoun before a name, "du" in a learning story, an adult of the same gender continuing a
chain, signatures of several staff, and suggestions that say "barnet" rather than a wrong name.
Every text is invented."""

from __future__ import annotations

import pytest

from narrativ_nlp.framing.analysis import analyse


def _doc(nlp, text):
    return nlp(text, component_cfg={"narrativ_identifiers": {"names_only": True}})


def _about(nlp, text):
    """[(sentence text, subject surface or None, reason)] for each sentence."""
    doc = _doc(nlp, text)
    return [(text[s:e].strip(), None if span is None else span.text, reason) for s, e, span, reason in doc._.sentence_subjects]


def _sentence(about, starts):
    return next(x for x in about if x[0].startswith(starts))


def _kinds(nlp, text):
    doc = _doc(nlp, text)
    return {doc[m.tok : m.end].text: m.kind for m in doc._.subjects.mentions if m.span is not None}


# ---------------------------------------------------------------- note lines that open with their verb
@pytest.mark.parametrize("text, starts", [
    ("Note 12/3\nVille ikke spise. Slog Ali med en skovl. Blev trøstet af en voksen.", "Slog Ali"),
    ("Mandag: Hugo græd ved aflevering. Tirsdag: Legede med Otto hele formiddagen.", "Tirsdag"),
    ("Bider ofte Sigrid i armen, når der er trængsel ved døren.", "Bider"),
])
def test_the_child_a_note_line_hits_or_plays_with_is_not_its_subject(nlp, text, starts):
    """"Slog Ali": Ali is hit, the note is about the unnamed child (or the note's child, Hugo)."""
    _s, surface, _reason = _sentence(_about(nlp, text), starts)
    assert surface not in ("Ali", "Otto", "Sigrid")


def test_note_line_verb_first_is_about_the_notes_child(nlp):
    about = _about(nlp, "Malik kom kl. 8 med far. Slår altid de andre, når han ikke får sin vilje.")
    assert _sentence(about, "Slår")[1] == "Malik"


def test_verb_first_question_keeps_its_subject(nlp):
    # a pronoun right after the opening verb is its subject: "Kommer han ..." is no note line
    about = _about(nlp, "Otto var syg i går. Kommer han mon i morgen?")
    assert _sentence(about, "Kommer")[1:] == ("Otto", "pronoun")


# ---------------------------------------------------------------- a pronoun before a name
def test_pronoun_does_not_point_forward_to_a_name_in_a_later_clause(nlp):
    """"Han hører aldrig efter, når Susanne siger ...": Susanne is the adult speaking, not "han"."""
    text = "Han hører aldrig efter, når Susanne siger, at vi skal rydde op. Oskar er tre år."
    assert _about(nlp, text)[0][1] != "Susanne"
    a = analyse(text, nlp=nlp, more=True)
    for f in a.findings + a.hidden_findings:
        assert f.subject_text != "Susanne"
        assert not any("Susanne" in s for s in f.suggestions)


def test_pronoun_in_a_leading_clause_still_points_to_the_main_clause_child(nlp):
    assert _about(nlp, "Da han kom ind, løb Adam hen til bordet.")[0][1:] == ("Adam", "name")
    doc = _doc(nlp, "Da han kom ind, løb Adam hen til bordet.")
    local, _ = doc._.subjects.for_finding(3, 6)  # "han"
    assert (local.name, local.reason) == ("Adam", "pronoun")


def test_pronoun_of_unknown_reference_is_not_the_other_child_named(nlp):
    text = "Han bliver altid vred, når Karla tager hans bil."
    a = analyse(text, nlp=nlp, more=True)
    found = [f for f in a.findings + a.hidden_findings if f.kind == "deficit"]
    assert found and all(f.subject_text != "Karla" for f in found)
    assert all("Karla" not in s for f in found for s in f.suggestions)


# ---------------------------------------------------------------- an adult continuing a chain
def test_she_after_mother_speaks_about_a_boy_is_the_mother(nlp):
    about = _about(nlp, "Aksel er 4 år. Mor fortæller, at han sover dårligt. Hun er bekymret.")
    assert _sentence(about, "Hun er")[1] is None
    assert _sentence(about, "Mor fortæller")[1] == "Aksel"


def test_he_after_mother_speaks_about_a_boy_is_the_boy(nlp):
    about = _about(nlp, "Aksel er 4 år. Mor fortæller, at han sover dårligt. Han er ofte træt.")
    assert _sentence(about, "Han er")[1:] == ("Aksel", "pronoun")


# ---------------------------------------------------------------- learning stories speak to the child
@pytest.mark.parametrize("text", [
    "Læringshistorie om Carl\nDu byggede et tårn af klodser i dag. Du var meget koncentreret.",
    "Carls læringshistorie\nHej Carl! I dag så jeg dig bygge et stort tårn. Du var så stolt.",
])
def test_du_in_a_learning_story_is_its_child(nlp, text):
    about = _about(nlp, text)
    assert about[-1][1] in ("Carl", "Carls")
    assert about[-1][2] in ("name", "possessive", "focal")
    a = analyse(text, nlp=nlp, more=True)
    assert [f for f in a.findings + a.hidden_findings if f.kind == "resource"]
    assert all(f.subject_text == "Carl" for f in a.findings + a.hidden_findings)


def test_du_in_a_forum_reply_is_still_an_adult(nlp):
    # no learning-story cue and no greeting to the child: "du" is the parent asking
    about = _about(nlp, "Svar fra Lotte:\nDu er ikke alene. Min søn var præcis sådan, og han blev tryg med tiden.")
    assert _sentence(about, "Du er")[2] == "writer"


# ---------------------------------------------------------------- signatures and group letters
def test_several_staff_signing_are_adults(nlp):
    text = ("Kære forældre på Bæverstuen\nNoah og Freja lavede en stor sol sammen. "
            "Husk madpakke fredag.\nMange hilsner\nTrine og Jonas")
    kinds = _kinds(nlp, text)
    assert kinds["Trine"] == "adult" and kinds["Jonas"] == "adult" and kinds["Noah"] == "child"


def test_suggestion_never_names_the_signing_staff(nlp):
    text = "Hej alle\nBørnene har været så glade for vandlegen i dag.\nDe bedste hilsner\nSanne og Birgit"
    a = analyse(text, nlp=nlp, more=True)
    for f in a.findings + a.hidden_findings:
        assert f.subject_text not in ("Sanne", "Birgit")


# ---------------------------------------------------------------- a name in apposition, the name as written
def test_name_in_apposition_to_an_object_is_not_the_subject(nlp):
    """"Sammen med sin veninde Clara griner hun": Clara is with her, "hun" is the subject."""
    about = _about(nlp, "Ingrid er fire år. Sammen med sin veninde Clara griner og leger hun i dukkekrogen.")
    assert about[1][1:] == ("Ingrid", "pronoun")


def test_suggestion_uses_the_childs_name_as_the_text_uses_it(nlp):
    text = ("Statusbeskrivelse: Nora Abdi, 5 år\n\nNora er glad for at bygge. "
            "Det sker altid i overgangene, at hun bliver ked af det.")
    a = analyse(text, nlp=nlp, more=True)
    named = [f for f in a.findings + a.hidden_findings if f.subject_text]
    assert named and all(f.subject_text == "Nora" for f in named)
    assert not any("Abdi" in s for f in named for s in f.suggestions)


def test_letter_to_all_parents_has_no_focal_child(nlp):
    """A letter to all parents names a child once; its other lines are about the group, not that child."""
    text = ("Hej alle forældre på Mariehønen\nVi har haft en dejlig uge. Alma og Hugo byggede en hule. "
            "Det var så hyggeligt at se. I må gerne huske skiftetøj.")
    about = _about(nlp, text)
    assert _sentence(about, "Alma og Hugo")[1] == "Alma"
    assert _sentence(about, "Det var")[1] is None and _sentence(about, "Vi har")[1] is None
    # a message to one family keeps its child
    about = _about(nlp, "Hej Sanna\nTove har hygget sig i dukkekrogen. Det var så dejligt at se.")
    assert _sentence(about, "Det var")[1] == "Tove"
