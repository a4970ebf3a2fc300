"""Identifier recognizers, one class per module, combined by ``IdentifierEngine``."""

from narrativ_nlp.identifiers.recognizers.address_recognizer import AddressRecognizer
from narrativ_nlp.identifiers.recognizers.character_recognizer import CharacterRecognizer
from narrativ_nlp.identifiers.recognizers.base import Recognizer, RecognizerContext
from narrativ_nlp.identifiers.recognizers.context_recognizer import ContextRecognizer
from narrativ_nlp.identifiers.recognizers.cpr_recognizer import CprRecognizer
from narrativ_nlp.identifiers.recognizers.email_recognizer import EmailRecognizer
from narrativ_nlp.identifiers.recognizers.gazetteer_recognizer import GazetteerRecognizer
from narrativ_nlp.identifiers.recognizers.initials_recognizer import InitialsRecognizer
from narrativ_nlp.identifiers.recognizers.institution_recognizer import InstitutionRecognizer
from narrativ_nlp.identifiers.recognizers.ner_recognizer import NerRecognizer
from narrativ_nlp.identifiers.recognizers.phone_recognizer import PhoneRecognizer
from narrativ_nlp.identifiers.recognizers.phrase_recognizer import PhraseRecognizer
from narrativ_nlp.identifiers.recognizers.place_recognizer import PlaceRecognizer
from narrativ_nlp.identifiers.recognizers.proper_noun_recognizer import ProperNounRecognizer
from narrativ_nlp.identifiers.recognizers.room_recognizer import RoomRecognizer

#: registry name (as in ``data/identifiers.yaml``) → recognizer class
RECOGNIZERS: dict[str, type[Recognizer]] = {
    "ner": NerRecognizer,
    "gazetteer": GazetteerRecognizer,
    "context": ContextRecognizer,
    "proper_noun": ProperNounRecognizer,
    "initials": InitialsRecognizer,
    "cpr": CprRecognizer,
    "phone": PhoneRecognizer,
    "email": EmailRecognizer,
    "address": AddressRecognizer,
    "institution": InstitutionRecognizer,
    "room": RoomRecognizer,
    "characters": CharacterRecognizer,
    "places": PlaceRecognizer,
    "phrases": PhraseRecognizer,
}

__all__ = ["RECOGNIZERS", "Recognizer", "RecognizerContext"] + [c.__name__ for c in RECOGNIZERS.values()]
