"""A leader's own themes: defined with examples, tagged at once, explained, exported in the codebook."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.themes.codebook import ThemeCodebook
from narrativ_nlp.themes.features import texts_to_lemmas
from narrativ_nlp.themes.qdc import code_guid, codebook_qdc, export_qdc
from narrativ_nlp.themes.user_themes import UserTheme, tag_user_themes

BAAL = UserTheme("baal", "Bål og madlavning ude", "Når vi laver mad over bål i skoven.", (
    "Vi tændte bål ved shelteret og bagte snobrød.",
    "Børnene samlede pinde til bålet og ventede på, at gløderne blev røde.",
    "Vi lavede suppe i den sorte gryde over bålet.",
    "bål",
    "snobrød",
))
NARRATIVES = [
    "I dag tændte vi bål i skoven. Karla hjalp med at samle tørre pinde, og bagefter bagte vi snobrød over gløderne. "
    "Hun holdt selv pinden og drejede den langsomt.",
    "Ved frokosten spildte Oliver mælk på bordet. Han hentede selv en klud og tørrede op, mens han nynnede.",
    "Emil og Noor byggede en hule af puder i puderummet og legede, at de var bjørne, der sov vintersøvn.",
]


def test_user_theme_tags_the_narrative_about_it_with_its_words(nlp):
    lemmas = texts_to_lemmas(NARRATIVES, nlp)
    tags = tag_user_themes(lemmas, [BAAL], lemmas=True)
    assert [bool(t) for t in tags] == [True, False, False]
    words = tags[0][0].words
    assert {"bål", "snobrød"} <= set(words)
    assert "Karla" not in words and "karla" not in words
    assert tags == tag_user_themes(lemmas, [BAAL], lemmas=True)  # deterministic


def test_user_theme_from_raw_texts(nlp):
    tags = tag_user_themes(NARRATIVES[:2], [BAAL])
    assert tags[0] and tags[0][0].theme == "baal" and not tags[1]


@pytest.mark.parametrize("kwargs, code", [
    (dict(id="Bål", label="Bål", examples=("bål",)), "E110"),
    (dict(id="baal", label=" ", examples=("bål",)), "E111"),
    (dict(id="baal", label="Bål", examples=()), "E112"),
])
def test_bad_user_themes_get_danish_messages(kwargs, code):
    with pytest.raises(NarrativError) as err:
        UserTheme(**kwargs)
    assert err.value.code == code and "Temaet" in str(err.value)


def test_two_themes_with_one_id_are_refused():
    with pytest.raises(NarrativError) as err:
        tag_user_themes(["bål"], [BAAL, BAAL], lemmas=True)
    assert err.value.code == "E113"


def test_qdc_holds_codebook_user_themes_curriculum_and_the_applied_set(tmp_path):
    selection = [["play", "baal"], ["play", "nature"], ["language"]]
    path = export_qdc(tmp_path / "kodebog.qdc", ThemeCodebook.default(), [BAAL], selection)
    root = ET.fromstring(path.read_text(encoding="utf-8"))
    ns = {"q": "urn:QDA-XML:codebook:1.0"}
    groups = root.findall("q:Codes/q:Code", ns)
    assert [g.get("name") for g in groups] == ["Situationstemaer", "Egne temaer", "Læreplanstemaer"]
    assert all(g.get("isCodable") == "false" for g in groups)
    user = groups[1].findall("q:Code", ns)
    assert user[0].get("name") == "Bål og madlavning ude" and "snobrød" in user[0].find("q:Description", ns).text
    members = [m.get("guidTargetRef") for m in root.findall("q:Sets/q:Set/q:MemberCode", ns)]
    assert members == [code_guid(t) for t in ("play", "language", "baal", "nature")]
    desc = root.find("q:Sets/q:Set/q:Description", ns).text
    assert "3 narrativer" in desc and "Leg: 2" in desc
    # the same code keeps its GUID as in the plain codebook export
    assert code_guid("play") in ThemeCodebook.default().to_qdc()


def test_qdc_without_selection_has_no_set():
    root = ET.fromstring(codebook_qdc(user_themes=[BAAL]))
    assert root.find("{urn:QDA-XML:codebook:1.0}Sets") is None


def test_store_user_themes_are_accepted(nlp):
    from narrativ_nlp.store import UserTheme as StoredTheme

    stored = StoredTheme("baal", BAAL.label, BAAL.description, list(BAAL.examples), "2026-12-07", "2026-12-07")
    lemmas = texts_to_lemmas(NARRATIVES, nlp)
    assert tag_user_themes(lemmas, [stored], lemmas=True) == tag_user_themes(lemmas, [BAAL], lemmas=True)
    assert "Bål og madlavning ude" in codebook_qdc(user_themes=[stored])
