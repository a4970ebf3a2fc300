"""Rows of a CSV or JSONL file are detected in batches: the output equals row-by-row anonymisation."""

from __future__ import annotations

import csv
import json

from narrativ_nlp.anonymise import anonymise_text
from narrativ_nlp.anonymise_files import anonymise_files
from narrativ_nlp.identifiers.pseudonymise import Pseudonymiser

ROWS = [
    "Emma og Noah byggede en hule i sandkassen. Emma sagde: »Her bor vi!«",
    "Pædagog Lone K. ringede til Noahs mor på 22 33 44 55.",
    "",
    "Ahmed hjalp Emma med at bære spanden, og Storm grinede.",
    "Ingen navne i denne række, kun en gynge og en rutsjebane.",
]


def _row_by_row(mode: str) -> list[str]:
    pseudo = Pseudonymiser(mode=mode)
    return [anonymise_text(t, pseudonymiser=pseudo).text for t in ROWS]


def test_csv_rows_batched_equal_row_by_row(tmp_path, nlp):
    src = tmp_path / "noter.csv"
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["id", "tekst"])
        w.writeheader()
        w.writerows({"id": str(i), "tekst": t} for i, t in enumerate(ROWS))
    anonymise_files([src], tmp_path / "ud", mode="surrogate", column="tekst", progress=False)
    with (tmp_path / "ud" / "noter.csv").open(encoding="utf-8", newline="") as fh:
        got = [row["tekst"] for row in csv.DictReader(fh)]
    expected = _row_by_row("surrogate")
    assert got == expected
    assert not any("Emma" in t or "Noah" in t or "Ahmed" in t for t in got)
    assert got[0].count(got[0].split()[0]) == 2  # the same child gets the same surrogate twice


def test_jsonl_rows_batched_equal_row_by_row(tmp_path, nlp):
    src = tmp_path / "noter.jsonl"
    src.write_text("\n".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in enumerate(ROWS)) + "\n", encoding="utf-8")
    summary = anonymise_files([src], tmp_path / "ud", mode="placeholder", progress=False)
    got = [json.loads(line)["text"] for line in (tmp_path / "ud" / "noter.jsonl").read_text(encoding="utf-8").splitlines()]
    assert got == _row_by_row("placeholder")
    assert "[Person 1]" in got[0] and "[Telefon" in got[1]
    assert summary is not None
