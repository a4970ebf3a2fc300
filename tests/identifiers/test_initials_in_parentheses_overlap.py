"""A name with its initials in parentheses, and the initials again on their own later.

"Jens-Ole (JO)" is stretched over "(JO)" after the spans are joined; the propagated "JO" inside the
parentheses then overlapped it, and anonymisation stopped with an error (E070, "outside the text").
"""

from narrativ_nlp.anonymise import anonymise_text, detect


TEXT = "Jens-Ole (JO) hentede Emma. Senere kom Jens-Ole (JO) igen, og JO sagde farvel."


def test_name_with_initials_then_initials_alone_is_anonymised():
    out = anonymise_text(TEXT)
    for name in ("Jens-Ole", "JO", "Emma"):
        assert name not in out.text
    assert out.text.startswith("[Person 1] hentede [Person 2].")
    assert "Senere kom [Person 1] igen" in out.text


def test_detected_spans_never_overlap():
    spans = sorted(detect(TEXT).spans, key=lambda s: s.start)
    assert all(b.start >= a.end for a, b in zip(spans, spans[1:]))
    assert [TEXT[s.start:s.end] for s in spans if s.label == "PERSON"][:2] == ["Jens-Ole (JO)", "Emma"]
