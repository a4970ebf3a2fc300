"""User-facing errors: coded messages in Danish (the code, e.g. E001, names the template for support).

Messages never contain narrative text: only file names, line numbers, ids,
field names and counts.
"""

from __future__ import annotations


class Errors:
    """Message templates, keyed by code (after spaCy's ``errors.py``)."""

    E001 = "Filen findes ikke: {path}"
    E002 = "Filen {path} er ikke gyldig UTF-8-tekst. Gem den som UTF-8 og prøv igen."
    E003 = "Filen {path} kunne ikke læses: {detail}"
    E004 = "Miljøvariablen {name} har en ugyldig værdi: {value!r}."
    E005 = "Den medfølgende model {name} mangler eller kan ikke læses: {path}. Geninstallér narrativ (pip install --force-reinstall narrativ) eller angiv en anden modelmappe med --models-dir."
    E006 = "Modellen {path} er lavet med {package} {trained}, men {installed} er installeret. Installér {package}=={trained} eller træn modellen igen."
    E010 = "Fejl i {path}, linje {line}: {detail}"
    E011 = "Ugyldig JSON i {path}, linje {line}: {detail}"
    E012 = "Fejl i {path}, linje {line} (id {id}): {detail}"
    E020 = "Modellen {path} kunne ikke indlæses: {detail}"
    E021 = "Modelmappen {path} findes ikke eller er ikke en spaCy-model."
    E030 = "Teksten er for lang: {n_chars} tegn (højst {max_chars}). Del den op i mindre stykker."
    E031 = "Filen {path} er for stor ({mb} MB; højst {max_mb} MB)."
    E040 = "Kolonnen '{column}' findes ikke i {path}. Kolonner: {columns}"
    E041 = "Filtypen {suffix} understøttes ikke ({path}). Brug .txt, .docx, .csv eller .jsonl."
    E042 = "Filen {path} er beskadiget eller ikke et gyldigt Word-dokument (.docx)."
    E043 = "Uddata-filen {path} findes allerede og bliver ikke overskrevet."
    E044 = "Uddata-mappen må ikke være den samme som inddata-filens mappe: {path}"
    E045 = "Filen {path} har rækker med et andet antal felter end overskriften ({n}): linje {lines}. Et komma eller semikolon i en tekst skal stå i anførselstegn. Ret filen og prøv igen."
    E046 = "Filen {path} er for stor (højst {max_cells} celler, 100 MB udpakket). Del den op i mindre filer."
    E047 = "Fejl i {path}, linje {line}: feltet '{column}' skal være tekst, men er {kind}."
    E048 = "Filen {path} har ingen tekstkolonne, som narrativ kender ({known} …). Kolonner: {columns}. Vælg tekstkolonnen."
    E049 = "Filen {path} er beskadiget eller ikke et gyldigt Excel-regneark (.xlsx)."
    E050 = "Databasen {path} er låst af et andet program. Prøv igen om lidt."
    E051 = "Databasen {path} er beskadiget eller ikke en narrativ-database: {detail}"
    E052 = ("Databasen {path} kan ikke skrives til ({where} er skrivebeskyttet). Giv skriveadgang til filen og "
            "dens mappe, eller vælg en anden database.")
    E053 = ("Databasen {path} er lavet af en nyere version af narrativ (skemaversion {found}; denne version kender "
            "op til {known}). Den bliver ikke ændret. Opdatér narrativ og prøv igen.")
    E054 = ("Databasen {path} passer ikke til narrativ: {detail}. Den er måske ændret af et andet program. "
            "Brug en sikkerhedskopi eller en ny database.")
    E055 = "Databasen {path} findes ikke. Importér narrativer først, eller angiv den rigtige fil med --db."
    E056 = "Angiv hvad der skal slettes: id'er, en gruppe eller en periode. Intet er slettet."
    E057 = "Der findes allerede et tema med id'et «{theme_id}». Vælg et andet id."
    E058 = "Gruppen «{group}» har stadig {n} narrativ(er) og bliver ikke slettet. Slet narrativerne først."
    E059 = ("Narrativerne er slettet, men de gamle data kunne ikke fjernes helt fra filen {path}, fordi databasen er i "
            "brug. Luk andre vinduer med narrativ og prøv igen.")
    E060 = "Ugyldig dato: {value!r}. Brug formatet ÅÅÅÅ-MM-DD."
    E071 = "Teksten er tom: der er intet at gemme."
    E072 = "Disse oplysninger er ikke sat til at blive erstattet: {what}. Sæt flueben ved dem, eller bekræft, at de skal gemmes som de er."
    E073 = "Vælg eller skriv en gruppe (fx stuens navn)."
    E070 = "Spændet {start}-{end} ligger uden for teksten (længde {length})."
    E074 = "To markeringer overlapper hinanden (tegn {prev_start}-{prev_end} og {start}-{end}). Fjern den ene markering, og prøv igen."
    E080 = "Filen {path} er beskadiget eller ikke et gyldigt Word-dokument (.docx): {detail}."
    E081 = "Word-dokumentet {path} består af for mange dele: {n} (højst {max}). Filen afvises."
    E082 = "Word-dokumentet {path} fylder for meget udpakket: {size} MB (højst {max} MB). Filen afvises."
    E083 = ("Word-dokumentet {path} er mistænkeligt stærkt pakket: delen {part} bliver {ratio} gange større "
            "udpakket (højst {max}). Filen afvises som en mulig zip-bombe.")
    E084 = "Word-dokumentet {path} har for mange afsnit: {n} (højst {max}). Del det op i mindre dokumenter."
    E085 = "Word-dokumentet {path} har for mange XML-elementer: {n} (højst {max}). Filen afvises."
    E086 = ("Word-dokumentet {path} indeholder en DTD eller en entitetserklæring (delen {part}). "
            "Det gør et almindeligt Word-dokument aldrig; filen afvises af sikkerhedshensyn.")
    E087 = ("Filen {path} er adgangskodebeskyttet eller i det gamle Word-format (.doc). "
            "Fjern adgangskoden eller gem den som .docx, og prøv igen.")

    E090 = "For mange mislykkede login-forsøg. Prøv igen om {seconds} {unit}."
    E091 = "Temaet «{theme_id}» findes ikke."
    E092 = "Et tema skal have et id og en betegnelse; {field} mangler."
    E110 = "Temaet {id!r} har et ugyldigt id. Brug små bogstaver a-z, tal og _ (2-41 tegn, først et bogstav)."
    E111 = "Temaet {id!r} mangler en betegnelse."
    E112 = "Temaet {id!r} mangler eksempler. Skriv mindst ét eksempel: en sætning eller nogle ord."
    E113 = "Temaet {id!r} findes allerede i kodebogen."
    E114 = "Ukendt periode: {period!r}. Brug 'month' (måned) eller 'quarter' (kvartal)."
    E115 = "Ukendt læreplanstema: {id!r}. Kendte: {known}"
    E116 = "Narrativet {id!r} findes ikke i udvalget."
    E105 = "Den grundige analyse er ikke tilgængelig: {detail}. Den hurtige analyse bruges i stedet."


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
