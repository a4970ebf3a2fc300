"""The narrative store: SQLite through a small repository layer.

What a record means
-------------------
* ``anonymised=True`` says that EVERY identifier detected in the text was either
  replaced or explicitly kept by the user; what was kept is recorded in ``kept``
  (counts per label, e.g. ``{"PERSON": 1}``; ``None`` or ``{}`` when nothing was
  kept). The caller decides: a review in which identifiers were neither replaced
  nor ticked as kept must store ``anonymised=False`` (or not store at all).
  ``fully_handled(detected, replaced, kept)`` computes the flag from counts per label, and
  ``kept_message(kept)`` says in Danish what was kept.
* ``lemmas``: the space-joined content lemmas of the stored (anonymised) text,
  computed by the caller at save so the overview need not recompute them.
* ``themes`` and ``curriculum``: JSON lists of tags (``{"theme", "label", "score",
  "words"}``); leader-defined themes live in ``user_themes`` and their tags in
  ``narrative_user_tags`` (deleted with the narrative or the theme).
* Duplicates are keyed by (text, group, date): the text's ``content_hash`` (white
  space normalised), the group and the date. The same short text from three
  groups or dates is three narratives.

Files and safety
----------------
The schema carries a version (``PRAGMA user_version``) with ordered migrations,
run under ``BEGIN EXCLUSIVE`` with the version re-read inside the transaction, so
two processes creating the same new database never trip over each other. The
database runs in WAL mode (a reader never blocks a writer; a killed writer loses
at most its own uncommitted transaction) with ``secure_delete`` on: ``delete``
zeroes the deleted rows, checkpoints the WAL and vacuums, so the text is gone
from the file afterwards. ``backup`` uses SQLite's online backup API.

Every failure reaches the user as a Danish ``NarrativError``: locked (E050),
damaged (E051), read-only (E052), from a newer narrativ (E053), a schema that
does not match (E054), missing when opened for reading (E055).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from narrativ_nlp.errors import NarrativError

ENV_DB = "NARRATIV_DB"
DEFAULT_GROUP = "Uden gruppe"

MIGRATIONS: list[str] = [
    # 1: groups, narratives, rule feedback
    """
    CREATE TABLE groups (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL
    );
    CREATE TABLE narratives (
        id INTEGER PRIMARY KEY,
        group_id INTEGER NOT NULL REFERENCES groups(id),
        date TEXT,
        author TEXT,
        text TEXT NOT NULL,
        anonymised INTEGER NOT NULL DEFAULT 1,
        content_hash TEXT NOT NULL UNIQUE,
        themes TEXT NOT NULL DEFAULT '[]',
        profile TEXT,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE INDEX narratives_group_date ON narratives(group_id, date);
    CREATE TABLE rule_feedback (
        rule_id TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('accepted', 'edited', 'ignored')),
        count INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (rule_id, action)
    );
    """,
    # 2: lemmas, curriculum and kept identifiers; duplicates keyed by (text, group, date) instead of
    # text alone (SQLite cannot drop a UNIQUE constraint: the table is rebuilt, ids kept and never
    # reused after a delete); leader-defined themes and their tags
    """
    CREATE TABLE narratives_v2 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        group_id INTEGER NOT NULL REFERENCES groups(id),
        date TEXT,
        author TEXT,
        text TEXT NOT NULL,
        anonymised INTEGER NOT NULL DEFAULT 1,
        content_hash TEXT NOT NULL,
        themes TEXT NOT NULL DEFAULT '[]',
        profile TEXT,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        lemmas TEXT,
        curriculum TEXT NOT NULL DEFAULT '[]',
        kept TEXT
    );
    INSERT INTO narratives_v2(id, group_id, date, author, text, anonymised, content_hash, themes, profile,
                              created, updated)
        SELECT id, group_id, date, author, text, anonymised, content_hash, themes, profile, created, updated
        FROM narratives;
    DROP TABLE narratives;
    ALTER TABLE narratives_v2 RENAME TO narratives;
    CREATE INDEX narratives_group_date ON narratives(group_id, date);
    CREATE INDEX narratives_content_hash ON narratives(content_hash);
    CREATE UNIQUE INDEX narratives_text_group_date ON narratives(content_hash, group_id, ifnull(date, ''));
    CREATE TABLE user_themes (
        id INTEGER PRIMARY KEY,
        theme_id TEXT NOT NULL UNIQUE,
        label TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        examples TEXT NOT NULL DEFAULT '[]',
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE TABLE narrative_user_tags (
        narrative_id INTEGER NOT NULL REFERENCES narratives(id) ON DELETE CASCADE,
        theme_id TEXT NOT NULL REFERENCES user_themes(theme_id) ON DELETE CASCADE ON UPDATE CASCADE,
        score REAL,
        words TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (narrative_id, theme_id)
    );
    CREATE INDEX narrative_user_tags_theme ON narrative_user_tags(theme_id);
    """,
    # 3: results derived from a selection of narratives and kept for the next time (the overview's patterns:
    # ``narrativ_nlp.overview.discovery.patterns_table``), keyed by a hash of what they depend on; emptied
    # whenever narratives are deleted
    """
    CREATE TABLE derived (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        created TEXT NOT NULL,
        PRIMARY KEY (kind, key)
    );
    """,
]

#: the columns each table must have at the current schema version (checked at open: a renamed or
#: missing column gets a clear E054 instead of an IndexError later)
SCHEMA: dict[str, tuple[str, ...]] = {
    "groups": ("id", "name", "created"),
    "narratives": ("id", "group_id", "date", "author", "text", "anonymised", "content_hash", "themes", "profile",
                   "created", "updated", "lemmas", "curriculum", "kept"),
    "rule_feedback": ("rule_id", "action", "count"),
    "user_themes": ("id", "theme_id", "label", "description", "examples", "created", "updated"),
    "narrative_user_tags": ("narrative_id", "theme_id", "score", "words"),
    "derived": ("kind", "key", "value", "created"),
}


def default_db_path() -> Path:
    """``--db`` / ``NARRATIV_DB``, else ``narrativ.sqlite3`` in the data folder (``narrativ_nlp.settings``)."""
    from narrativ_nlp.settings import get_settings

    return get_settings().db


def content_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def parse_date(value: str | None) -> str | None:
    """An ISO date (YYYY-MM-DD) or None; anything else raises a Danish message."""
    if value is None or not str(value).strip():
        return None
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise NarrativError("E060", value=str(value)) from None


def fully_handled(detected: Mapping[str, int], replaced: Mapping[str, int],
                  kept: Mapping[str, int] | None = None) -> bool:
    """Whether a text may be stored as ``anonymised=True``: for every label, each detected identifier was
    replaced or explicitly kept (counts per label, e.g. ``{"PERSON": 3}``)."""
    kept = kept or {}
    return all(replaced.get(label, 0) + kept.get(label, 0) >= n for label, n in detected.items() if n > 0)


def kept_message(kept: Mapping[str, int] | None) -> str:
    """What the user kept unanonymised, in Danish ("" when nothing was kept): for the save message."""
    from narrativ_nlp.identifiers.types import LABEL_DA

    parts = [f"{n} × {LABEL_DA.get(label, label).lower()}" for label, n in sorted((kept or {}).items()) if n > 0]
    if not parts:
        return ""
    return "Bevaret uændret efter dit valg: " + ", ".join(parts) + "."


def _statements(script: str) -> list[str]:
    """A migration script split into complete SQL statements (``executescript`` would commit first)."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


@dataclass(frozen=True)
class StoredNarrative:
    id: int
    group: str
    date: str | None
    author: str | None
    text: str
    anonymised: bool
    themes: list[dict[str, Any]]
    profile: dict[str, Any] | None
    created: str
    lemmas: str | None = None
    curriculum: list[dict[str, Any]] = field(default_factory=list)
    kept: dict[str, int] | None = None


@dataclass(frozen=True)
class UserTheme:
    """A theme a leader defined (id, label, description and example sentences)."""

    theme_id: str
    label: str
    description: str
    examples: list[str]
    created: str
    updated: str


class NarrativeStore:
    """Repository for narratives, groups, leader-defined themes and rule feedback.

    ``create=False`` opens an existing database only (for reading, e.g. the
    overview): a missing file raises E055 and no empty database is created.
    """

    def __init__(self, path: str | Path | None = None, timeout: float = 5.0, create: bool = True) -> None:
        self.path = Path(path) if path else default_db_path()
        self.last_purge_complete: bool | None = None
        self.conn: sqlite3.Connection | None = None
        if not create and not self.path.is_file():
            raise NarrativError("E055", path=str(self.path))
        self._check_writable(create)
        try:
            if create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            else:  # mode=rw: never creates the file, even if it vanished since the check above
                uri = self.path.resolve().as_uri() + "?mode=rw"
                self.conn = sqlite3.connect(uri, timeout=timeout, isolation_level=None, uri=True)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA secure_delete=ON")  # deleted text is zeroed, not left in free pages
            self._refuse_newer()  # before the switch to WAL, which would write to the file
            self._wal(timeout)
            self._migrate()
            self._check_schema()
        except sqlite3.Error as exc:
            self.close()
            self._raise(exc)
        except NarrativError:
            self.close()
            raise

    # ------------------------------------------------------------ opening, errors, transactions
    def _check_writable(self, create: bool) -> None:
        """E052 when the file, or the folder that must hold the -wal/-shm files, is not writable."""
        if self.path.exists():
            if not os.access(self.path, os.R_OK | os.W_OK):
                raise NarrativError("E052", path=str(self.path), where="filen")
            folder = self.path.parent
        else:
            if not create:
                raise NarrativError("E055", path=str(self.path))
            folder = self.path.parent
            while not folder.exists() and folder != folder.parent:  # the nearest folder that exists
                folder = folder.parent
        if folder.exists() and not os.access(folder, os.W_OK | os.X_OK):
            raise NarrativError("E052", path=str(self.path), where="mappen")

    def _wal(self, timeout: float) -> None:
        """Switch to WAL mode. The switch needs a moment alone with the file and SQLite answers "busy" at
        once rather than waiting (another process may be creating the same new database): retry until
        ``timeout``."""
        assert self.conn is not None
        deadline = time.monotonic() + timeout
        delay = 0.005
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                busy = (getattr(exc, "sqlite_errorname", "") or "").startswith("SQLITE_BUSY") or "locked" in str(exc)
                if not busy or time.monotonic() + delay > deadline:
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 0.1)

    def _raise(self, exc: sqlite3.Error) -> None:
        name = getattr(exc, "sqlite_errorname", "") or ""
        msg = str(exc).lower()
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in msg or "busy" in msg:
            raise NarrativError("E050", path=str(self.path)) from exc
        if name.startswith("SQLITE_READONLY") or "readonly" in msg or "read-only" in msg:
            raise NarrativError("E052", path=str(self.path), where="filen eller mappen") from exc
        if name.startswith("SQLITE_CANTOPEN") or "unable to open" in msg:
            where = "mappen" if self.path.exists() or not self.path.parent.exists() else "filen"
            raise NarrativError("E052", path=str(self.path), where=where) from exc
        if isinstance(exc, sqlite3.OperationalError) and ("no such column" in msg or "no such table" in msg
                                                          or "has no column" in msg):
            raise NarrativError("E054", path=str(self.path), detail="en tabel eller kolonne mangler") from exc
        raise NarrativError("E051", path=str(self.path), detail=name or type(exc).__name__) from exc

    @contextmanager
    def _tx(self, mode: str = "IMMEDIATE") -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``: the write lock is taken at once, no upgrade deadlock)."""
        assert self.conn is not None
        try:
            self.conn.execute(f"BEGIN {mode}")
        except sqlite3.Error as exc:
            self._raise(exc)
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            self._raise(exc)
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self.conn is not None and self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def _query(self, sql: str, args: Iterable[Any] = ()) -> list[sqlite3.Row]:
        assert self.conn is not None
        try:
            return self.conn.execute(sql, tuple(args)).fetchall()
        except sqlite3.Error as exc:
            self._raise(exc)
            raise  # unreachable

    @property
    def schema_version(self) -> int:
        assert self.conn is not None
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _refuse_newer(self) -> None:
        version = self.schema_version
        if version > len(MIGRATIONS):
            raise NarrativError("E053", path=str(self.path), found=version, known=len(MIGRATIONS))

    def _migrate(self) -> None:
        """Run the missing migrations under an exclusive lock, re-reading the version inside it."""
        version = self.schema_version
        if version > len(MIGRATIONS):
            raise NarrativError("E053", path=str(self.path), found=version, known=len(MIGRATIONS))
        if version == len(MIGRATIONS):
            return
        with self._tx("EXCLUSIVE") as c:
            version = self.schema_version  # another process may have migrated meanwhile
            if version > len(MIGRATIONS):
                raise NarrativError("E053", path=str(self.path), found=version, known=len(MIGRATIONS))
            if version == 0 and c.execute("SELECT COUNT(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
                                          ).fetchone()[0]:
                # another program's database: never add narrativ's tables to it
                raise NarrativError("E051", path=str(self.path), detail="et andet programs database")
            for i, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in _statements(script):
                    c.execute(statement)
                c.execute(f"PRAGMA user_version={i}")

    def _check_schema(self) -> None:
        """E054 when a table or column the code relies on is missing (renamed by another program)."""
        for table, columns in SCHEMA.items():
            have = {r[1] for r in self._query(f"PRAGMA table_info({table})")}
            if not have:
                raise NarrativError("E054", path=str(self.path), detail=f"tabellen «{table}» mangler")
            missing = [c for c in columns if c not in have]
            if missing:
                raise NarrativError("E054", path=str(self.path),
                                    detail=f"kolonnen «{missing[0]}» mangler i tabellen «{table}»")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def __enter__(self) -> NarrativeStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ groups
    def group_id(self, name: str) -> int:
        """The id of the group ``name`` (created when new; an empty name is "Uden gruppe")."""
        row = self._query("SELECT id FROM groups WHERE name = ?", ((name or "").strip() or DEFAULT_GROUP,))
        if row:
            return int(row[0][0])
        with self._tx() as c:
            return self._group_id_in(c, name)

    def groups(self) -> list[str]:
        return [r[0] for r in self._query("SELECT name FROM groups ORDER BY name")]

    @staticmethod
    def _group_id_in(c: sqlite3.Connection, name: str | None) -> int:
        name = (name or "").strip() or DEFAULT_GROUP
        row = c.execute("SELECT id FROM groups WHERE name = ?", (name,)).fetchone()
        if row:
            return int(row[0])
        return int(c.execute("INSERT INTO groups(name, created) VALUES (?, ?)", (name, _now())).lastrowid)

    def delete_group(self, name: str) -> bool:
        """Delete a group that has no narratives left (E058 otherwise); False when there is no such group.

        The name is purged from the file like deleted text (a group name may be a child's name).
        """
        with self._tx() as c:
            row = c.execute("SELECT id FROM groups WHERE name = ?", (name,)).fetchone()
            if row is None:
                return False
            n = int(c.execute("SELECT COUNT(*) FROM narratives WHERE group_id = ?", (row[0],)).fetchone()[0])
            if n:
                raise NarrativError("E058", group=name, n=n)
            c.execute("DELETE FROM groups WHERE id = ?", (row[0],))
        self._purge_or_raise()
        return True

    # ------------------------------------------------------------ narratives
    def add(self, text: str, group: str, date: str | None = None, author: str | None = None,
            themes: list[dict[str, Any]] | None = None, profile: dict[str, Any] | None = None,
            anonymised: bool = True, lemmas: str | None = None, curriculum: list[dict[str, Any]] | None = None,
            kept: dict[str, int] | None = None) -> int | None:
        """Store a narrative; return its id, or None when the same text is stored for the same group and date.

        ``anonymised``: True only when every detected identifier was replaced or explicitly kept
        (``kept``: counts per label of what the user kept on purpose); see the module docstring.
        """
        row = {"text": text, "group": group, "date": date, "author": author, "themes": themes, "profile": profile,
               "anonymised": anonymised, "lemmas": lemmas, "curriculum": curriculum, "kept": kept}
        self._validate(row)
        with self._tx() as c:
            return self._insert(c, row)

    def add_many(self, rows: list[dict[str, Any]]) -> tuple[int, int]:
        """Store many narratives in one transaction; returns (stored, duplicates).

        Each row: ``text`` and optional ``group``, ``date``, ``author``, ``themes``, ``profile``,
        ``anonymised`` (default True), ``lemmas``, ``curriculum``, ``kept``. Every row is checked
        before anything is stored; a bad date stores nothing.
        """
        for r in rows:
            self._validate(r)
        stored = dup = 0
        with self._tx() as c:
            for r in rows:
                if self._insert(c, r) is None:
                    dup += 1
                else:
                    stored += 1
        return stored, dup

    @staticmethod
    def _validate(r: dict[str, Any]) -> None:
        text = r.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ValueError("an empty narrative is not stored")
        parse_date(r.get("date"))  # E060 before anything is written

    def _insert(self, c: sqlite3.Connection, r: dict[str, Any]) -> int | None:
        gid = self._group_id_in(c, r.get("group"))
        now = _now()
        kept = r.get("kept")
        cur = c.execute(
            "INSERT INTO narratives(group_id, date, author, text, anonymised, content_hash, themes, profile, created,"
            " updated, lemmas, curriculum, kept) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (gid, parse_date(r.get("date")), r.get("author"), r["text"], int(bool(r.get("anonymised", True))),
             content_hash(r["text"]), _json(r.get("themes") or []),
             None if r.get("profile") is None else _json(r["profile"]), now, now, r.get("lemmas"),
             _json(r.get("curriculum") or []), _json(kept) if kept else None),
        )
        return int(cur.lastrowid) if cur.rowcount == 1 else None

    def narratives(self, group: str | None = None, since: str | None = None, until: str | None = None,
                   ids: Iterable[int] | None = None) -> list[StoredNarrative]:
        where, args = self._where(ids, group, since, until)
        rows = self._query("SELECT n.*, g.name AS group_name FROM narratives n JOIN groups g ON g.id = n.group_id"
                           f" WHERE {where} ORDER BY n.date, n.id", args)
        try:
            return [
                StoredNarrative(r["id"], r["group_name"], r["date"], r["author"], r["text"], bool(r["anonymised"]),
                                json.loads(r["themes"]), None if r["profile"] is None else json.loads(r["profile"]),
                                r["created"], r["lemmas"], json.loads(r["curriculum"]),
                                None if r["kept"] is None else json.loads(r["kept"]))
                for r in rows
            ]
        except (IndexError, KeyError, ValueError, TypeError) as exc:
            raise NarrativError("E054", path=str(self.path), detail="en række har ugyldige felter") from exc

    @staticmethod
    def _where(ids: Iterable[int] | None, group: str | None, since: str | None,
               until: str | None) -> tuple[str, list[Any]]:
        sql = "1=1"
        args: list[Any] = []
        if ids is not None:
            id_list = [int(i) for i in ids]
            sql += f" AND n.id IN ({','.join('?' * len(id_list))})" if id_list else " AND 0"
            args.extend(id_list)
        if group:
            sql += " AND n.group_id = (SELECT id FROM groups WHERE name = ?)"
            args.append(group)
        if since:
            sql += " AND n.date >= ?"
            args.append(parse_date(since))
        if until:
            sql += " AND n.date <= ?"
            args.append(parse_date(until))
        return sql, args

    def last_id(self) -> int | None:
        row = self.conn.execute("SELECT max(id) FROM narratives").fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def placeholder_keys(self) -> set[tuple[str, str, str | None]]:
        """(text without placeholder numbers, group, date) of every stored narrative: duplicates."""
        from narrativ_nlp.workflows.narratives import placeholder_key

        return {(placeholder_key(n.text), n.group, n.date) for n in self.narratives()}

    def count(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM narratives")[0][0])

    # ------------------------------------------------------------ erasure
    def delete(self, ids: Iterable[int] | None = None, group: str | None = None, since: str | None = None,
               until: str | None = None) -> int:
        """Delete the narratives matching ALL the given criteria in one transaction; returns how many.

        At least one criterion is required (E056: nothing is deleted by accident); narratives
        without a date match no period. Afterwards the deleted text is gone from the file:
        ``secure_delete`` zeroes it, the WAL is checkpointed and truncated, and the database
        vacuumed. When another connection keeps the WAL from being truncated, the rows are deleted
        but E059 says the file could not be cleaned yet (``purge()`` retries).
        """
        if ids is None and not group and not since and not until:
            raise NarrativError("E056")
        where, args = self._where(ids, group, since, until)
        with self._tx() as c:
            n = c.execute(f"DELETE FROM narratives AS n WHERE {where}", args).rowcount
            if n:  # results derived from the deleted narratives go with them
                c.execute("DELETE FROM derived")
        if n:
            self._purge_or_raise()
        return int(n)

    def purge(self) -> bool:
        """Checkpoint and truncate the WAL, vacuum, and truncate again; True when the file holds no old pages."""
        assert self.conn is not None
        try:
            ok = self._checkpoint()
            self.conn.execute("VACUUM")
            ok = self._checkpoint() and ok
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc).lower() or "busy" in str(exc).lower():
                ok = False
            else:
                self._raise(exc)
        self.last_purge_complete = ok
        return ok

    def _checkpoint(self) -> bool:
        assert self.conn is not None
        busy, _log, _done = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return busy == 0

    def _purge_or_raise(self) -> None:
        if not self.purge():
            raise NarrativError("E059", path=str(self.path))

    # ------------------------------------------------------------ derived results (a cache)
    def derived(self, kind: str, key: str) -> str | None:
        """A result derived from stored narratives and kept by ``put_derived`` (None when there is none)."""
        rows = self._query("SELECT value FROM derived WHERE kind = ? AND key = ?", (kind, key))
        return rows[0][0] if rows else None

    def put_derived(self, kind: str, key: str, value: str, keep: int = 64) -> None:
        """Keep ``value`` (text, e.g. JSON) under (``kind``, ``key``); only the newest ``keep`` of a kind stay.
        The whole table is emptied when narratives are deleted (``delete``), so nothing derived from a
        deleted text stays behind."""
        with self._tx() as c:
            c.execute("INSERT OR REPLACE INTO derived(kind, key, value, created) VALUES (?, ?, ?, ?)",
                      (kind, key, value, _now()))
            c.execute("DELETE FROM derived WHERE kind = ? AND rowid NOT IN "
                      "(SELECT rowid FROM derived WHERE kind = ? ORDER BY created DESC, rowid DESC LIMIT ?)",
                      (kind, kind, max(1, int(keep))))

    def clear_derived(self, kind: str | None = None) -> int:
        """Forget derived results (of one kind, or all); returns how many."""
        with self._tx() as c:
            if kind is None:
                return int(c.execute("DELETE FROM derived").rowcount)
            return int(c.execute("DELETE FROM derived WHERE kind = ?", (kind,)).rowcount)

    # ------------------------------------------------------------ backup
    def backup(self, dest: str | Path) -> Path:
        """Copy the database to ``dest`` with SQLite's online backup API (consistent while in use).

        Refuses an existing ``dest`` (E043). The copy is written beside ``dest`` with mode 0600
        and moved into place only when complete.
        """
        assert self.conn is not None
        dest = Path(dest)
        if dest.exists():
            raise NarrativError("E043", path=str(dest))
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".narrativ-backup-", suffix=".sqlite3")
        os.close(fd)
        tmp_path = Path(tmp)
        try:
            target = sqlite3.connect(tmp_path)
            try:
                self.conn.backup(target)
            finally:
                target.close()
            try:
                os.link(tmp_path, dest)  # never replaces a file that appeared meanwhile
            except FileExistsError:
                raise NarrativError("E043", path=str(dest)) from None
            except OSError:  # a file system without hard links
                if dest.exists():
                    raise NarrativError("E043", path=str(dest)) from None
                os.replace(tmp_path, dest)
        except sqlite3.Error as exc:
            self._raise(exc)
        finally:
            for p in (tmp_path, Path(tmp + "-journal")):
                if p.exists():
                    p.unlink()
        return dest

    # ------------------------------------------------------------ leader-defined themes
    def add_user_theme(self, theme_id: str, label: str, description: str = "",
                       examples: Iterable[str] = ()) -> UserTheme:
        """A new leader-defined theme (E057 when the id is taken, E092 without id or label)."""
        theme_id, label = (theme_id or "").strip(), (label or "").strip()
        if not theme_id:
            raise NarrativError("E092", field="id")
        if not label:
            raise NarrativError("E092", field="betegnelse")
        now = _now()
        with self._tx() as c:
            cur = c.execute("INSERT INTO user_themes(theme_id, label, description, examples, created, updated)"
                            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(theme_id) DO NOTHING",
                            (theme_id, label, description or "", _json(list(examples)), now, now))
            if cur.rowcount == 0:
                raise NarrativError("E057", theme_id=theme_id)
        return UserTheme(theme_id, label, description or "", list(examples), now, now)

    def user_themes(self) -> list[UserTheme]:
        return [self._user_theme(r) for r in self._query("SELECT * FROM user_themes ORDER BY label, theme_id")]

    def user_theme(self, theme_id: str) -> UserTheme | None:
        rows = self._query("SELECT * FROM user_themes WHERE theme_id = ?", (theme_id,))
        return self._user_theme(rows[0]) if rows else None

    @staticmethod
    def _user_theme(r: sqlite3.Row) -> UserTheme:
        return UserTheme(r["theme_id"], r["label"], r["description"], json.loads(r["examples"]), r["created"],
                         r["updated"])

    def update_user_theme(self, theme_id: str, label: str | None = None, description: str | None = None,
                          examples: Iterable[str] | None = None) -> UserTheme:
        """Change the given fields of a theme (E091 when it does not exist, E092 for an empty label)."""
        if label is not None and not label.strip():
            raise NarrativError("E092", field="betegnelse")
        sets, args = ["updated = ?"], [_now()]
        if label is not None:
            sets.append("label = ?")
            args.append(label.strip())
        if description is not None:
            sets.append("description = ?")
            args.append(description)
        if examples is not None:
            sets.append("examples = ?")
            args.append(_json(list(examples)))
        with self._tx() as c:
            if c.execute(f"UPDATE user_themes SET {', '.join(sets)} WHERE theme_id = ?",
                         (*args, theme_id)).rowcount == 0:
                raise NarrativError("E091", theme_id=theme_id)
        theme = self.user_theme(theme_id)
        assert theme is not None
        return theme

    def delete_user_theme(self, theme_id: str) -> bool:
        """Delete a theme and its tags; False when there was no such theme."""
        with self._tx() as c:
            return c.execute("DELETE FROM user_themes WHERE theme_id = ?", (theme_id,)).rowcount > 0

    def set_user_tags(self, narrative_id: int, tags: Iterable[dict[str, Any]]) -> None:
        """Replace a narrative's tags of leader-defined themes: ``[{"theme_id", "score", "words"}]`` (E091 for an
        unknown theme)."""
        tags = list(tags)
        with self._tx() as c:
            c.execute("DELETE FROM narrative_user_tags WHERE narrative_id = ?", (narrative_id,))
            for t in tags:
                if c.execute("SELECT 1 FROM user_themes WHERE theme_id = ?", (t["theme_id"],)).fetchone() is None:
                    raise NarrativError("E091", theme_id=t["theme_id"])
                c.execute("INSERT INTO narrative_user_tags(narrative_id, theme_id, score, words) VALUES (?, ?, ?, ?)",
                          (narrative_id, t["theme_id"], t.get("score"), _json(list(t.get("words") or []))))

    def user_tags(self, narrative_ids: Iterable[int] | None = None) -> dict[int, list[dict[str, Any]]]:
        """Tags of leader-defined themes per narrative id (best score first)."""
        sql, args = "SELECT * FROM narrative_user_tags", []
        if narrative_ids is not None:
            id_list = [int(i) for i in narrative_ids]
            sql += f" WHERE narrative_id IN ({','.join('?' * len(id_list))})" if id_list else " WHERE 0"
            args = id_list
        out: dict[int, list[dict[str, Any]]] = {}
        for r in self._query(sql + " ORDER BY narrative_id, score DESC, theme_id", args):
            out.setdefault(int(r["narrative_id"]), []).append(
                {"theme_id": r["theme_id"], "score": r["score"], "words": json.loads(r["words"])})
        return out

    # ------------------------------------------------------------ rule feedback (text-free)
    def record_feedback(self, rule_id: str, action: str) -> None:
        """Count that a user accepted, edited or ignored a finding of ``rule_id`` (no text)."""
        with self._tx() as c:
            c.execute(
                "INSERT INTO rule_feedback(rule_id, action, count) VALUES (?, ?, 1)"
                " ON CONFLICT(rule_id, action) DO UPDATE SET count = count + 1",
                (rule_id, action),
            )

    def feedback(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for r in self._query("SELECT rule_id, action, count FROM rule_feedback ORDER BY rule_id"):
            out.setdefault(r[0], {})[r[1]] = r[2]
        return out


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
