"""User-facing errors: coded messages in Danish (with a short English gloss).

Messages never contain narrative text: only file names, line numbers, ids,
field names and counts.
"""

from __future__ import annotations


class Errors:
    """Message templates, keyed by code (after spaCy's ``errors.py``)."""

    E001 = "Filen findes ikke: {path} (file not found)"
    E002 = "Filen {path} er ikke gyldig UTF-8-tekst. Gem den som UTF-8 og prøv igen. (not valid UTF-8)"
    E003 = "Filen {path} kunne ikke læses: {detail} (could not read file)"
    E010 = "Fejl i {path}, linje {line}: {detail}"
    E011 = "Ugyldig JSON i {path}, linje {line}: {detail} (invalid JSON)"
    E012 = "Fejl i {path}, linje {line} (id {id}): {detail}"
    E020 = "Modellen {path} kunne ikke indlæses: {detail} (model could not be loaded)"
    E021 = "Modelmappen {path} findes ikke eller er ikke en spaCy-model."
    E030 = "Teksten er for lang: {n_chars} tegn (højst {max_chars}). Del den op i mindre stykker."
    E040 = "Kolonnen '{column}' findes ikke i {path}. Kolonner: {columns}"
    E041 = "Filtypen {suffix} understøttes ikke ({path}). Brug .txt, .docx, .csv eller .jsonl."
    E042 = "Filen {path} er beskadiget eller ikke et gyldigt Word-dokument (.docx)."
    E043 = "Uddata-filen {path} findes allerede og bliver ikke overskrevet."
    E044 = "Uddata-mappen må ikke være den samme som inddata-filens mappe: {path}"
    E050 = "Databasen {path} er låst af et andet program. Prøv igen om lidt."
    E051 = "Databasen {path} er beskadiget eller ikke en narrativ-database: {detail}"
    E060 = "Ugyldig dato: {value!r}. Brug formatet ÅÅÅÅ-MM-DD."
    E070 = "Spændet {start}-{end} ligger uden for teksten (længde {length})."
    E105 = "Den grundige analyse er ikke tilgængelig: {detail}. Den hurtige analyse bruges i stedet. (accurate framing path unavailable)"


class NarrativError(Exception):
    """An error with a clear Danish message for the user; ``code`` names the template."""

    def __init__(self, code: str, **kwargs: object) -> None:
        self.code = code
        self.kwargs = kwargs
        template = getattr(Errors, code)
        super().__init__(template.format(**kwargs))

    @property
    def message(self) -> str:
        return str(self)
