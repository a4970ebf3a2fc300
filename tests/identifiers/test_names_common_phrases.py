"""Issue 14, names on real writing (second round): capitalised common words that are no persons.

Each class found on a second private check of real published texts is tested here on invented,
realistic Danish sentences: organisation and document names made of ordinary words, headings,
definite nouns naming things, holidays and diseases, family words and interjections, colour rooms,
quoted group names, unknown villages in an institution's name. Beside each, the same position
holding a real name, which must stay pre-selected; and the leak class: a name drawn out when
called ("AUGUUUST!").
"""

from __future__ import annotations

import pytest

from narrativ_nlp.anonymise import detect


@pytest.fixture(scope="module", autouse=True)
def nlp():
    from narrativ_nlp.pipeline import load_pipeline

    return load_pipeline()


def names(text: str) -> list[str]:
    """Surfaces of the pre-selected PERSON spans."""
    return [text[s.start : s.end] for s in detect(text).spans if s.label == "PERSON"]


def suggested(text: str) -> list[str]:
    return [text[s.start : s.end] for s in detect(text).suggestions if s.label == "PERSON"]


def labelled(text: str, label: str) -> list[str]:
    return [text[s.start : s.end] for s in detect(text).suggestions + detect(text).spans if s.label == label]


# --- names of organisations, documents and titles made of ordinary words --------------------------


@pytest.mark.parametrize("text, word", [
    ("Om lørdagen kom Hvidbjerg Frivillige Brandværn forbi med en stor brandbil.", "Frivillige"),
    ("Vi arbejder ud fra Den styrkede Pædagogiske Læreplan i alle grupper.", "Læreplan"),
    ("Skoven ejes af Stiftelsen Sorø Akademi, og vi må gerne bruge den hver dag.", "Akademi"),
])
def test_organisation_made_of_ordinary_words_is_no_person(text, word):
    assert not any(word in n for n in names(text)), names(text)


def test_full_name_beside_ordinary_capitalised_words_stays_found():
    text = "Pædagog Lone Fjelsted Hansen fortalte om Den Gode Overgang til forældrene."
    assert any("Lone" in n and "Hansen" in n for n in names(text)), names(text)


def test_sentence_start_does_not_make_a_run_with_a_word_name():
    # "Kom" opens the sentence; "Spurven" after it is the child's nickname and stays found
    text = "Drengene legede fangeleg. Kom Spurven, vi skal ind og spise! Spurven grinede og løb."
    assert "Spurven" in names(text), names(text)


# --- headings ---------------------------------------------------------------------------------------


def test_ordinary_word_in_heading_is_no_person():
    text = ("Kære alle\n\nTidlig SFO\n\nPå tirsdag siger vi velkommen til de nye børn.\n\n"
            "I forbindelse med Tidlig SFO, vil Line også være her.")
    found = names(text)
    assert "Tidlig" not in found and "Line" in found, found


def test_name_in_heading_stays_found():
    text = "Nyt fra huset\n\nVelkommen til Storm\n\nPå mandag starter Storm i vuggestuen."
    assert names(text).count("Storm") == 2, names(text)


# --- definite nouns naming things -----------------------------------------------------------------


def test_definite_noun_naming_a_place_is_no_person():
    text = "De store børn fortalte, hvad de huskede fra deres tid i klubben, da de gik ud af Caféen."
    found = names(text)
    assert "Caféen" not in found, found


def test_name_after_preposition_stays_found():
    text = "De store børn spurgte, om de måtte lege med Karen og Mathilde i sandkassen."
    assert {"Karen", "Mathilde"} <= set(names(text)), names(text)


# --- holidays and diseases ---------------------------------------------------------------------------


def test_holiday_and_disease_are_no_persons():
    text = ("Torsdag er det Kristi Himmelfartsdag, og vi holder lukket. Sidste år blev festen aflyst pga. "
            "Corona, men i år synger vi Luciasang igen.")
    found = names(text)
    assert not any(w in n for n in found for w in ("Kristi", "Corona", "Luciasang")), found


def test_child_called_kristi_stays_found():
    text = "Kristi og Malou byggede en hule under bordet i dag."
    assert "Kristi" in names(text), names(text)


# --- family words and interjections --------------------------------------------------------------


def test_family_words_and_interjections_are_no_persons():
    text = "Det varmer Mors hjerte, når han leger. ”Ja, det var sjovt”, sagde han. Knus fra Mama"
    found = names(text)
    assert not {"Mors", "Ja", "Mama"} & set(found), found


def test_abbreviation_omg_is_no_initials():
    text = "I morgen starter hun i dagpleje. OMG! Jeg ved ikke, om jeg kan holde det ud."
    assert "OMG" not in names(text), names(text)


# --- rooms named by colours -------------------------------------------------------------------------


def test_colour_rooms_are_rooms_not_persons():
    text = "Børn fra Gul Stue kan besøge Grøn og Blå Stue og spise madpakker der. RØD stue er for de yngste."
    found = names(text)
    assert not any(w in n for n in found for w in ("Gul", "Grøn", "RØD")), found


def test_child_named_gul_stays_found():
    text = "Gul sad på skødet og sang med på alle sangene i dag."
    assert "Gul" in names(text), names(text)


# --- quoted group names, villages in an institution's name -----------------------------------------


def test_quoted_group_name_with_plural_ending_is_no_person():
    text = "Det var en stor dag for børnehavens ældste, “Maxi knud’terne”, som holdt afslutning."
    assert not any("Maxi" in n or "knud" in n for n in names(text)), names(text)


def test_unknown_village_before_institution_noun_is_no_person():
    text = "Velkommen til Hjortså børnehus. Vi er en lille institution tæt på skoven."
    assert "Hjortså" not in names(text), names(text)


def test_possessive_name_before_institution_noun_stays_found():
    text = "Vi besøgte Idas børnehave i går, og Ida viste os rundt."
    assert "Idas" in names(text), names(text)


# --- a name drawn out when called (recall) -----------------------------------------------------------


def test_name_drawn_out_when_shouted_is_found():
    text = 'Ind kommer Viggo. Henne ved døren står Sigurd. "VIGGOOOOO!!" "SIGUUUUURD!" Så giver de hinanden et kram.'
    found = names(text)
    assert "VIGGOOOOO" in found and "SIGUUUUURD" in found, found


def test_drawn_out_word_without_name_is_no_person():
    text = "Vi råbte NEEEEJ og JAAAA og grinede hele vejen hjem fra skoven."
    assert names(text) == [], names(text)


# --- menu lines, villages that look like a genitive, English words ----------------------------------


def test_menu_line_of_named_things_is_no_person_and_its_words_elsewhere_neither():
    text = ("Forside Børnesyn Legeskibet Tømmerflåden\n\nI denne måned har Asta skrevet et indlæg under "
            "overskriften Børnesyn, om at gå i klub.")
    found = names(text)
    assert "Asta" in found and not any("Børnesyn" in n for n in found), found


def test_village_like_a_genitive_after_i_before_a_verb_is_no_person():
    text = "I Frederiks er der otte dagplejere, og de mødtes ved kirken med børnene."
    assert "Frederiks" not in names(text), names(text)


def test_genitive_of_a_name_before_a_noun_stays_found():
    text = "Vi legede i Frederiks have hele eftermiddagen, og Frederik viste os sine høns."
    found = names(text)
    assert "Frederiks" in found and "Frederik" in found, found


def test_english_words_in_a_programme_name_are_no_persons():
    text = "Hun underviser på den nye uddannelse Design for Play og besøgte os i marts med Noor."
    found = names(text)
    assert "Noor" in found and "Design" not in found and "Play" not in found, found
