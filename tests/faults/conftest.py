"""Fixtures of the fault tests: ticket exports of any size, whole-store fingerprints, real
``python -m pmo_metrics`` processes, and a process that holds the store like the dashboard."""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
HEADER = [
    "number",
    "priority",
    "state",
    "opened_at",
    "resolved_at",
    "made_sla",
    "assignment_group",
    "short_description",
]

# Written into a folder put first on PYTHONPATH of a child process: pauses a real command at a
# chosen point INSIDE its transaction (after the n-th call of a store function), prints a
# marker, and sleeps until it is killed. Production code is unchanged; only the timing is.
SITECUSTOMIZE = """
import os, sys, time
_target = os.environ.get("PMO_FAULT_PAUSE_AFTER")
if _target:
    import importlib
    _module_name, _func_name, _nth = _target.split(":")
    _module = importlib.import_module(_module_name)
    _original = getattr(_module, _func_name)
    _calls = [0]

    def _paused(*args, **kwargs):
        result = _original(*args, **kwargs)
        _calls[0] += 1
        if _calls[0] == int(_nth):
            sys.stderr.write("FAULT POINT REACHED\\n")
            sys.stderr.flush()
            time.sleep(3600)
        return result

    setattr(_module, _func_name, _paused)
"""


def write_tickets(path: Path, first: int, count: int, tag: str) -> Path:
    """A ServiceNow-style ticket export: INC<first> .. INC<first+count-1>, described by tag."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for i in range(first, first + count):
            writer.writerow(
                [
                    f"INC{i:07d}",
                    f"{1 + i % 4} - {['Critical', 'High', 'Moderate', 'Low'][i % 4]}",
                    "Resolved" if i % 3 else "In Progress",
                    f"2026-03-{1 + i % 28:02d} 10:00:00",
                    f"2026-03-{1 + i % 28:02d} 18:00:00" if i % 3 else "",
                    "true" if i % 5 else "false",
                    "Service Desk",
                    f"ticket {i} ({tag})",
                ]
            )
    return path


def fingerprint_con(con) -> dict[str, tuple[int, str]]:
    """Every table of the store: its row count and a hash of its full, sorted content."""
    names = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
    out = {}
    for name in names:
        rows = sorted(repr(r) for r in con.execute(f'SELECT * FROM "{name}"').fetchall())
        out[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return out


def fingerprint(path: Path) -> dict[str, tuple[int, str]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return fingerprint_con(con)
    finally:
        con.close()


def pmo_env(pause_after: str | None = None, hook_dir: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    paths = [str(ROOT)]
    if pause_after:
        assert hook_dir is not None
        hook_dir.mkdir(parents=True, exist_ok=True)
        (hook_dir / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
        paths.insert(0, str(hook_dir))
        env["PMO_FAULT_PAUSE_AFTER"] = pause_after
    env["PYTHONPATH"] = os.pathsep.join(paths + [env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def pmo(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """``python -m pmo_metrics ARGS`` as a real process."""
    return subprocess.run(
        [sys.executable, "-m", "pmo_metrics", *args],
        cwd=ROOT,
        env=pmo_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def pmo_popen(*args: str, pause_after: str | None = None, hook_dir: Path | None = None):
    return subprocess.Popen(
        [sys.executable, "-m", "pmo_metrics", *args],
        cwd=ROOT,
        env=pmo_env(pause_after, hook_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


class Holder:
    """Another process with the store open read-write (as the dashboard holds it)."""

    def __init__(self, path: Path):
        code = (
            "import sys; from pmo_metrics.store.connection import connect; "
            "con = connect(sys.argv[1]); "
            "print('ready', flush=True); sys.stdin.read(); con.close()"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, str(path)],
            cwd=ROOT,
            env=pmo_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "ready"

    def release(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=60)


@pytest.fixture
def holder():
    """``holder(path)`` starts a process holding the store; released after the test."""
    started: list[Holder] = []

    def start(path: Path) -> Holder:
        started.append(Holder(path))
        return started[-1]

    yield start
    for h in started:
        h.release()
