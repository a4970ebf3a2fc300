"""Smoke test of evaluation/probes_files.py (issue #14's probes): three fast probes run against the
current code through the script's own runner, and the scanner finds a name hidden in a docx header."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def probes():
    spec = importlib.util.spec_from_file_location("probes_files", ROOT / "evaluation" / "probes_files.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["probes_files"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def target(probes, tmp_path_factory):
    t = probes.Target("after", None, tmp_path_factory.mktemp("probes"), warm=False)
    yield t
    t.close()


@pytest.mark.parametrize("pid", ["overview_missing_db", "db_newer_schema", "login_throttle"])
def test_fast_probes_pass_on_current_code(probes, target, pid, tmp_path):
    fn = {p: f for p, _, f in probes.PROBES}[pid]
    outcome = fn(target, tmp_path)
    assert outcome.status == "PASS", outcome.reason


def test_scanner_finds_a_name_in_a_header_part_and_in_a_file_name(probes, tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("Vi legede i haven.")
    d.sections[0].header.paragraphs[0].text = "Stue: Karla Bech"
    path = tmp_path / "Observation af Storm.docx"
    d.save(path)
    hits = probes.scan_paths([path], ["Karla Bech", "Storm"], tmp_path)
    parts = {(part, word) for _, part, word in hits}
    assert ("word/header1.xml", "Karla Bech") in parts
    assert ("word/header1.xml", "Bech") in parts  # a surname alone counts too
    assert ("(file name)", "Storm") in parts
    clean = tmp_path / "ren.docx"
    docx.Document().save(clean)
    assert probes.scan_paths([clean], ["Karla Bech"], tmp_path) == []


def test_live_formula_check_flags_a_formula_cell_and_spares_a_neutralised_one(probes, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = '=HYPERLINK("http://example.com","x")'
    wb.active["A2"] = "-0,5"
    wb.save(tmp_path / "live.xlsx")
    (tmp_path / "ok.csv").write_text("gruppe;n\n'=HYPERLINK(1);3\n-2;4\n", encoding="utf-8")
    assert probes.live_formulas([tmp_path / "live.xlsx"])
    assert probes.live_formulas([tmp_path / "ok.csv"]) == []
