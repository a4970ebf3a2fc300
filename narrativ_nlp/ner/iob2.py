"""Read CoNLL-style IOB2 files (the UNER format) into spaCy ``Doc`` objects."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc
from spacy.vocab import Vocab

from narrativ_nlp.errors import NarrativError


@dataclass
class IOB2Sentence:
    """One sentence: its tokens, IOB2 tags and the original text when given."""

    tokens: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    text: str | None = None
    sent_id: str | None = None

    def spaces(self) -> list[bool]:
        """Whether each token is followed by a space, recovered from ``# text``."""
        if self.text is None:
            return [True] * (len(self.tokens) - 1) + [False]
        spaces: list[bool] = []
        pos = 0
        for tok in self.tokens:
            found = self.text.find(tok, pos)
            if found < 0:  # token not found verbatim: fall back to a space
                spaces.append(True)
                continue
            pos = found + len(tok)
            spaces.append(pos < len(self.text) and self.text[pos] == " ")
        if spaces:
            spaces[-1] = False
        return spaces

    def char_spans(self) -> list[tuple[int, int, str]]:
        """Entity spans as character offsets into the text built from tokens."""
        spans: list[tuple[int, int, str]] = []
        offsets: list[tuple[int, int]] = []
        pos = 0
        for tok, sp in zip(self.tokens, self.spaces()):
            offsets.append((pos, pos + len(tok)))
            pos += len(tok) + (1 if sp else 0)
        current: list = []
        for (start, end), tag in zip(offsets, self.tags):
            if tag.startswith("B-") or (tag.startswith("I-") and (not current or current[2] != tag[2:])):
                if current:
                    spans.append(tuple(current))
                current = [start, end, tag[2:]]
            elif tag.startswith("I-"):
                current[1] = end
            else:
                if current:
                    spans.append(tuple(current))
                current = []
        if current:
            spans.append(tuple(current))
        return spans  # type: ignore[return-value]


def read_iob2(path: str | Path) -> Iterator[IOB2Sentence]:
    """Yield sentences from an IOB2 file; raise ``NarrativError`` on bad lines."""
    path = Path(path)
    if not path.is_file():
        raise NarrativError("E001", path=str(path))
    sent = IOB2Sentence()
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            line = line.rstrip("\n")
            if not line.strip():
                if sent.tokens:
                    yield sent
                sent = IOB2Sentence()
                continue
            if line.startswith("#"):
                if line.startswith("# text = "):
                    sent.text = line[len("# text = ") :]
                elif line.startswith("# sent_id = "):
                    sent.sent_id = line[len("# sent_id = ") :]
                continue
            cols = line.split("\t")
            if len(cols) < 3:
                raise NarrativError("E010", path=str(path), line=lineno, detail="en linje skal have mindst 3 felter adskilt af tabulator (IOB2: ord, fx position, etiket som B-PER)")
            tag = cols[2]
            if tag != "O" and not (tag[:2] in ("B-", "I-") and len(tag) > 2):
                raise NarrativError("E010", path=str(path), line=lineno, detail=f"unknown IOB2 tag {tag!r}")
            sent.tokens.append(cols[1])
            sent.tags.append(tag)
    if sent.tokens:
        yield sent


def sentence_to_doc(vocab: Vocab, sent: IOB2Sentence) -> Doc:
    """A ``Doc`` with the sentence's tokens and gold entities set."""
    return Doc(vocab, words=sent.tokens, spaces=sent.spaces(), ents=sent.tags)
