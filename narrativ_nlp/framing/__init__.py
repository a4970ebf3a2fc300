"""Framing: deficit- and resource-focused phrasing, suggestions and the narrative profile."""
