"""The narrative store: SQLite through a small repository layer.

Only anonymised text is stored unless the caller explicitly says otherwise
(``anonymised=False`` is recorded with the row). The schema carries a version
with ordered migrations; the database runs in WAL mode so a reader never blocks
a writer, and a killed writer loses at most its own uncommitted transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from narrativ_nlp.errors import NarrativError

ENV_DB = "NARRATIV_DB"

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
]


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


class NarrativeStore:
    """Repository for narratives, groups and rule feedback."""

    def __init__(self, path: str | Path | None = None, timeout: float = 5.0, create: bool = True) -> None:
        self.path = Path(path) if path else default_db_path()
        if not create and not self.path.is_file():
            raise NarrativError("E052", path=str(self.path))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(self.path, timeout=timeout)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._raise(exc)

    def _raise(self, exc: sqlite3.Error) -> None:
        if "locked" in str(exc) or "busy" in str(exc):
            raise NarrativError("E050", path=str(self.path)) from exc
        raise NarrativError("E051", path=str(self.path), detail=type(exc).__name__) from exc

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        try:
            with self.conn:
                yield self.conn
        except sqlite3.OperationalError as exc:
            self._raise(exc)

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = self.schema_version
        for i, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.conn:
                self.conn.executescript("BEGIN;" + script + f"PRAGMA user_version={i};COMMIT;")

    def close(self) -> None:
        self.conn.close()

    # ------------------------------------------------------------ groups
    def group_id(self, name: str) -> int:
        name = name.strip() or "Uden gruppe"
        row = self.conn.execute("SELECT id FROM groups WHERE name = ?", (name,)).fetchone()
        if row:
            return int(row[0])
        with self._tx() as c:
            cur = c.execute("INSERT INTO groups(name, created) VALUES (?, ?)", (name, _now()))
            return int(cur.lastrowid)

    def groups(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM groups ORDER BY name")]

    # ------------------------------------------------------------ narratives
    def add(self, text: str, group: str, date: str | None = None, author: str | None = None,
            themes: list[dict[str, Any]] | None = None, profile: dict[str, Any] | None = None,
            anonymised: bool = True) -> int | None:
        """Store a narrative; return its id, or None when the same text is stored already."""
        if not text.strip():
            raise ValueError("an empty narrative is not stored")
        h = content_hash(text)
        if self.conn.execute("SELECT 1 FROM narratives WHERE content_hash = ?", (h,)).fetchone():
            return None
        gid = self.group_id(group)
        now = _now()
        with self._tx() as c:
            cur = c.execute(
                "INSERT INTO narratives(group_id, date, author, text, anonymised, content_hash, themes, profile, created, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (gid, parse_date(date), author, text, int(anonymised), h, json.dumps(themes or [], ensure_ascii=False),
                 None if profile is None else json.dumps(profile, ensure_ascii=False), now, now),
            )
            return int(cur.lastrowid)

    def add_many(self, rows: list[dict[str, Any]]) -> tuple[int, int]:
        """Store many narratives in one transaction; returns (stored, duplicates)."""
        stored = dup = 0
        with self._tx() as c:
            for r in rows:
                h = content_hash(r["text"])
                if c.execute("SELECT 1 FROM narratives WHERE content_hash = ?", (h,)).fetchone():
                    dup += 1
                    continue
                gid = self._group_id_in(c, r.get("group") or "Uden gruppe")
                now = _now()
                c.execute(
                    "INSERT INTO narratives(group_id, date, author, text, anonymised, content_hash, themes, profile, created, updated)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (gid, parse_date(r.get("date")), r.get("author"), r["text"], int(r.get("anonymised", True)), h,
                     json.dumps(r.get("themes") or [], ensure_ascii=False),
                     None if r.get("profile") is None else json.dumps(r["profile"], ensure_ascii=False), now, now),
                )
                stored += 1
        return stored, dup

    @staticmethod
    def _group_id_in(c: sqlite3.Connection, name: str) -> int:
        row = c.execute("SELECT id FROM groups WHERE name = ?", (name,)).fetchone()
        if row:
            return int(row[0])
        return int(c.execute("INSERT INTO groups(name, created) VALUES (?, ?)", (name, _now())).lastrowid)

    def narratives(self, group: str | None = None, since: str | None = None, until: str | None = None) -> list[StoredNarrative]:
        sql = ("SELECT n.*, g.name AS group_name FROM narratives n JOIN groups g ON g.id = n.group_id WHERE 1=1")
        args: list[Any] = []
        if group:
            sql += " AND g.name = ?"
            args.append(group)
        if since:
            sql += " AND n.date >= ?"
            args.append(parse_date(since))
        if until:
            sql += " AND n.date <= ?"
            args.append(parse_date(until))
        sql += " ORDER BY n.date, n.id"
        try:
            rows = self.conn.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as exc:
            self._raise(exc)
        return [
            StoredNarrative(r["id"], r["group_name"], r["date"], r["author"], r["text"], bool(r["anonymised"]),
                            json.loads(r["themes"]), None if r["profile"] is None else json.loads(r["profile"]), r["created"])
            for r in rows
        ]

    def last_id(self) -> int | None:
        row = self.conn.execute("SELECT max(id) FROM narratives").fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def placeholder_keys(self) -> set[tuple[str, str, str | None]]:
        """(text without placeholder numbers, group, date) of every stored narrative: duplicates."""
        from narrativ_nlp.workflows.narratives import placeholder_key

        return {(placeholder_key(n.text), n.group, n.date) for n in self.narratives()}

    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM narratives").fetchone()[0])

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
        for r in self.conn.execute("SELECT rule_id, action, count FROM rule_feedback ORDER BY rule_id"):
            out.setdefault(r[0], {})[r[1]] = r[2]
        return out


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
