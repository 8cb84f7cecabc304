"""Run a real process and measure its peak memory (the kernel's high-water mark for exactly that
process, from ``wait4``), killing it past a ceiling so that a runaway cannot take the machine."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

CEILING_MB = 3_000  # far above any bound asserted; only protects the shared machine
DEADLINE_S = 300  # a hung process fails the test instead of hanging the suite


@dataclass
class Measured:
    returncode: int
    stdout: str
    stderr: str
    peak_mb: float
    killed: bool  # went past the ceiling or the deadline


def run_measured(args: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> Measured:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, cwd=cwd, stdout=out, stderr=err, env=env)
        killed, started = False, time.monotonic()
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if _high_water_mb(proc.pid) > CEILING_MB or time.monotonic() - started > DEADLINE_S:
                killed = True
                proc.kill()
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measured(
            proc.returncode,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
            usage.ru_maxrss / 1024,  # KiB on Linux
            killed,
        )


def _high_water_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
