"""A real full disk: a small tmpfs mounted for one test, and a file that fills it.

Writes to it fail as they do on a full disk (ENOSPC, "No space left on device"), from the
kernel, whatever code makes them: nothing of ours is mocked. Mounting needs root (CAP_SYS_ADMIN);
where it is refused the test is skipped with the reason, and fails instead under CI=true.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["disk_fill", "small_disk"]


@contextlib.contextmanager
def small_disk(path: Path, *, size_kb: int) -> Iterator[Path]:
    """``path`` as the mount point of a tmpfs of ``size_kb`` KiB, for the block's length."""
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0755", "tmpfs", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        reason = f"cannot mount a tmpfs to fill ({mounted.stderr.strip() or 'mount refused'})"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def disk_fill(path: Path) -> Path:
    """Fill the filesystem of directory ``path`` to the last block; return the filler file
    (delete it to make room again)."""
    filler = path / "filler.bin"
    with filler.open("wb", buffering=0) as out:
        while True:
            try:
                out.write(b"\0" * 4096)
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
                break
        # The last partial block too, a byte at a time.
        while True:
            try:
                out.write(b"\0")
            except OSError:
                break
    return filler
