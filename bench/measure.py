"""Run a command; write its wall time and peak memory as JSON. For bench_exports.

    python -m bench.measure RESULT.json COMMAND [ARG ...]

Why a process of its own: Linux counts in a child's peak resident set (ru_maxrss) the memory of
the process it was forked from, up to its exec. Forked from the benchmark, which holds the
generated rows, every command would seem to peak at the benchmark's size; forked from this small
process, a command's peak is its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def main(argv: list[str]) -> int:
    result, command = argv[0], argv[1:]
    start = time.perf_counter()
    process = subprocess.Popen(command)
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    with open(result, "w", encoding="utf-8") as out:
        json.dump(
            {
                "seconds": time.perf_counter() - start,
                "peak_kb": usage.ru_maxrss,  # kilobytes on Linux
                "returncode": process.returncode,
            },
            out,
        )
    return process.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
