"""The bundled, trained models (NER, framing classifier, theme tagger), installed as
``narrativ_nlp.models``; each folder has a model card (README.md). Not code."""
