"""Looking after the store: back it up, restore it, and erase narratives (the right to erasure)."""

from __future__ import annotations

import shutil
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.store import NarrativeStore


def backup(dest: str | Path, db: str | Path | None = None) -> Path:
    """A consistent copy of the database (SQLite's online backup API: safe while the app runs;
    copying the file alone is not, the store runs in WAL mode). Never overwrites ``dest``."""
    with closing(NarrativeStore(db, create=False)) as store:
        return store.backup(dest)


def restore(src: str | Path, db: str | Path | None = None, force: bool = False) -> Path:
    """Put a backup in place of the database (stop the app first). The backup is opened and
    checked before anything is replaced; an existing database is replaced only with ``force``."""
    from narrativ_nlp.settings import get_settings

    src = Path(src)
    target = Path(db) if db else get_settings().db
    with closing(NarrativeStore(src, create=False)) as check:  # a damaged or foreign file fails here
        check.count()
    if target.exists() and not force:
        raise NarrativError("E043", path=str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):  # an old WAL must not be replayed onto the restored file
        Path(str(target) + suffix).unlink(missing_ok=True)
    tmp = target.with_name(target.name + ".gendanner")
    shutil.copyfile(src, tmp)
    tmp.chmod(0o600)
    tmp.replace(target)
    return target


@dataclass(frozen=True)
class DeleteSelection:
    ids: tuple[int, ...] = ()
    group: str | None = None
    since: str | None = None
    until: str | None = None

    def describe(self) -> str:
        parts = []
        if self.ids:
            parts.append("nr. " + ", ".join(str(i) for i in self.ids))
        if self.group:
            parts.append(f"gruppen »{self.group}«")
        if self.since or self.until:
            parts.append(f"perioden {self.since or '…'} – {self.until or '…'}")
        return " og ".join(parts) or "intet"


def count_selected(sel: DeleteSelection, db: str | Path | None = None) -> int:
    """How many narratives ``sel`` matches (to show before the user confirms)."""
    with closing(NarrativeStore(db, create=False)) as store:
        found = store.narratives(group=sel.group, since=sel.since, until=sel.until,
                                 ids=list(sel.ids) if sel.ids else None)
        if sel.ids:
            found = [n for n in found if n.id in set(sel.ids)]
        return len(found)


def delete(sel: DeleteSelection, db: str | Path | None = None) -> int:
    """Delete the matching narratives; their text is gone from the file afterwards (E059 says
    when another program kept the file busy and the clean-up must be retried). The overview's kept patterns
    and chart files (derived from stored narratives) are forgotten too, in the store and in memory."""
    from narrativ_nlp.overview import forget

    try:
        with closing(NarrativeStore(db, create=False)) as store:
            return store.delete(ids=list(sel.ids) or None, group=sel.group, since=sel.since, until=sel.until)
    finally:
        forget()
