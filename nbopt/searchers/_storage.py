"""SQLite storage for searches: every finished trial committed at once, resumable."""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from nbopt.searchers._base import Trial

__all__ = ["Storage", "StudyMismatchError"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS studies (
    study_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    direction TEXT NOT NULL,
    space TEXT NOT NULL,
    method TEXT,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS trials (
    study_id INTEGER NOT NULL REFERENCES studies(study_id),
    number INTEGER NOT NULL,
    state TEXT NOT NULL,
    params TEXT NOT NULL,
    value REAL,
    error TEXT,
    duration REAL,
    metrics TEXT NOT NULL,
    info TEXT NOT NULL,
    datetime_start TEXT,
    datetime_complete TEXT,
    PRIMARY KEY (study_id, number)
);
CREATE TABLE IF NOT EXISTS intermediate_values (
    study_id INTEGER NOT NULL,
    number INTEGER NOT NULL,
    step INTEGER NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (study_id, number, step)
);
"""


class StudyMismatchError(ValueError):
    """An existing study was opened with another space or direction."""


def _to_json(obj: object) -> str:
    return json.dumps(obj, default=_json_default, sort_keys=True)


def _json_default(obj: object) -> object:
    # numpy scalars and arrays come back from searchers and objectives; anything else
    # (a user object in ``info``) is kept as its repr rather than losing the whole trial.
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (set, frozenset)):
        return sorted(obj, key=repr)
    return repr(obj)


def _sqlite_path(storage: str | os.PathLike[str]) -> Path:
    text = os.fspath(storage)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///") :]
    elif "://" in text:
        raise ValueError(
            f"storage must be a SQLite file path or 'sqlite:///path.db', got {os.fspath(storage)!r}"
        )
    if not text:
        raise ValueError("storage must name a file, got an empty path")
    return Path(text)


def _datetime_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return _dt.datetime.fromtimestamp(float(value), tz=_dt.timezone.utc).isoformat()
    return str(value)


def _parse_datetime(text: str | None) -> _dt.datetime | None:
    return None if text is None else _dt.datetime.fromisoformat(text)


class Storage:
    """A SQLite file holding studies (named searches) and their trials.

    Each finished trial is written in its own transaction, so a process killed
    mid-search loses at most the trials that were still running. Learning curves
    (``Trial.intermediate_values``) are kept in their own table, one row per report:
    a running trial's reports as the search commits them (:meth:`add_values`), a
    finished trial's whole curve with it. The file is opened in WAL mode; only the
    process driving the search writes to it.

    Parameters
    ----------
    path : str or os.PathLike
        A file path or an URL of the form ``"sqlite:///path/to/file.db"``.

    Examples
    --------
    >>> import tempfile, os
    >>> from nbopt.searchers._storage import Storage
    >>> with tempfile.TemporaryDirectory() as d:
    ...     st = Storage(os.path.join(d, "s.db"))
    ...     sid = st.open_study("demo", "minimize", {"x": {"type": "Float"}})
    ...     st.load_trials(sid)
    ...     st.close()
    []
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = _sqlite_path(path)
        if self.path.parent and not self.path.parent.exists():
            raise ValueError(f"storage directory {str(self.path.parent)!r} does not exist")
        # The search loop may run in a background thread; one connection is used by one
        # thread at a time, serialized by the loop.
        self._conn = sqlite3.connect(
            str(self.path), timeout=30.0, isolation_level=None, check_same_thread=False
        )
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

    def __enter__(self) -> Storage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Storage({str(self.path)!r})"

    def study_names(self) -> list[str]:
        """Names of the studies in this file, oldest first."""
        rows = self._conn.execute("SELECT name FROM studies ORDER BY study_id").fetchall()
        return [str(r[0]) for r in rows]

    def trials(self, name: str) -> list[Trial]:
        """Every stored trial of the study ``name``, in number order (KeyError if absent)."""
        row = self._conn.execute("SELECT study_id FROM studies WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise KeyError(f"no study named {name!r} in {str(self.path)!r}")
        return self.load_trials(int(row[0]))

    def open_study(
        self,
        name: str,
        direction: str,
        space: Mapping[str, Any],
        method: str | None = None,
    ) -> int:
        """Create the study ``name`` or open the existing one; return its id.

        Raises
        ------
        StudyMismatchError
            When the study exists with another direction or search space.
        """
        space_text = _to_json(space)
        with self._transaction():
            row = self._conn.execute(
                "SELECT study_id, direction, space FROM studies WHERE name = ?", (name,)
            ).fetchone()
            if row is None:
                cur = self._conn.execute(
                    "INSERT INTO studies (name, direction, space, method, created) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (
                        name,
                        direction,
                        space_text,
                        method,
                        _dt.datetime.now(_dt.timezone.utc).isoformat(),
                    ),
                )
                assert cur.lastrowid is not None
                return int(cur.lastrowid)
        study_id, stored_direction, stored_space = int(row[0]), str(row[1]), str(row[2])
        if stored_direction != direction:
            raise StudyMismatchError(
                f"study {name!r} in {str(self.path)!r} was created with "
                f"direction={stored_direction!r}, not {direction!r}; pass the same direction "
                "to resume it, or another name= to start a new study"
            )
        if json.loads(stored_space) != json.loads(space_text):
            raise StudyMismatchError(
                f"study {name!r} in {str(self.path)!r} was created with another search space:\n"
                f"  stored: {stored_space}\n  given:  {space_text}\n"
                "pass the same space to resume it, or another name= to start a new study"
            )
        return study_id

    def load_trials(self, study_id: int) -> list[Trial]:
        """Every stored trial of a study (finished and running), in number order."""
        rows = self._conn.execute(
            "SELECT number, state, params, value, error, duration, metrics, info, "
            "datetime_start, datetime_complete FROM trials WHERE study_id = ? ORDER BY number",
            (study_id,),
        ).fetchall()
        curves: dict[int, dict[int, float]] = {}
        for number, step, val in self._conn.execute(
            "SELECT number, step, value FROM intermediate_values WHERE study_id = ? "
            "ORDER BY number, step",
            (study_id,),
        ):
            curves.setdefault(int(number), {})[int(step)] = float(val)
        trials = []
        for row in rows:
            value = None if row[3] is None else float(row[3])
            trials.append(
                Trial(
                    number=int(row[0]),
                    params=json.loads(row[2]),
                    state=str(row[1]),  # type: ignore[arg-type]
                    value=value,
                    error=row[4],
                    duration=None if row[5] is None else float(row[5]),
                    metrics={
                        str(k): math.nan if v is None else float(v)
                        for k, v in json.loads(row[6]).items()
                    },
                    info=json.loads(row[7]),
                    datetime_start=_parse_datetime(row[8]),
                    datetime_complete=_parse_datetime(row[9]),
                    intermediate_values=curves.get(int(row[0]), {}),
                )
            )
        return trials

    def save_trial(self, study_id: int, trial: Trial) -> None:
        """Insert or replace one trial and its whole curve, committed before returning."""
        value = trial.value
        if value is not None and not math.isfinite(value):
            value = None
        metrics = {k: (None if not math.isfinite(v) else v) for k, v in trial.metrics.items()}
        with self._transaction():
            self._conn.execute(
                "INSERT OR REPLACE INTO trials (study_id, number, state, params, value, error, "
                "duration, metrics, info, datetime_start, datetime_complete) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    study_id,
                    int(trial.number),
                    str(trial.state),
                    _to_json(dict(trial.params)),
                    value,
                    trial.error,
                    trial.duration,
                    _to_json(metrics),
                    _to_json(dict(trial.info)),
                    _datetime_text(trial.datetime_start),
                    _datetime_text(trial.datetime_complete),
                ),
            )
            self._conn.execute(
                "DELETE FROM intermediate_values WHERE study_id = ? AND number = ?",
                (study_id, int(trial.number)),
            )
            self._insert_values(
                study_id,
                [(int(trial.number), s, v) for s, v in trial.intermediate_values.items()],
            )

    def add_values(self, study_id: int, rows: list[tuple[int, int, float]]) -> None:
        """Add reports ``(number, step, value)`` of running trials, in one transaction."""
        with self._transaction():
            self._insert_values(study_id, rows)

    def _insert_values(self, study_id: int, rows: list[tuple[int, int, float]]) -> None:
        self._conn.executemany(
            "INSERT OR REPLACE INTO intermediate_values (study_id, number, step, value) "
            "VALUES (?, ?, ?, ?)",
            [
                (study_id, int(n), int(step), float(v))
                for n, step, v in rows
                if math.isfinite(float(v))
            ],
        )

    def delete_trial(self, study_id: int, number: int) -> None:
        """Remove one trial (an unfinished one that will not be run again) and its curve."""
        with self._transaction():
            self._conn.execute(
                "DELETE FROM trials WHERE study_id = ? AND number = ?", (study_id, number)
            )
            self._conn.execute(
                "DELETE FROM intermediate_values WHERE study_id = ? AND number = ?",
                (study_id, number),
            )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._conn)


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on error)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> None:
        self._conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self._conn.execute("COMMIT")
        else:
            self._conn.execute("ROLLBACK")
