"""A normal install carries its models and runs from any folder.

The wheel built from the repository holds every bundled model file under ``narrativ_nlp/models``
and the app under ``narrativ_nlp/app`` (no top-level ``app`` package); installed (here with
``pip install --target``, so the test needs no network) it analyses, anonymises and tags from an
unrelated working directory, and a removed model file is an error naming the path.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.relative_to(ROOT).parent.parts) for p in (ROOT / "narrativ_nlp").rglob("__init__.py")}
    found |= {"narrativ_nlp.app", "narrativ_nlp.models"}
    assert found <= listed, sorted(found - listed)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                           str(out), str(ROOT)], capture_output=True, timeout=600)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    return next(out.glob("narrativ-*.whl"))


@pytest.mark.slow
def test_wheel_carries_every_model_file_and_no_top_level_app(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    models = [p for p in (ROOT / "models").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    missing = [str(p.relative_to(ROOT)) for p in models
               if f"narrativ_nlp/models/{p.relative_to(ROOT / 'models').as_posix()}" not in names]
    assert not missing
    assert "narrativ_nlp/app/main.py" in names
    assert not any(n.startswith(("app/", "models/")) for n in names)
    assert not any(n.endswith(".pyc") for n in names)


@pytest.mark.slow
def test_installed_wheel_works_from_another_folder_and_names_a_missing_model(wheel, tmp_path):
    target = tmp_path / "site"
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                          capture_output=True, timeout=600)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "NARRATIV_DB": str(tmp_path / "d.sqlite3")}
    env.pop("NARRATIV_MODELS_DIR", None)

    def narrativ(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "narrativ_nlp.cli", *args], capture_output=True, cwd=work, env=env,
                              timeout=600)

    proc = narrativ("info", "--json")
    assert proc.returncode == 0, proc.stderr.decode()
    import json

    info = json.loads(proc.stdout)
    assert info["models_dir"].startswith(str(target)), info["models_dir"]
    assert {m["state"] for m in info["models"].values()} == {"ok"}
    text = work / "n.txt"
    text.write_text("Oliver kan ikke sidde stille ved frokosten. Han hjalp Emma med at dække bord.", encoding="utf-8")
    proc = narrativ("analyse", str(text), "--json")
    assert proc.returncode == 0, proc.stderr.decode()
    result = json.loads(proc.stdout)
    assert any(f["kind"] == "deficit" for f in result["findings"])
    assert any(f["source"] != "rule" for f in result["findings"])  # the bundled classifier is used
    proc = narrativ("anonymise", str(text), "--out", str(work / "ud"))
    assert proc.returncode == 0, proc.stderr.decode()
    assert "Oliver" not in (work / "ud" / "n.txt").read_text(encoding="utf-8")
    proc = narrativ("import", str(text), "--quiet", "--group", "Stue A")
    assert proc.returncode == 0, proc.stderr.decode()
    (target / "narrativ_nlp" / "models" / "themes" / "theme_tagger.skops").unlink()
    proc = narrativ("import", str(text), "--quiet", "--group", "Stue B")
    assert proc.returncode == 2
    assert "theme_tagger.skops" in proc.stderr.decode() and "Oliver" not in proc.stderr.decode()
