"""Run a real process and measure its peak memory, killing it past a ceiling so that a runaway
cannot take the machine.

The peak is the process's own ``VmHWM``, written by the process as it exits. Not ``wait4``'s
``ru_maxrss``: Linux carries the parent's peak into a child at ``exec`` (a pytest process that
grew would inflate every child measured after it)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

CEILING_MB = 3_000  # far above any bound asserted; only protects the shared machine
DEADLINE_S = 300  # a hung process fails the test instead of hanging the suite

# Runs `-m MODULE ARGS` or `-c CODE ARGS` in this interpreter, then writes its VmHWM line to
# the file named first (also on sys.exit, through atexit).
_WRAPPER = """
import atexit, runpy, sys
out = sys.argv.pop(1)
def peak():
    with open('/proc/self/status') as status, open(out, 'w') as f:
        f.write(next(line for line in status if line.startswith('VmHWM:')))
atexit.register(peak)
flag, target, *rest = sys.argv[1:]
if flag == '-m':
    sys.argv = [target, *rest]
    runpy.run_module(target, run_name='__main__', alter_sys=True)
else:
    sys.argv = ['-c', *rest]
    exec(compile(target, '<string>', 'exec'), {'__name__': '__main__'})
"""


@dataclass
class Measured:
    returncode: int
    stdout: str
    stderr: str
    peak_mb: float
    killed: bool  # went past the ceiling or the deadline


def run_measured(args: list[str], *, cwd: Path) -> Measured:
    """``args`` is ``[sys.executable, "-m" | "-c", target, *rest]``."""
    python, flag, target, *rest = args
    assert python == sys.executable and flag in ("-m", "-c"), args
    with tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak"
        out_path, err_path = Path(tmp) / "out", Path(tmp) / "err"
        with out_path.open("wb") as out, err_path.open("wb") as err:
            proc = subprocess.Popen(
                [python, "-c", _WRAPPER, str(peak_file), flag, target, *rest],
                cwd=cwd,
                stdout=out,
                stderr=err,
            )
            killed, started, polled = False, time.monotonic(), 0.0
            while proc.poll() is None:
                polled = max(polled, _high_water_mb(proc.pid))
                if polled > CEILING_MB or time.monotonic() - started > DEADLINE_S:
                    killed = True
                    proc.kill()
                    proc.wait()
                time.sleep(0.05)
        peak = _parse_mb(peak_file.read_text()) if peak_file.exists() else polled
        return Measured(
            proc.returncode,
            out_path.read_text(errors="replace"),
            err_path.read_text(errors="replace"),
            max(peak, polled),
            killed,
        )


def _high_water_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return _parse_mb(line)
    return 0.0


def _parse_mb(line: str) -> float:
    return int(line.split()[1]) / 1024  # "VmHWM:  123456 kB"
