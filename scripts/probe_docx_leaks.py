"""Anonymise the rich test document (a distinct name in every place, tests/io/docx_fixtures.py)
with the real detector and count the names left in any part of the output.

Each segment is detected on its own (``detect_many``) and one Pseudonymiser serves the whole
document, so a person gets one pseudonym everywhere. Prints counts and, for a leak, the part and
the fixture's name (invented test data, no real text).

    python scripts/probe_docx_leaks.py [OUT_DIR]
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from narrativ_nlp.anonymise import detect_many
    from narrativ_nlp.identifiers.pseudonymise import Pseudonymiser
    from narrativ_nlp.io.docx import write_docx
    from tests.io.docx_fixtures import PLACES, build_rich_docx
    from tests.io.test_docx import NAMES, leaks

    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="narrativ-docx-"))
    src = build_rich_docx(out_dir / "rig.docx")
    pseudo = Pseudonymiser()
    counts: Counter = Counter()

    def replace(texts: list[str]) -> list[str]:
        out = []
        for text, detection in zip(texts, detect_many(texts)):
            result = pseudo.apply(text, detection.spans)
            counts.update(result.counts())
            out.append(result.text)
        return out

    t0 = time.perf_counter()
    report = write_docx(src, out_dir / "rig-anonym.docx", replace)
    seconds = time.perf_counter() - t0
    found = leaks(out_dir / "rig-anonym.docx")
    names_left = sorted({tok for _, tok in found if tok in NAMES})
    print(f"places: {len(PLACES)}, distinct names: {len(NAMES)}, segments: {report.segments}, "
          f"changed: {report.changed}, neutralised: {report.neutralised}, seconds: {seconds:.1f}")
    print(f"names left (whole): {len(names_left)}; name words left: {len({t for _, t in found})}")
    for part, tok in sorted(set(found)):
        print(f"  {part}: {tok}")


if __name__ == "__main__":
    main()
