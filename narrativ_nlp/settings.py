"""Settings, read once: where data and models live, which NER model, the app's address and password.

Every setting comes from (in this order) a command-line option (``configure``), an environment
variable, or the default below. The README lists every variable.

| setting | variable | default |
| --- | --- | --- |
| data_dir | ``NARRATIV_DATA_DIR`` | ``$XDG_DATA_HOME/narrativ`` or ``~/.local/share/narrativ`` |
| db | ``NARRATIV_DB`` | ``data_dir/narrativ.sqlite3`` |
| models_dir | ``NARRATIV_MODELS_DIR`` | the bundled models (package ``narrativ_nlp.models``) |
| ner_model | ``NARRATIV_NER_MODEL`` | an installed ``da_core_news_*``, else the bundled ``ner-da`` |
| auth | ``NARRATIV_AUTH`` (or ``NARRATIV_APP_AUTH``) | none (the app binds to 127.0.0.1) |
| host, port | ``NARRATIV_HOST``, ``NARRATIV_PORT`` | 127.0.0.1, 7860 |
| reflection_cards | ``NARRATIV_REFLECTION_CARDS`` | the bundled ``reflection_cards.yaml`` |

Nothing here imports spaCy, pandas or Gradio: reading settings is instant.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

ENV = {
    "data_dir": "NARRATIV_DATA_DIR",
    "db": "NARRATIV_DB",
    "models_dir": "NARRATIV_MODELS_DIR",
    "ner_model": "NARRATIV_NER_MODEL",
    "auth": "NARRATIV_AUTH",
    "host": "NARRATIV_HOST",
    "port": "NARRATIV_PORT",
    "reflection_cards": "NARRATIV_REFLECTION_CARDS",
}
LOCALHOST = "127.0.0.1"


def bundled_models_dir() -> Path:
    """The models installed with the package (the repository's top-level ``models/``)."""
    from importlib import resources

    return Path(str(resources.files("narrativ_nlp.models")))


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    db: Path
    models_dir: Path
    ner_model: str | None = None
    auth: str | None = None
    host: str = LOCALHOST
    port: int = 7860
    reflection_cards: Path | None = None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        data_dir = Path(env.get(ENV["data_dir"]) or Path(base) / "narrativ")
        port = env.get(ENV["port"]) or "7860"
        try:
            port_number = int(port)
        except ValueError:
            from narrativ_nlp.errors import NarrativError

            raise NarrativError("E004", name=ENV["port"], value=port) from None
        cards = env.get(ENV["reflection_cards"])
        return cls(
            data_dir=data_dir,
            db=Path(env.get(ENV["db"]) or data_dir / "narrativ.sqlite3"),
            models_dir=Path(env.get(ENV["models_dir"]) or bundled_models_dir()),
            ner_model=env.get(ENV["ner_model"]) or None,
            auth=env.get(ENV["auth"]) or env.get("NARRATIV_APP_AUTH") or None,
            host=env.get(ENV["host"]) or LOCALHOST,
            port=port_number,
            reflection_cards=Path(cards) if cards else None,
        )

    def source_of(self, name: str) -> str:
        """Where a setting came from, in Danish: a command-line option, a variable, or the default."""
        if name in _overridden:
            return "kommandolinjen"
        var = ENV.get(name)
        if var and os.environ.get(var):
            return var
        return "standard"


_overrides: dict[str, object] = {}
_overridden = _overrides  # the names given on the command line


def get_settings() -> Settings:
    """The settings in force: the environment as it is now, under the command-line overrides.

    Read on every call (cheap: no file is opened), so a changed environment is always seen."""
    settings = Settings.from_env()
    return replace(settings, **_overrides) if _overrides else settings


def configure(**overrides: object) -> Settings:
    """Override settings for this process (the CLI's global options); ``None`` values are ignored."""
    names = {f.name for f in fields(Settings)}
    given = {k: v for k, v in overrides.items() if v is not None}
    unknown = set(given) - names
    if unknown:
        raise TypeError(f"unknown settings {sorted(unknown)}")
    for key in ("data_dir", "db", "models_dir", "reflection_cards"):
        if key in given:
            given[key] = Path(str(given[key])).expanduser()
    if "data_dir" in given and "db" not in given and "db" not in _overrides and not os.environ.get(ENV["db"]):
        given["db"] = given["data_dir"] / "narrativ.sqlite3"
    _overrides.update(given)
    return get_settings()


def reset() -> None:
    """Forget the command-line overrides (tests)."""
    _overrides.clear()
