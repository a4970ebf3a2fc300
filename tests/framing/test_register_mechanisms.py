"""Mechanisms fixed for real registers (issue #15, frame3), one invented Danish text per case.

Counter-speech (a sentence that argues against deficit phrasing carries none), "det"/"sådan" that
points back at the behaviour of the sentence before, a verdict quoted inside the writer's clause,
a coordinated verb phrase that shares its subject, the staff's own practice with "altid", children
who cannot named inside a relative clause, a capitalised label noun that is a pet's name, and
crying that starts (neither deficit nor resource by itself).
"""

from __future__ import annotations

import pytest

from narrativ_nlp.framing.analysis import analyse
from narrativ_nlp.resources import load_yaml


def _deficit(nlp, text: str, category: str | None = None, source_rule: bool = False):
    return [
        f for f in analyse(text, nlp=nlp).findings
        if f.kind == "deficit" and (category is None or f.category == category)
        and (not source_rule or f.source != "classifier")
    ]


COUNTER = load_yaml("framing_rules.yaml")["counter_speech"]


@pytest.mark.parametrize("text", COUNTER["examples"]["countered"])
def test_counter_speech_carries_no_deficit(nlp, text):
    assert not _deficit(nlp, text)


@pytest.mark.parametrize("text", COUNTER["examples"]["not_countered"])
def test_plain_deficit_phrasing_is_not_counter_speech(nlp, text):
    assert _deficit(nlp, text, source_rule=True)


@pytest.mark.parametrize("text,fires", [
    ("Alma skubbede Noah ved rutsjebanen. Og sådan er det hver eneste dag nu.", True),
    ("Anton bed Freja i armen. Det er sket gang på gang den sidste måned.", True),
    # the sentence before is about the staff: "det" is their routine
    ("Vi spiste frokost i haven. Sådan er det hver dag om sommeren.", False),
    ("Alma legede fint med Noah. Det går godt hver dag nu.", False),
])
def test_det_points_back_at_the_childs_behaviour(nlp, text, fires):
    second = text.index(". ") + 2
    found = [f for f in _deficit(nlp, text, "generalisation") if f.start >= second]
    assert bool(found) is fires


def test_a_verdict_quoted_in_the_writers_clause(nlp):
    text = 'Når vi siger, at "drengene aldrig hører efter", gør vi dem til et problem.'
    assert _deficit(nlp, text, source_rule=True)


def test_a_coordinated_verb_phrase_shares_its_subject(nlp):
    # "aldrig gider lege" is about the pedagogue, not about the son who reports it
    text = "Vores søn siger, at pædagogen Kim altid er sur og aldrig gider lege."
    assert not _deficit(nlp, text, "generalisation")
    a = analyse("Malte og Ibrahim legede brandmænd i en time og grinede hele vejen.", nlp=nlp)
    joy = [f for f in a.findings if f.category == "emotion_positive"]
    assert joy and joy[0].subject_text == "Malte"


@pytest.mark.parametrize("text", [
    "Vi sagde til Emil, at vi altid kunne hente ham tidligere, hvis det ikke gik.",
    "Vi tror på, at børn gør deres bedste, og vi tilstræber altid at møde dem med ro.",
    "• altid rose det, der lykkes.",
])
def test_the_staffs_own_practice_is_not_a_generalisation(nlp, text):
    assert not _deficit(nlp, text, "generalisation")


@pytest.mark.parametrize("text", [
    "Hvert år får vi flere børn, der ikke kan sidde stille i ti minutter.",
    "Mor spurgte til alt det, Sigrid ikke kan endnu, og var bekymret.",
    "Børn i dag kan simpelthen ikke kede sig et øjeblik.",
])
def test_inability_in_relative_clauses_and_objects(nlp, text):
    assert _deficit(nlp, text, "inability")


@pytest.mark.parametrize("text,category", [
    ("Det tager et øjeblik, så har et bidsk barn bidt en kammerat i armen.", "label"),
    ('Ved Bo stod der "voldelig, uforudsigelig" på listen.', "label"),
    ("Vi kan mærke, at nogle børn ikke er vant til at høre et nej hjemmefra.", "blame"),
])
def test_everyday_labels_and_blame_frame3(nlp, text, category):
    assert _deficit(nlp, text, category, source_rule=True)


def test_denied_blame_is_not_blame(nlp):
    assert not _deficit(nlp, "Det er ikke forældrenes skyld, og det er ikke børnenes skyld.", "blame")


def test_a_pet_named_like_a_label_is_no_label(nlp):
    text = "Maja passer stuens marsvin, Bølle, og viser de små, hvordan man holder det."
    assert not _deficit(nlp, text, "label")


def test_crying_that_starts_is_not_development(nlp):
    text = "Oliver byggede en flot hule med Emma og grinede. Da mor kom, begyndte han at græde."
    a = analyse(text, more=True, nlp=nlp)
    second = text.index("Da mor")
    assert not [f for f in a.findings if f.category == "development" and f.start >= second]


@pytest.mark.parametrize("text,name", [
    # the adult (or other child) who does something to "hende"/"ham" is not the "hun"/"han" after it
    ("Josefine græd ved aflevering. Når Birthe tog imod hende, faldt hun til ro efter få minutter.", "Josefine"),
    ("Noah græd. Da Ali gav ham bilen, smilede han.", "Noah"),
])
def test_a_name_with_an_object_pronoun_in_its_clause_is_not_the_later_pronoun(nlp, text, name):
    a = analyse(text, nlp=nlp)
    second = text.index(". ") + 2
    found = [f for f in a.findings if f.kind == "resource" and f.category == "emotion_positive" and f.start >= second]
    assert found and found[0].subject_text == name


HEDGES = load_yaml("framing_rules.yaml")["hedges"]


@pytest.mark.parametrize("text", HEDGES["examples"]["countered"])
def test_a_hedged_worry_is_no_label(nlp, text):
    assert not _deficit(nlp, text, "label") and not _deficit(nlp, text, "interpretation")


@pytest.mark.parametrize("text", HEDGES["examples"]["not_countered"])
def test_the_same_words_stated_are_deficit(nlp, text):
    assert _deficit(nlp, text, source_rule=True)


@pytest.mark.parametrize("text,fires", [
    # "en af (de nye) pædagoger" is the subject's head, an adult: a label on an adult is no finding
    ("En af de nye pædagoger er simpelthen doven.", False),
    ("En af pædagogerne er altid sur om morgenen.", False),
    ("En af drengene er altid sur om morgenen.", True),
])
def test_a_partitive_subject_is_its_head(nlp, text, fires):
    assert bool(_deficit(nlp, text, source_rule=True)) is fires
