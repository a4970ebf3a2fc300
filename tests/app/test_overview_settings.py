"""Overblik states the same rules as the command line: the minimum selection for patterns and the minimum
pattern size come from one place (``narrativ_nlp.themes.discovery``), the UI says them, and a date field's
placeholder repeats the example of its own hint (issue #16, "Danish everywhere")."""

from __future__ import annotations

import re

from narrativ_nlp.app import overview as over_h
from narrativ_nlp.app.page import page_js
from narrativ_nlp.themes import discovery


def test_the_app_and_the_command_line_use_one_minimum_for_patterns():
    assert over_h.MIN_FOR_PATTERNS == discovery.MIN_NARRATIVES
    assert over_h.MIN_PATTERN_SIZE == discovery.MIN_CLUSTER_SIZE
    rule = over_h.patterns_rule()
    assert f"mindst {discovery.MIN_NARRATIVES} narrativer" in rule
    assert f"mindst {discovery.MIN_CLUSTER_SIZE} narrativer" in rule
    # the note shown for a small selection gives the same number
    few = over_h.clusters_html(over_h.library.overview_of(12, over_h.pd.DataFrame()), {})
    assert f"mindst være {discovery.MIN_NARRATIVES}" in few


def test_a_date_fields_placeholder_is_the_example_of_its_hint():
    hint = over_h.date_hint("31.12.2025")
    assert hint == "Skriv fx 31.12.2025, eller vælg i kalenderen."
    # the page script takes the placeholder from the hint; the pattern it uses finds the hint's example
    js = page_js()
    pattern = re.search(r'match\(/(.+?)/\);\n\s+const ph', js).group(1).replace("\\\\", "\\")
    assert re.search(pattern, "Til dato " + hint).group(1) == "31.12.2025"
    assert '"fx 1.9.2025")' not in js  # no fixed placeholder that could disagree with a field's hint
