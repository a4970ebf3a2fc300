"""Sentence segmentation on real layouts: a table of texts and the sentences they must give."""

from __future__ import annotations

import pytest

from narrativ_nlp.framing.segment import segment_rules, sentence_starts
from tests.framing._segmenting import segment_sentences, seg_nlp  # noqa: F401  (seg_nlp: a fixture)




LAYOUTS = [
    ("heading + blank line + paragraph",
     "Observation 3. marts\n\nAli legede med klodser. Han byggede et tårn.",
     ["Observation 3. marts", "Ali legede med klodser.", "Han byggede et tårn."]),
    ("heading + single line break",
     "Tur til skoven\nVi gik med seks børn. Emma fandt en snegl.",
     ["Tur til skoven", "Vi gik med seks børn.", "Emma fandt en snegl."]),
    ("bullet list after a colon",
     "Dagens aktiviteter:\n- Vi gik i skoven\n- Vi spiste frokost\n• Emma fandt en snegl",
     ["Dagens aktiviteter:", "- Vi gik i skoven", "- Vi spiste frokost", "• Emma fandt en snegl"]),
    ("numbered and lettered list",
     "Aftaler\n1. Ali øver sig i at vente\n2) Emma hjælper ved bordet\na) tirsdag",
     ["Aftaler", "1. Ali øver sig i at vente", "2) Emma hjælper ved bordet", "a) tirsdag"]),
    ("dialogue: question and a reporting verb",
     '"Må jeg være med?" spurgte Ali. Hun sagde nej.',
     ['"Må jeg være med?" spurgte Ali.', "Hun sagde nej."]),
    ("dialogue: quote after a colon, then a new sentence",
     'Ali spurgte: "Må jeg være med?" Så gik han hen til gyngerne.',
     ['Ali spurgte: "Må jeg være med?"', "Så gik han hen til gyngerne."]),
    ("dialogue: full stop inside a quote that goes on",
     '"Nej. Jeg vil ikke," sagde han. Så gik han.',
     ['"Nej. Jeg vil ikke," sagde han.', "Så gik han."]),
    ("Danish guillemets and low quotes",
     "»Nej!« råbte Bo. „Hej“ sagde Liva.",
     ["»Nej!« råbte Bo.", "„Hej“ sagde Liva."]),
    ("abbreviations inside a sentence",
     "Bl.a. Ali og f.eks. Emma kom kl. 8 med ca. 3 poser, dvs. alle. Det var godt.",
     ["Bl.a. Ali og f.eks. Emma kom kl. 8 med ca. 3 poser, dvs. alle.", "Det var godt."]),
    ("osv. before a lower-case and before a capital word",
     "Vi leger med biler, klodser osv. og spiser bagefter. Vi har biler osv. Han kom bagefter.",
     ["Vi leger med biler, klodser osv. og spiser bagefter.", "Vi har biler osv.", "Han kom bagefter."]),
    ("ordinal and minutes",
     "Han starter i 0. klasse. Hun sov i 5 min. før hun vågnede.",
     ["Han starter i 0. klasse.", "Hun sov i 5 min. før hun vågnede."]),
    (") Han after a full stop inside the brackets",
     "(Han var glad.) Han gik hjem. Yusuf (2 år og 9 mdr.) Tilde og jeg legede.",
     ["(Han var glad.)", "Han gik hjem.", "Yusuf (2 år og 9 mdr.) Tilde og jeg legede."]),
    ("emoji between sentences",
     "Vi havde en god dag 😊 Ali legede hele dagen 🎉🎉 Tak for i dag!",
     ["Vi havde en god dag 😊", "Ali legede hele dagen 🎉🎉", "Tak for i dag!"]),
    ("CRLF line ends",
     "Ali legede.\r\n\r\nHan grinede.\r\nOverskrift\r\nMere tekst her.",
     ["Ali legede.", "Han grinede.", "Overskrift", "Mere tekst her."]),
    ("a text that is only a CPR line", "120318-1234", ["120318-1234"]),
    ("a phone line with kl.", "Mor ringede fra 20 45 67 89 kl. 12.", ["Mor ringede fra 20 45 67 89 kl. 12."]),
    ("a soft line wrap inside a sentence",
     "Ali legede med\nklodserne i dag.", ["Ali legede med\nklodserne i dag."]),
    ("a short label before a colon",
     "Til stuemødet: Vi taler om, hvad der hjælper. Barn: Mykola K., 3 år",
     ["Til stuemødet:", "Vi taler om, hvad der hjælper.", "Barn: Mykola K., 3 år"]),
    ("greeting without a comma", "Hej Nete Kalle var glad i dag.", ["Hej Nete", "Kalle var glad i dag."]),
    ("greeting without a comma, a Danish word opens the sentence",
     "Kære Morten Da Wilhelm startede, var han stille.", ["Kære Morten", "Da Wilhelm startede, var han stille."]),
    ("greeting with a comma stays one sentence",
     "hej Pia, Lucas har fået en tand.", ["hej Pia, Lucas har fået en tand."]),
    ("emoji bullets and an emoji after the last sentence",
     "Ugen der gik\n✔️ Vi har sunget.\n✔️ Flere børn går med. Tak for i år! ☀️\nKh. Lise",
     ["Ugen der gik", "✔️ Vi har sunget.", "✔️ Flere børn går med.", "Tak for i år! ☀️", "Kh. Lise"]),
    ("a signature after a slash stays on its line", "Husk tøj. Tak! /Bamserne", ["Husk tøj.", "Tak! /Bamserne"]),
    ("a run-on line: a capitalised opener after a lower-case word starts a sentence",
     "Tur til stranden med 6 børn nora vil ikke gå med Hun sætter sig ned På stranden byggede vi en borg",
     ["Tur til stranden med 6 børn nora vil ikke gå med", "Hun sætter sig ned", "På stranden byggede vi en borg"]),
    ("a run-on line: a capitalised name or I is no opener",
     "vi legede med Ida og Noah hele dagen kan I hente kl 15",
     ["vi legede med Ida og Noah hele dagen kan I hente kl 15"]),
    ("signature after a blank line",
     "Hun byggede en hule.\n\nHilsen\nLone", ["Hun byggede en hule.", "Hilsen", "Lone"]),
]


@pytest.mark.parametrize("layout,text,expected", LAYOUTS, ids=[row[0] for row in LAYOUTS])
def test_segmentation_layouts(seg_nlp, layout, text, expected):
    assert segment_sentences(seg_nlp, text) == expected


@pytest.mark.parametrize("text", [
    "  \n\nAli legede.\n\nHan grinede.\n",
    "Overskrift\n\n\n- punkt et\n\n- punkt to\n",
    "Ali kom. \n Emma kom.",
])
def test_no_sentence_starts_with_white_space(seg_nlp, text):
    doc = seg_nlp(text)
    sents = list(doc.sents)
    for s in sents[1:]:
        assert not s.text[:1].isspace(), repr(s.text)
    # nothing is lost: the sentences cover the whole text
    assert "".join(s.text_with_ws for s in sents) == text


def test_long_sentence_is_split_as_last_resort(seg_nlp):
    part = "Ali byggede et højt tårn af klodser sammen med to andre børn ved bordet i hjørnet"
    text = f"{part}, {part}; {part}, men {part}, og {part} og {part} og {part}."
    assert len(text) > segment_rules().max_sentence_chars
    sents = segment_sentences(seg_nlp, text)
    assert len(sents) >= 2
    assert all(len(s) <= segment_rules().max_sentence_chars for s in sents)
    assert sents[1].startswith("Ali") or sents[1].startswith("men")


def test_sentence_starts_on_an_empty_doc(seg_nlp):
    assert sentence_starts(seg_nlp.make_doc("")) == []


def test_pipeline_uses_the_segmenter(nlp):
    assert "narrativ_segmenter" in nlp.pipe_names
    doc = nlp("Observation 3. marts\n\nAli legede med klodser osv. Han byggede et tårn.")
    assert [s.text.strip() for s in doc.sents] == ["Observation 3. marts", "Ali legede med klodser osv.", "Han byggede et tårn."]
