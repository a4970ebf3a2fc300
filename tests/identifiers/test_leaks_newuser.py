"""Leaks and split pseudonyms a new user found (issues #14, #16), each with invented Danish text.

* a given name with the initial of the surname after the full name ("Sofie Lund" … "/Sofie L."):
  one span, and the same pseudonym as the full name, within a text and across a batch;
* initials in parentheses inside a name ("Jens-Peter (J.P.) Krogh");
* a given name written in lower case beside a found name ("august og Emil");
* one person, one pseudonym over a row's text and its author field, and a story character does not
  make a given name ambiguous;
* an address keeps the sentence's full stop out of its span.
"""

from __future__ import annotations

import csv
import sqlite3
from contextlib import closing

from narrativ_nlp.anonymise import detect
from narrativ_nlp.identifiers.pseudonymise import Pseudonymiser, person_key
from narrativ_nlp.identifiers.types import IdentifierSpan
from narrativ_nlp.store import NarrativeStore
from narrativ_nlp.workflows import ImportRequest, SaveRequest, import_files, save_reviewed
from narrativ_nlp.workflows.files import FilesRequest, anonymise_files


def _surfaces(text: str, spans) -> list[str]:
    return [text[s.start:s.end] for s in spans]


def _anonymised(text: str, mode: str = "placeholder") -> str:
    return Pseudonymiser(mode=mode).apply(text, detect(text).spans).text


# ---------------------------------------------------------------- 1. "Sofie L." after "Sofie Lund"

SIGNED = "Pædagog Sofie Lund hjalp Emil med at lyne jakken.\n\n/Sofie L."


def test_given_name_and_initial_is_one_span(nlp):
    spans = _surfaces(SIGNED, detect(SIGNED).spans)
    assert "Sofie L." in spans
    assert "Sofie" not in spans


def test_given_name_and_initial_gets_the_full_names_pseudonym(nlp):
    out = _anonymised(SIGNED)
    assert out == "Pædagog [Person 1] hjalp [Person 2] med at lyne jakken.\n\n/[Person 1]"
    surrogate = _anonymised(SIGNED, "surrogate")
    assert "Sofie" not in surrogate and " L." not in surrogate
    full = surrogate.split("Pædagog ")[1].split(" hjalp")[0]  # "Nadiya Skov" → "/Nadiya S."
    first, last = full.split()
    assert surrogate.endswith(f"/{first} {last[0]}.")


def test_initial_links_only_to_the_full_name_it_fits():
    text = "Sofie Lund og Sofie Berg legede. Sofie B. hentede dem."
    spans = [IdentifierSpan(0, 10, "PERSON", "ner", 0.9), IdentifierSpan(14, 24, "PERSON", "ner", 0.9),
             IdentifierSpan(33, 41, "PERSON", "ner", 0.9)]
    out = Pseudonymiser().apply(text, spans).text
    assert out == "[Person 1] og [Person 2] legede. [Person 2] hentede dem."
    keys = person_key(text, spans)
    assert keys[(33, 41)] == keys[(14, 24)] == "sofie berg"


def test_initial_alone_keeps_a_pseudonym_of_its_own():
    text = "Sofie Lund kom. Sofie K. gik."
    spans = [IdentifierSpan(0, 10, "PERSON", "ner", 0.9), IdentifierSpan(16, 24, "PERSON", "ner", 0.9)]
    assert Pseudonymiser().apply(text, spans).text == "[Person 1] kom. [Person 2] gik."


# ---------------------------------------------------------------- 2. initials in parentheses


def test_initials_in_parentheses_inside_a_name(nlp):
    text = "I dag hentede Jens-Peter (J.P.) Krogh sin søn. Jens-Peter Krogh var glad."
    out = _anonymised(text)
    assert "J.P." not in out and "(" not in out
    assert out == "I dag hentede [Person 1] sin søn. [Person 1] var glad."


# ---------------------------------------------------------------- 3. a lower-case name beside a name


def test_lower_case_name_joined_to_a_name_is_replaced(nlp):
    for text, name in [("I dag gik august og Emil forrest på turen.", "august"),
                       ("Emil og august byggede en hule i puderummet.", "august"),
                       ("Sofie, storm og Ahmed malede med vandfarver.", "storm")]:
        detection = detect(text)
        assert name in _surfaces(text, detection.spans), text
        assert name not in _anonymised(text).split()


def test_month_or_word_beside_a_name_stays(nlp):
    for text, word in [("Emil fylder år i august og glæder sig.", "august"),
                       ("Emil fik en sten og en pind af Sofie.", "sten"),
                       ("Emil og vi andre gik i skoven.", "vi")]:
        assert word not in _surfaces(text, detect(text).spans), text


# ---------------------------------------------------------------- 4. one person, one pseudonym


def test_import_links_author_and_text(tmp_path, nlp):
    src = tmp_path / "noter.csv"
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["tekst", "forfatter"])
        w.writerow(["Maja satte sig ved Emil og læste en bog højt for ham.", "Maja Holm"])
    db = tmp_path / "n.sqlite3"
    import_files(ImportRequest([src], group="Stue Myretuen"), db)
    with closing(NarrativeStore(db)) as store:
        [n] = list(store.narratives())
    with closing(sqlite3.connect(db)) as con:
        author = con.execute("SELECT author FROM narratives").fetchone()[0]
    assert "Maja" not in n.text and "Maja" not in author
    assert n.text.startswith(author + " satte sig")


def test_save_links_author_and_text(tmp_path, nlp):
    text = "Maja satte sig ved Emil og læste en bog højt for ham."
    spans = detect(text).spans
    result = save_reviewed(SaveRequest(text, spans, detected=spans, group="Stue Myretuen", author="Maja Holm"),
                           tmp_path / "n.sqlite3")
    with closing(sqlite3.connect(tmp_path / "n.sqlite3")) as con:
        author = con.execute("SELECT author FROM narratives").fetchone()[0]
    assert result.anonymised_text.startswith(author + " satte sig")
    assert result.replaced["PERSON"] == 3


def _batch(tmp_path, texts: list[str], mode: str = "placeholder") -> list[str]:
    inputs = []
    for i, t in enumerate(texts):
        p = tmp_path / f"notat{i + 1}.txt"
        p.write_text(t, encoding="utf-8")
        inputs.append(p)
    result = anonymise_files(FilesRequest(inputs=inputs, out=tmp_path / "ud", mode=mode))
    return [p.read_text(encoding="utf-8") for p in result.written]


def test_story_character_does_not_split_a_given_name_in_a_batch(tmp_path, nlp):
    out = _batch(tmp_path, ["Vi læste om Rasmus Klump og hans venner i læsehjørnet.",
                            "Rasmus Nørgaard kom ind på stuen. Rasmus hængte selv sin jakke op."])
    assert "Rasmus Klump" in out[0]
    assert out[1] == "[Person 1] kom ind på stuen. [Person 1] hængte selv sin jakke op."


def test_given_name_and_initial_in_another_file_of_a_batch(tmp_path, nlp):
    out = _batch(tmp_path, ["Pædagog Sofie Lund hjalp Emil med at lyne jakken.",
                            "Emil vinkede farvel.\n\n/Sofie L."])
    assert out[0].startswith("Pædagog [Person 1] hjalp [Person 2]")
    assert out[1] == "[Person 2] vinkede farvel.\n\n/[Person 1]"


def test_apply_many_links_over_pieces():
    text, author = "Maja læste højt.", "Maja Holm"
    pseudo = Pseudonymiser()
    got = pseudo.apply_many([(text, [IdentifierSpan(0, 4, "PERSON", "ner", 0.9)]),
                             (author, [IdentifierSpan(0, 9, "PERSON", "ner", 0.9)])])
    assert [r.text for r in got] == ["[Person 1] læste højt.", "[Person 1]"]


# ---------------------------------------------------------------- 5. an address and the full stop


def test_address_keeps_the_full_stop_out(nlp):
    for text, expected in [
            ("Familien bor på Rosenvej 12, 5000 Odense C.", "Familien bor på [Adresse 1]."),
            ("Familien bor på Rosenvej 12 A. Mor henter.", "Familien bor på [Adresse 1]. Mor henter."),
            ("Familien bor på Rosenvej 12, 2. Mor henter.", "Familien bor på [Adresse 1]. Mor henter."),
            ("Familien bor på Rosenvej 12, 2. sal.", "Familien bor på [Adresse 1]."),
            ("Familien bor på Rosenvej 12.", "Familien bor på [Adresse 1].")]:
        assert _anonymised(text) == expected, text


def test_address_abbreviation_keeps_its_stop(nlp):
    text = "Familien bor på Rosenvej 12, st. th."
    assert _surfaces(text, detect(text).spans) == ["Rosenvej 12, st. th."]


def test_signature_with_a_slash_keeps_the_slash_and_the_pseudonym():
    """A signature "/Sofie L." (the model takes "/Sofie" as one token) is the same person as
    "Sofie Lund", and the slash stays in the text."""
    from narrativ_nlp.anonymise import anonymise_text, detect

    text = ("I dag gik august og Emil forrest.\n\nPædagog Sofie Lund hjalp Emil. Jens-Peter (J.P.) Krogh kom kl. 14.\n"
            "Familien bor på Rosenvej 12, 5000 Odense C.\n\n/Sofie L.\n")
    spans = [text[s.start:s.end] for s in detect(text).spans]
    assert "Sofie L." in spans and "/Sofie L." not in spans
    out = anonymise_text(text)
    out = getattr(out, "text", out)
    assert "Sofie" not in out and " L." not in out
    full = out.split("Pædagog ")[1].split(" hjalp")[0]
    assert out.rstrip().endswith("/" + full)


def test_a_full_name_holding_a_character_word_stays_preselected_in_a_batch(tmp_path):
    """"Frost" is a film (a guarded story character), "Sigurd Frost" a person: in a batch of files the
    full name was downgraded to an unticked suggestion and left in the output."""
    from narrativ_nlp.workflows import FilesRequest, anonymise_files

    inp, out = tmp_path / "ind", tmp_path / "ud"
    inp.mkdir()
    (inp / "a.txt").write_text("Sigurd Frost", encoding="utf-8")
    (inp / "b.txt").write_text("I dag så Ida filmen Frost med Sigurd Frost og de andre.", encoding="utf-8")
    anonymise_files(FilesRequest(inputs=[inp / "a.txt", inp / "b.txt"], out=out))
    for name in ("a.txt", "b.txt"):
        got = (out / name).read_text(encoding="utf-8")
        assert "Sigurd" not in got, got
