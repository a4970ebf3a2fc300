"""A found name shouted or sung with stretched letters is a name too.

Real writing (a staff blog about three-year-olds) had a child's name shouted the way a small child
says it, stretched and without its first letter, and it leaked. A word with a letter three times in a row is compared, runs written once,
with the names found in the text; ordinary stretched words stay as they are.
"""

import pytest

from narrativ_nlp.anonymise import anonymise_text


@pytest.mark.parametrize("text, name, shout", [
    ('På vejen møder drengene Clara. "LAAAARAAAA!!" råber de i kor.', "Clara", "LAAAARAAAA"),
    ('Emma kommer ind ad døren. "EMMMMAAAA!" råber Karl glad.', "Emma", "EMMMMAAAA"),
    ("Mads sidder på gyngen, og Ida synger «Maaaaaads, Maaaaaads» for ham.", "Mads", "Maaaaaads"),
])
def test_a_stretched_name_is_anonymised(text, name, shout):
    out = anonymise_text(text).text
    assert name not in out and shout not in out, out


def test_stretched_ordinary_words_stay():
    text = 'Anna siger "NEEEJ" og "jaaaa", og Anna griner. Det var suuuuper sjovt, og Oliver råber "HJÆÆÆLP" for sjov.'
    out = anonymise_text(text).text
    for word in ("NEEEJ", "jaaaa", "suuuuper", "HJÆÆÆLP"):
        assert word in out
    assert "Anna" not in out and "Oliver" not in out


def test_no_name_found_means_no_stretched_name():
    text = 'Vi sang "Mariiiieee" i samlingen, en sang om en ko.'
    assert anonymise_text(text).text == text
