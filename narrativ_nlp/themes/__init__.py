"""Themes: the codebook, multi-label theme tagging and unsupervised theme discovery."""

from narrativ_nlp.themes.codebook import Theme, ThemeCodebook

__all__ = ["Theme", "ThemeCodebook"]
