"""The workflow layer: the only door from the faces (``cli.py``, ``narrativ_nlp.app``) to the core.

Each journey is a function with typed requests and results; the faces import only this package
and its result types.
"""
