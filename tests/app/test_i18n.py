"""Danish for Gradio's own strings (issue #16, "Danish everywhere"): every key of Gradio's English dictionary in
the sections the app shows has a Danish translation, and the page script's patterns give a decimal comma and
Danish units for the text Gradio writes with numbers (the progress timer, file sizes) and inside the charts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import gradio as gr
import pytest

from narrativ_nlp.app.page import gradio_translations, page_js, translate, translation_data

#: the sections of Gradio's dictionary whose strings can appear in this app (no audio, video, image, chat …)
SECTIONS = ("common", "upload_text", "file", "checkbox", "dropdown", "plot", "number", "label", "radio", "status",
            "blocks", "login", "dataframe", "errors")


def gradio_english() -> dict[str, dict[str, str]]:
    """Gradio's bundled English dictionary (its ``lang/en.json``, compiled into the front end's core module)."""
    assets = Path(gr.__file__).resolve().parent / "templates" / "frontend" / "assets"
    (core,) = [p for p in assets.glob("core-*.js") if "drop_file:" in p.read_text(encoding="utf-8")]
    js = core.read_text(encoding="utf-8")
    objects = {m.group(1): dict(re.findall(r"(\w+):`([^`]*)`", m.group(2)))
               for m in re.finditer(r"(\w+)=\{((?:\w+:`[^`]*`,?)+)\}", js)}
    table = re.search(r"\{_name:\w+,(.*?)\},\w+=\{ar:", js, re.S).group(1)
    return {section: objects[var] for section, var in re.findall(r"(\w+):(\w+)(?=[,}]|$)", table) if var in objects}


def test_every_gradio_string_the_app_can_show_has_danish():
    english = gradio_english()
    assert english["upload_text"]["drop_file"] == "Drop File Here"  # the parser reads the dictionary
    danish = gradio_translations()
    missing = {s: sorted(set(english[s]) - set(danish.get(s, {}))) for s in SECTIONS if s in english}
    assert {s: keys for s, keys in missing.items() if keys} == {}
    # placeholders kept ({position}, {line} …)
    for s in SECTIONS:
        for key, text in english.get(s, {}).items():
            assert set(re.findall(r"\{\w+\}", text)) == set(re.findall(r"\{\w+\}", danish[s][key])), (s, key)


@pytest.mark.parametrize("english, danish", [
    ("0.8s", "0,8\u00a0s"), ("12.4s", "12,4\u00a0s"), ("1.6/1.4s", "1,6/1,4\u00a0s"),
    ("38.2\u00a0KB", "38,2\u00a0kB"), ("38.2 KB", "38,2\u00a0kB"), ("5 KB", "5\u00a0kB"), ("263.0 B", "263,0\u00a0B"),
    ("1.5 MB", "1,5\u00a0MB"),
    ("processing |", "arbejder |"),
])
def test_gradio_text_with_numbers_gets_a_decimal_comma(english, danish):
    assert translate(english, translation_data()["patterns"]) == danish


@pytest.mark.parametrize("english, danish", [("0.5", "0,5"), ("66.7", "66,7"), ("-1.25", "-1,25"), ("12.5 %", "12,5\u00a0%")])
def test_chart_numbers_get_a_decimal_comma(english, danish):
    assert translate(english, translation_data()["chart"]) == danish


def test_patterns_leave_other_text_alone():
    data = translation_data()
    for text in ("4.3.2026", "Emma lo 2 gange", "2026-01", "10 narrativer i udvalget.", "v1.2s"):
        assert translate(text, data["patterns"]) is None and translate(text, data["chart"]) is None
    assert "narrativer" in data["count_axes"]  # the y axis of the count charts


def test_the_page_script_carries_the_translations():
    js = page_js()
    data = translation_data()
    assert "Åbn cellemenuen" in js and "kB" in js and "characterData: true" in js
    assert json.dumps(data["patterns"][0][0]) in js and json.dumps(data["chart"][0][0]) in js
