"""Library API in plain data: what the CLI's ``--json`` and the app use."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from narrativ_nlp.framing.analysis import Analysis


def analysis_to_dict(analysis: Analysis) -> dict[str, Any]:
    return {
        "findings": [asdict(f) for f in analysis.findings],
        "hidden_findings": len(analysis.hidden_findings),
        "sentences": [asdict(s) for s in analysis.sentences],
        "profile": None if analysis.profile is None else asdict(analysis.profile),
        "classifier_available": analysis.classifier_available,
        "notes": analysis.notes,
        "seconds": analysis.seconds,
    }
