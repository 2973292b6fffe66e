"""SQLite storage: every finished trial kept, resume, a process killed mid-search, mismatches."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from nbopt import space
from nbopt.searchers._search import search
from nbopt.searchers._storage import Storage, StudyMismatchError

DIMS = {"x": space.Float(-5.0, 5.0), "c": space.Choice(["a", (1, 2), None])}


def objective(x: float, c: Any) -> dict[str, float]:
    return {"value": x * x + (c is None), "twice": 2 * x}


def test_resume_continues_the_study_without_running_a_trial_twice(tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    calls: list[float] = []

    def counted(x: float, c: Any) -> dict[str, float]:
        calls.append(x)
        return objective(x, c)

    first = search(counted, DIMS, method="random", n_trials=10, seed=0, storage=db)
    assert len(calls) == 10
    resumed = search(counted, DIMS, method="random", n_trials=25, seed=0, storage=str(db))
    assert len(calls) == 25
    assert [t.number for t in resumed.trials] == list(range(25))
    assert resumed.trials[:10] == first.trials
    # the replayed searcher continues the sequence an uninterrupted run would have made
    straight = search(objective, DIMS, method="random", n_trials=25, seed=0)
    assert [t.params for t in resumed.trials] == [t.params for t in straight.trials]
    assert resumed.name == "default"
    # options come back as the same objects (tuples stay tuples), metrics too
    assert {type(t.params["c"]) for t in resumed.trials} <= {str, tuple, type(None)}
    assert all(t.metrics == {"twice": 2 * t.params["x"]} for t in resumed.trials)
    # a budget already reached runs nothing
    again = search(counted, DIMS, method="random", n_trials=20, seed=0, storage=db)
    assert len(calls) == 25 and len(again.trials) == 25


def test_failed_trials_are_stored_and_replayed(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'f.db'}"

    def flaky(x: float, c: Any) -> float:
        if x > 0:
            raise ValueError("positive")
        return x

    first = search(flaky, DIMS, method="random", n_trials=12, seed=1, storage=db, name="flaky")
    failed = [t for t in first.trials if t.state == "failed"]
    assert failed
    resumed = search(flaky, DIMS, method="random", n_trials=12, seed=1, storage=db, name="flaky")
    again = [t for t in resumed.trials if t.state == "failed"]
    assert [t.error for t in again] == ["ValueError: positive"] * len(failed)
    assert all("Traceback" in t.info["traceback"] for t in again)
    assert resumed.best_value == first.best_value


def test_studies_are_separate_and_mismatches_are_refused(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    search(objective, DIMS, method="random", n_trials=3, seed=0, storage=db, name="one")
    search(objective, DIMS, method="random", n_trials=2, seed=0, storage=db, name="two")
    with Storage(db) as st:
        assert st.study_names() == ["one", "two"]
        assert len(st.trials("two")) == 2
        with pytest.raises(KeyError, match="three"):
            st.trials("three")
    other = {"x": space.Float(-1.0, 1.0), "c": space.Choice(["a", (1, 2), None])}
    with pytest.raises(StudyMismatchError, match="another search space"):
        search(objective, other, method="random", n_trials=5, storage=db, name="one")
    with pytest.raises(ValueError, match="direction='minimize', not 'maximize'"):
        search(
            objective,
            DIMS,
            method="random",
            n_trials=5,
            storage=db,
            name="one",
            direction="maximize",
        )
    with pytest.raises(ValueError, match="sqlite:///"):
        search(objective, DIMS, method="random", n_trials=2, storage="postgresql://db/x")
    with pytest.raises(ValueError, match="does not exist"):
        search(objective, DIMS, method="random", n_trials=2, storage=tmp_path / "no" / "x.db")


def test_trials_interrupted_by_ctrl_c_are_run_again_on_resume(tmp_path: Path) -> None:
    db = tmp_path / "i.db"
    calls: list[float] = []

    def interrupted_once(x: float, c: Any) -> float:
        calls.append(x)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return x

    r = search(interrupted_once, DIMS, method="random", n_trials=8, seed=0, storage=db)
    assert r.interrupted and len(r.trials) == 3
    with Storage(db) as st:
        states = [t.state for t in st.trials("default")]
    assert states == ["complete"] * 3 + ["running"]
    resumed = search(interrupted_once, DIMS, method="random", n_trials=8, seed=0, storage=db)
    assert len(calls) == 4 + 5
    assert calls[4] == calls[3]  # the interrupted trial first, with its params
    assert [t.number for t in resumed.trials] == list(range(8))
    assert all(t.state == "complete" for t in resumed.trials)


_KILLED_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from nbopt import space
    from nbopt.searchers._search import search

    def slow(x, c):
        time.sleep(0.15)
        return x * x

    search(slow, {"x": space.Float(-5.0, 5.0), "c": space.Choice(["a", (1, 2), None])},
           method="random", n_trials=200, seed=0, storage=sys.argv[1], name="killed")
    """
)


def _finished_rows(db: Path) -> list[tuple[Any, ...]]:
    if not db.exists():
        return []
    conn = sqlite3.connect(str(db), timeout=30)
    try:
        return conn.execute(
            "SELECT number, params, value, state, datetime_complete FROM trials "
            "WHERE state != 'running' ORDER BY number"
        ).fetchall()
    except sqlite3.OperationalError:  # the child has not created the tables yet
        return []
    finally:
        conn.close()


def test_a_search_killed_mid_run_resumes_with_every_finished_trial(tmp_path: Path) -> None:
    db = tmp_path / "killed.db"
    script = tmp_path / "run.py"
    script.write_text(_KILLED_SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    child = subprocess.Popen([sys.executable, str(script), str(db)], env=env)
    try:
        deadline = time.monotonic() + 120
        while len(_finished_rows(db)) < 4:
            assert child.poll() is None, "the search process ended before it was killed"
            assert time.monotonic() < deadline, "no trial was stored in time"
            time.sleep(0.05)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    before = _finished_rows(db)
    k = len(before)
    assert k >= 4 and [row[0] for row in before] == list(range(k))

    calls: list[float] = []

    def counted(x: float, c: Any) -> float:
        calls.append(x)
        return x * x

    n = k + 6
    r = search(counted, DIMS, method="random", n_trials=n, seed=0, storage=db, name="killed")
    assert len(calls) == n - k  # no finished trial ran twice, none was lost
    assert len(r.trials) == n and [t.number for t in r.trials] == list(range(n))
    assert all(t.state == "complete" for t in r.trials)
    assert _finished_rows(db)[:k] == before
    assert {t.params["x"] for t in r.trials[:k]}.isdisjoint(calls) or k == n
