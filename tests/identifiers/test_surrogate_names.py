"""Surrogate mode draws pseudonyms from a curated list of common Danish names (``data/surrogate_names.yaml``),
not from the whole name lexicon (a new user got "Seçme" and "Arnes"): deterministic per batch seed, never a real
name of the batch, the gender of the real name kept, enough for a large batch and a counter after that."""

from __future__ import annotations

import re

import pytest

from narrativ_nlp.identifiers import IdentifierSpan, Pseudonymiser
from narrativ_nlp.identifiers.lexicon import load_lexicon
from narrativ_nlp.identifiers.pseudonymise import surrogate_names


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def _spans(text: str, names: list[str]) -> list[IdentifierSpan]:
    out, pos = [], 0
    for n in names:
        i = text.index(n, pos)
        out.append(IdentifierSpan(i, i + len(n), "PERSON", "user", 1.0))
        pos = i + len(n)
    return out


def test_the_lists_are_common_danish_names_of_their_gender(lexicon):
    names = surrogate_names()
    for g in ("m", "f"):
        assert len(names[g]) >= 50
        assert len(set(names[g])) == len(names[g])
        for n in names[g]:
            assert re.fullmatch(r"[A-ZÆØÅ][a-zæøå]+", n), n
            assert lexicon.gender(n) == g, n
            assert not n.endswith(("s", "x", "z")), n  # "Emmas" → "<surrogate>s" must read as a possessive
    assert set(names["m"]).isdisjoint(names["f"]) and set(names["neutral"]).isdisjoint(names["m"] + names["f"])
    assert len(names["surnames"]) >= 20 and len(set(names["surnames"])) == len(names["surnames"])


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_surrogates_come_from_the_curated_lists(seed):
    text = ("Seçme, Arnes, Emma, Oliver, Freja og Noah legede i sandkassen med Ahmed Yilmaz, mens Sofie Jensen "
            "og Kim så på.")
    names = ["Seçme", "Arnes", "Emma", "Oliver", "Freja", "Noah", "Ahmed Yilmaz", "Sofie Jensen", "Kim"]
    result = Pseudonymiser(mode="surrogate", seed=seed).apply(text, _spans(text, names))
    pool = surrogate_names()
    given = set(pool["m"] + pool["f"] + pool["neutral"])
    for r in result.replacements:
        words = r.replacement.split()
        assert words[0] in given, (r.original, r.replacement)
        if len(words) > 1:
            assert words[1] in pool["surnames"]


def test_deterministic_per_seed_and_different_across_seeds():
    text = "Emma og Oliver byggede en hule med Freja."
    names = ["Emma", "Oliver", "Freja"]

    def run(seed):
        return Pseudonymiser(mode="surrogate", seed=seed).apply(text, _spans(text, names)).text

    assert run(5) == run(5)
    assert len({run(s) for s in range(6)}) > 1


def test_never_a_real_name_of_the_batch(lexicon):
    """The real names of a text are the most common Danish names themselves: none of them may come back as a
    pseudonym (in this text or a later one of the batch), and two people never share one."""
    pool = surrogate_names()
    for seed in range(5):
        pseudo = Pseudonymiser(mode="surrogate", seed=seed)
        seen_real: set[str] = set()
        used: dict[str, str] = {}
        for chunk in (pool["f"][:30], pool["f"][30:], pool["m"][:30]):
            text = " og ".join(chunk) + " legede."
            result = pseudo.apply(text, _spans(text, list(chunk)))
            seen_real |= {n.lower() for n in chunk}
            for r in result.replacements:
                assert r.replacement.lower() not in seen_real, (seed, r.original, r.replacement)
                assert used.setdefault(r.original, r.replacement) == r.replacement
            assert len({r.replacement for r in result.replacements}) == len(chunk)


def test_a_large_batch_uses_every_name_then_a_counter(lexicon):
    """More girls than the list holds: every list name once (female first, then the neutral ones), no repeat,
    and after that numbered pseudonyms – never a rare lexicon name."""
    pool = surrogate_names()
    pseudo = Pseudonymiser(mode="surrogate", seed=11)
    n_names = len(pool["f"]) + len(pool["neutral"])
    taken = {n.lower() for g in ("m", "f", "neutral") for n in pool[g]}
    real = sorted(n.title() for n, g in lexicon.first_names.items() if g == "f" and n.isalpha() and n not in taken)
    out = [pseudo.replacement_for("PERSON", name)[0] for name in real[:n_names + 5]]
    n_names = len(pool["f"]) + len(pool["neutral"])
    assert out[:len(pool["f"])] and set(out[:len(pool["f"])]) == set(pool["f"])
    assert set(out[len(pool["f"]):n_names]) == set(pool["neutral"])
    assert all(re.fullmatch(r"Person \d+", x) for x in out[n_names:]), out[n_names:]
    assert len(set(out)) == len(out)
