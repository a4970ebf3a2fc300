"""Pseudonymiser: placeholder / surrogate / mask, consistent per batch, only the reviewed spans."""

from __future__ import annotations

import os

import pytest

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.identifiers import IdentifierSpan, Pseudonymiser
from narrativ_nlp.identifiers.lexicon import load_lexicon


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def span(text, surface, label="PERSON", occurrence=0):
    """The ``occurrence``-th span of ``surface`` in ``text`` (as a user would tick it)."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(surface, start + 1)
    return IdentifierSpan(start, start + len(surface), label, "user", 1.0)


def spans(text, items):
    return [span(text, *item) if isinstance(item, tuple) else span(text, item) for item in items]


@pytest.mark.parametrize(
    "text, items, expected",
    [
        ("Emma legede.", ["Emma"], "[Person 1] legede."),
        ("CPR 120318-1234.", [("120318-1234", "CPR")], "CPR [CPR]."),
        ("Ring på 20 45 67 89.", [("20 45 67 89", "PHONE")], "Ring på [Telefon]."),
        ("Skriv til mor@example.dk.", [("mor@example.dk", "EMAIL")], "Skriv til [E-mail]."),
        ("Hun bor på Skovvej 12.", [("Skovvej 12", "ADDRESS")], "Hun bor på [Adresse 1]."),
        ("Han går i Børnehuset Mælkebøtten.", [("Børnehuset Mælkebøtten", "INSTITUTION")], "Han går i [Institution 1]."),
    ],
)
def test_placeholder_labels(text, items, expected):
    assert Pseudonymiser(mode="placeholder").apply(text, spans(text, items)).text == expected


def test_placeholders_are_numbered_per_label():
    text = "Emma og Oliver bor på Skovvej 12 og Algade 5; Zeynep går på Vestre Skole og Ida på Bakkeskolen."
    items = ["Emma", "Oliver", ("Skovvej 12", "ADDRESS"), ("Algade 5", "ADDRESS"), "Zeynep",
             ("Vestre Skole", "INSTITUTION"), "Ida", ("Bakkeskolen", "INSTITUTION")]
    result = Pseudonymiser().apply(text, spans(text, items))
    assert result.text == ("[Person 1] og [Person 2] bor på [Adresse 1] og [Adresse 2]; [Person 3] går på "
                           "[Institution 1] og [Person 4] på [Institution 2].")
    assert result.counts() == {"PERSON": 4, "ADDRESS": 2, "INSTITUTION": 2}


def test_end_to_end_with_detection():
    from narrativ_nlp.anonymise import anonymise_text

    text = ("Emma og Oliver legede. Emmas mor ringede på 20 45 67 89 fra Skovvej 12, 2. th., 4700 Næstved i dag. "
            "Hun skrev til lone@example.dk fra Børnehuset Mælkebøtten. CPR 120318-1234.")
    assert anonymise_text(text).text == (
        "[Person 1] og [Person 2] legede. [Person 1]s mor ringede på [Telefon] fra [Adresse 1] i dag. "
        "Hun skrev til [E-mail] fra [Institution 1]. CPR [CPR].")


def test_same_name_same_pseudonym_in_one_text():
    text = "Emma legede med Oliver. Senere græd emma, og Oliver trøstede Emma."
    items = [("Emma", "PERSON", 0), "Oliver", "emma", ("Oliver", "PERSON", 1), ("Emma", "PERSON", 1)]
    result = Pseudonymiser().apply(text, spans(text, items))
    assert result.text == ("[Person 1] legede med [Person 2]. Senere græd [Person 1], og [Person 2] trøstede "
                           "[Person 1].")


@pytest.mark.parametrize("mode", ["placeholder", "surrogate", "mask"])
def test_same_name_same_pseudonym_across_texts(mode):
    pseudo = Pseudonymiser(mode=mode)
    a = "Emma legede med Oliver."
    b = "I dag kom Oliver før Emma."
    ra = pseudo.apply(a, spans(a, ["Emma", "Oliver"]))
    rb = pseudo.apply(b, spans(b, ["Oliver", "Emma"]))
    map_a = {r.original: r.replacement for r in ra.replacements}
    map_b = {r.original: r.replacement for r in rb.replacements}
    assert map_a == map_b
    if mode != "mask":  # masks of equal length are equal by construction
        assert map_a["Emma"] != map_a["Oliver"]


def test_new_pseudonymiser_starts_a_new_mapping():
    first = Pseudonymiser()
    first.apply("Emma legede.", spans("Emma legede.", ["Emma"]))
    text = "Oliver legede."
    assert Pseudonymiser().apply(text, spans(text, ["Oliver"])).text == "[Person 1] legede."
    assert first.apply(text, spans(text, ["Oliver"])).text == "[Person 2] legede."


def test_institution_with_and_without_prefix_is_one_institution():
    text = "Børnehuset Mælkebøtten holdt fest. Alle på Mælkebøtten kom."
    items = [("Børnehuset Mælkebøtten", "INSTITUTION"), ("Mælkebøtten", "INSTITUTION", 1)]
    assert Pseudonymiser().apply(text, spans(text, items)).text == "[Institution 1] holdt fest. Alle på [Institution 1] kom."


@pytest.mark.parametrize(
    "text, surface, expected",
    [
        ("Emmas mor kom.", "Emmas", "[Person 1]s mor kom."),
        ("Emma's mor kom.", "Emma's", "[Person 1]'s mor kom."),
        ("Jonas' mor kom.", "Jonas'", "[Person 1]' mor kom."),
        ("Jonas kom.", "Jonas", "[Person 1] kom."),  # a name that ends in -s keeps it
        ("Mette Hansens bil holdt ude.", "Mette Hansens", "[Person 1]s bil holdt ude."),
    ],
)
def test_possessive_keeps_s(text, surface, expected):
    assert Pseudonymiser().apply(text, spans(text, [surface])).text == expected


def test_possessive_and_base_form_share_a_pseudonym():
    text = "Emma kom, og Emmas mor kom bagefter."
    assert Pseudonymiser().apply(text, spans(text, ["Emma", "Emmas"])).text == "[Person 1] kom, og [Person 1]s mor kom bagefter."


FEMALE = ["Emma", "Ida", "Sofie", "Freja", "Mette", "Lone", "Lærke", "Sol"]
MALE = ["Oliver", "Jonas", "Noah", "Storm", "Sten", "Malthe"]


@pytest.mark.parametrize("name", FEMALE + MALE)
@pytest.mark.parametrize("seed", [0, 1, 7])
def test_surrogate_keeps_gender_and_never_returns_original(lexicon, name, seed):
    gender = lexicon.gender(name)
    assert gender in ("f", "m")
    assert gender == ("f" if name in FEMALE else "m")
    pseudo = Pseudonymiser(mode="surrogate", seed=seed)
    text = f"I dag legede {name} med bolden."
    result = pseudo.apply(text, spans(text, [name]))
    surrogate = result.replacements[0].replacement
    assert surrogate.lower() != name.lower()
    assert lexicon.gender(surrogate) == gender
    assert name not in result.text


def test_surrogate_is_consistent_and_distinct(lexicon):
    pseudo = Pseudonymiser(mode="surrogate")
    names = FEMALE + MALE
    text = " og ".join(names) + " legede. " + " og ".join(names) + " sov."
    items = [(n, "PERSON", 0) for n in names] + [(n, "PERSON", 1) for n in names]
    result = pseudo.apply(text, spans(text, items))
    by_name: dict[str, set[str]] = {}
    for r in result.replacements:
        by_name.setdefault(r.original, set()).add(r.replacement)
    assert all(len(v) == 1 for v in by_name.values())
    surrogates = [next(iter(v)) for v in by_name.values()]
    assert len(set(surrogates)) == len(names)  # two real names never share a surrogate


def test_surrogate_is_reproducible_with_a_seed():
    text = "Emma legede med Oliver."
    a = Pseudonymiser(mode="surrogate", seed=3).apply(text, spans(text, ["Emma", "Oliver"])).text
    b = Pseudonymiser(mode="surrogate", seed=3).apply(text, spans(text, ["Emma", "Oliver"])).text
    assert a == b


def test_surrogate_possessive_and_full_name(lexicon):
    pseudo = Pseudonymiser(mode="surrogate")
    text = "Emmas mor, Mette Hansen, kom."
    result = pseudo.apply(text, spans(text, ["Emmas", "Mette Hansen"]))
    emma, mette = (r.replacement for r in result.replacements)
    assert emma.endswith("s") and lexicon.gender(emma[:-1]) == "f"
    assert emma[:-1] == pseudo.replacement_for("PERSON", "Emma")[0]
    assert len(mette.split()) == 2 and lexicon.gender(mette.split()[0]) == "f"
    assert "Emma" not in result.text and "Mette" not in result.text and "Hansen" not in result.text


def test_surrogate_structured_identifiers():
    text = "CPR 120318-1234, tlf. 20456789, Skovvej 12, Børnehuset Mælkebøtten."
    items = [("120318-1234", "CPR"), ("20456789", "PHONE"), ("Skovvej 12", "ADDRESS"),
             ("Børnehuset Mælkebøtten", "INSTITUTION")]
    out = Pseudonymiser(mode="surrogate").apply(text, spans(text, items)).text
    for original in ("120318-1234", "20456789", "Skovvej", "Mælkebøtten"):
        assert original not in out
    assert "[CPR]" in out and "[Telefon]" in out


@pytest.mark.parametrize(
    "text, items, expected",
    [
        ("Emma legede med Bo.", ["Emma", "Bo"], "■■■■ legede med ■■■."),  # at least three marks
        ("Emmas mor kom.", ["Emmas"], "■■■■s mor kom."),
        ("CPR 120318-1234.", [("120318-1234", "CPR")], "CPR ■■■■■■■■■■■."),
    ],
)
def test_mask_mode(text, items, expected):
    assert Pseudonymiser(mode="mask").apply(text, spans(text, items)).text == expected


def test_unknown_mode_rejected():
    with pytest.raises(ValueError):
        Pseudonymiser(mode="hash")


def test_apply_replaces_only_the_reviewed_spans():
    from narrativ_nlp.anonymise import detect

    text = "Emma legede med Oliver, og Zeynep så på."
    detection = detect(text)
    assert [text[s.start : s.end] for s in detection.spans] == ["Emma", "Oliver", "Zeynep"]
    reviewed = [s for s in detection.spans if text[s.start : s.end] != "Oliver"]  # the user unticks Oliver
    result = Pseudonymiser().apply(text, reviewed)
    assert result.text == "[Person 1] legede med Oliver, og [Person 2] så på."
    assert [r.original for r in result.replacements] == ["Emma", "Zeynep"]


def test_user_added_span_is_replaced():
    text = "Emma legede med Kaj-Ove i dag."
    user_span = span(text, "Kaj-Ove")
    assert Pseudonymiser().apply(text, [user_span]).text == "Emma legede med [Person 1] i dag."


def test_no_spans_leaves_text_unchanged():
    text = "Emma legede med Oliver."
    result = Pseudonymiser().apply(text, [])
    assert result.text == text and result.replacements == []


def test_span_order_does_not_matter():
    text = "Emma legede med Oliver."
    forward = Pseudonymiser().apply(text, spans(text, ["Emma", "Oliver"])).text
    backward = Pseudonymiser().apply(text, list(reversed(spans(text, ["Emma", "Oliver"])))).text
    assert forward == backward == "[Person 1] legede med [Person 2]."


@pytest.mark.parametrize(
    "bad, code",
    [
        ([IdentifierSpan(0, 4, "PERSON", "user", 1.0), IdentifierSpan(2, 6, "PERSON", "user", 1.0)], "E074"),  # overlap
        ([IdentifierSpan(0, 11, "PERSON", "user", 1.0), IdentifierSpan(5, 11, "PERSON", "user", 1.0)], "E074"),  # nested
        ([IdentifierSpan(16, 40, "PERSON", "user", 1.0)], "E070"),  # beyond the end
        ([IdentifierSpan(4, 4, "PERSON", "user", 1.0)], "E070"),  # empty
    ],
)
def test_invalid_spans_raise(bad, code):
    with pytest.raises(NarrativError) as exc:
        Pseudonymiser().apply("Emma legede med Oliver.", bad)
    assert exc.value.code == code
    # the message says what is wrong and quotes no text
    assert "Emma" not in str(exc.value) and "Oliver" not in str(exc.value)
    if code == "E074":
        assert "overlapper" in str(exc.value)


def test_adjacent_spans_are_allowed():
    text = "EmmaOliver"
    result = Pseudonymiser().apply(text, [IdentifierSpan(0, 4, "PERSON", "user", 1.0),
                                          IdentifierSpan(4, 10, "PERSON", "user", 1.0)])
    assert result.text == "[Person 1][Person 2]"


def test_mapping_returned_separately_and_nothing_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = set(os.listdir(tmp_path))
    pseudo = Pseudonymiser()
    text = "Emma ringede på 20456789 fra Børnehuset Mælkebøtten."
    result = pseudo.apply(text, spans(text, ["Emma", ("20456789", "PHONE"), ("Børnehuset Mælkebøtten", "INSTITUTION")]))
    assert set(os.listdir(tmp_path)) == before
    table = pseudo.mapping_table()
    assert {"label": "PERSON", "original": "emma", "replacement": "[Person 1]"} in table
    assert {"label": "PHONE", "original": "20456789", "replacement": "[Telefon]"} in table
    assert {"label": "INSTITUTION", "original": "mælkebøtten", "replacement": "[Institution 1]"} in table
    assert all(set(row) == {"label", "original", "replacement"} for row in table)
    for original in ("Emma", "20456789", "Mælkebøtten"):
        assert original not in result.text


def test_surrogate_initials_stay_initials_and_consistent():
    from narrativ_nlp.anonymise import anonymise_text
    from narrativ_nlp.resources import load_yaml

    text = "I dag var MK og jeg på tur. MK's gruppe gik forrest, MKs taske var tung, og LH bar den."
    result = anonymise_text(text, mode="surrogate")
    by_original: dict[str, set[str]] = {}
    for r in result.replacements:  # "MK's" → surrogate + "'s": the possessive ending is kept
        assert r.replacement[2:] == r.original[2:]
        by_original.setdefault(r.original[:2], set()).add(r.replacement[:2])
    assert set(by_original) == {"MK", "LH"}
    mk, lh = by_original["MK"], by_original["LH"]
    assert len(mk) == 1 and len(lh) == 1 and mk != lh  # one surrogate per person, in every form
    not_initials = {w.upper() for w in load_yaml("identifiers.yaml")["not_initials"]}
    for (surrogate,) in (mk, lh):
        assert len(surrogate) == 2 and surrogate.isupper() and surrogate not in {"MK", "LH"} | not_initials
    assert "MK" not in result.text and "LH" not in result.text
    (mk_new,) = mk
    assert f"{mk_new}'s gruppe" in result.text and f"{mk_new}s taske" in result.text


# --- a full name and its parts are one person --------------------------------------------------------


def test_first_and_last_name_alone_share_the_full_names_placeholder():
    text = "Mette Hansen hentede Emma. Senere kom Mette igen, og Hansen ringede."
    # "Mette" and "Hansen" alone are the second occurrences of those strings in the text
    out = Pseudonymiser().apply(text, spans(text, ["Mette Hansen", "Emma", ("Mette", "PERSON", 1), ("Hansen", "PERSON", 1)]))
    assert out.text == "[Person 1] hentede [Person 2]. Senere kom [Person 1] igen, og [Person 1] ringede."


def test_part_before_the_full_name_keeps_text_order_numbers():
    text = "Mette kom først. Så kom Mette Hansen og Emma."
    out = Pseudonymiser().apply(text, spans(text, ["Mette", "Mette Hansen", "Emma"]))
    assert out.text == "[Person 1] kom først. Så kom [Person 1] og [Person 2]."


def test_part_of_two_full_names_keeps_its_own_pseudonym():
    text = "Mette Hansen og Mette Holm kom. Mette vinkede."
    out = Pseudonymiser().apply(text, spans(text, ["Mette Hansen", "Mette Holm", ("Mette", "PERSON", 2)]))
    assert out.text == "[Person 1] og [Person 2] kom. [Person 3] vinkede."


def test_surrogate_parts_follow_the_full_surrogate(lexicon):
    text = "Omar bin Saleh hentede i dag. Senere kom Omar igen, og Omars søster vinkede til Saleh."
    items = ["Omar bin Saleh", ("Omar", "PERSON", 1), "Omars", ("Saleh", "PERSON", 1)]
    out = Pseudonymiser(mode="surrogate").apply(text, spans(text, items))
    full, first, possessive, last = (r.replacement for r in out.replacements)
    assert full.split()[0] == first and possessive == first + "s" and full.split()[-1] == last
    assert "Omar" not in out.text and "Saleh" not in out.text


def test_surrogate_is_never_a_real_name_of_the_text():
    """Neither a surname nor a given name of another person in the text ("Emma" must not become "Ida")."""
    for seed in range(30):
        text = "Mette Holm og Mette Krogh kom med Ida, Emma og Sofie."
        items = ["Mette Holm", "Mette Krogh", "Ida", "Emma", "Sofie"]
        out = Pseudonymiser(mode="surrogate", seed=seed).apply(text, spans(text, items))
        for real in ("Mette", "Holm", "Krogh", "Ida", "Emma", "Sofie"):
            assert real not in out.text, (seed, out.text)


def test_mask_mode_keeps_lengths_for_parts():
    text = "Mette Hansen kom. Mette gik."
    out = Pseudonymiser(mode="mask").apply(text, spans(text, ["Mette Hansen", ("Mette", "PERSON", 1)]))
    assert out.text == "■" * 12 + " kom. " + "■" * 5 + " gik."


def test_surrogates_never_reuse_a_real_name_when_the_small_pool_runs_out():
    """Twelve names of unknown gender exhaust the neutral pool; no surrogate may be a real name
    of the text or another child's surrogate."""
    names = ["Kim", "Robin", "Alex", "Charlie", "Nikita", "Sasha", "Andrea", "Luca", "Toni", "Mika", "Noa", "Lou"]
    text = ", ".join(names) + " legede."
    for seed in range(10):
        out = Pseudonymiser(mode="surrogate", seed=seed).apply(text, spans(text, names))
        reps = [r.replacement for r in out.replacements]
        assert len(set(reps)) == len(reps), (seed, reps)
        assert not set(reps) & set(names), (seed, reps)
