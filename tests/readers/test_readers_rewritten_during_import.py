"""A file rewritten while it is imported: the rows loaded are those of the bytes whose SHA-256
is recorded, never the new rows under the old file's hash.

The child is the real ``python -m pmo_metrics import``. A ``sitecustomize`` put first on its
PYTHONPATH rewrites the file (in place: same inode, new rows) the moment the product closes its
first handle on it, that is right after the product has read it once; production code is
unchanged, only the timing is.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
HEADER = "Issue key,Summary,Issue Type,Status,Project key,Custom field (Story Points)\n"

SITECUSTOMIZE = """
import builtins, io, os, sys

_target = os.path.realpath(os.environ["PMO_TEST_REWRITE"])
_new_bytes = os.environ["PMO_TEST_REWRITE_WITH"]
_open = io.open
_done = []


class _Rewrites(io.BufferedReader):
    def close(self):
        super().close()
        if not _done:
            _done.append(True)
            with _open(_new_bytes, "rb") as new, _open(_target, "r+b") as old:
                old.write(new.read())
                old.truncate()
            sys.stderr.write("FILE REWRITTEN\\n")


def _hooked(file, mode="r", *args, **kwargs):
    if (
        not _done
        and mode in ("rb", "br")
        and isinstance(file, (str, bytes, os.PathLike))
        and os.path.realpath(file) == _target
    ):
        return _Rewrites(io.FileIO(file, "rb"))
    return _open(file, mode, *args, **kwargs)


io.open = builtins.open = _hooked
"""


def jira_csv(path: Path, prefix: str, count: int) -> Path:
    rows = "".join(f"{prefix}-{i},item {i},Story,Done,{prefix},3\n" for i in range(1, count + 1))
    path.write_bytes((HEADER + rows).encode("utf-8"))
    return path


def keys_of(data: bytes) -> list[str]:
    return sorted(line.split(",")[0] for line in data.decode().splitlines()[1:])


def test_rows_loaded_are_those_of_the_recorded_hash(tmp_path):
    target = jira_csv(tmp_path / "export.csv", "OLD", 3)
    old = target.read_bytes()
    new = jira_csv(tmp_path / "new-content.bin", "NEW", 5).read_bytes()
    contents = {hashlib.sha256(b).hexdigest(): b for b in (old, new)}
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(hook), str(ROOT), env.get("PYTHONPATH", "")])
    env["PMO_TEST_REWRITE"] = str(target)
    env["PMO_TEST_REWRITE_WITH"] = str(tmp_path / "new-content.bin")
    db = tmp_path / "pmo.duckdb"

    done = subprocess.run(
        [sys.executable, "-m", "pmo_metrics", "import", str(target), "--db", str(db)]
        + ["--period", "2026-04"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert "FILE REWRITTEN" in done.stderr, "the hook never fired: the test proves nothing"
    assert target.read_bytes() == new
    assert done.returncode == 0, done.stdout + done.stderr
    con = duckdb.connect(str(db), read_only=True)
    try:
        [(recorded,)] = con.execute("SELECT sha256 FROM load_files").fetchall()
        rows = con.execute("SELECT item_key FROM work_items ORDER BY 1").fetchall()
        loaded = [key for (key,) in rows]
    finally:
        con.close()
    assert recorded in contents, "the recorded hash is neither the old nor the new file"
    assert loaded == keys_of(contents[recorded])


WRITER = """
import os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND)
i = 0
while True:
    i += 1
    os.write(fd, b"LATE-%d,late,Story,Done,LATE,3\\n" % i)  # one line per write: never half
    if i == 1000:
        print("writing", flush=True)
"""


def test_a_file_appended_to_throughout_the_import_is_refused_or_loaded_as_hashed(tmp_path):
    """Another process appends lines while the file is imported: the import is refused as a
    file that changed while read, or loads exactly the lines of the bytes it hashed."""
    target = jira_csv(tmp_path / "export.csv", "OLD", 300_000)
    db = tmp_path / "pmo.duckdb"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout.readline().strip() == "writing"
        done = subprocess.run(
            [sys.executable, "-m", "pmo_metrics", "import", str(target), "--db", str(db)]
            + ["--period", "2026-04"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        writer.kill()
        writer.wait(timeout=60)
        writer.stdout.close()

    con = duckdb.connect(str(db), read_only=True)
    try:
        recorded = [r[0] for r in con.execute("SELECT sha256 FROM load_files").fetchall()]
        loaded = con.execute("SELECT count(*) FROM work_items").fetchall()[0][0]
    finally:
        con.close()
    if done.returncode == 1:
        assert "it was modified during the import" in done.stdout, done.stdout
        assert (recorded, loaded) == ([], 0)
    else:
        assert done.returncode == 0, done.stdout + done.stderr
        # the rows loaded are the file's first lines; their bytes are what was hashed
        lines = target.read_bytes().splitlines(keepends=True)
        assert recorded == [hashlib.sha256(b"".join(lines[: 1 + loaded])).hexdigest()]
