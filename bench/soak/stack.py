"""The site as production runs it, on loopback: gunicorn, a Celery worker and Celery beat.

Each is a process group of its own (started with a new session), stopped with SIGTERM and, if
it lingers, SIGKILL; its resident memory is its own VmRSS plus its children's (gunicorn's and
the worker's forked processes), read from /proc.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

__all__ = ["Process", "Stack", "rss_kb"]


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                # The name (field 2) is in parentheses and may hold spaces: split after it.
                parent = int(stat.read().rpartition(")")[2].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        tree.setdefault(parent, []).append(int(entry))
    return tree


def _vm_rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_kb(pid: int) -> int:
    """VmRSS of ``pid`` and all its descendants, in kB (0 once it has gone)."""
    tree = _children()
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += _vm_rss_kb(current)
        todo.extend(tree.get(current, []))
    return total


@dataclass
class Process:
    name: str
    command: list[str]
    log_path: Path
    popen: subprocess.Popen[bytes] | None = None

    def start(self, env: dict[str, str]) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.popen = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self, timeout: float = 20.0) -> None:
        if not self.running():
            return
        assert self.popen is not None
        # The leader only: a warm shutdown lets it stop its own children (a TERM to the whole
        # group would kill the worker's pool processes mid-task).
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def log_tail(self, chars: int = 2000) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return text[-chars:]


@dataclass
class Stack:
    port: int
    env: dict[str, str]
    log_dir: Path
    web_workers: int = 2
    worker_concurrency: int = 2
    worker_name: str = f"soak-{os.getpid()}@localhost"
    processes: dict[str, Process] = field(default_factory=dict)

    def start(self, schedule_file: Path) -> None:
        python = sys.executable
        commands = {
            "web": [
                python, "-m", "gunicorn", "config.wsgi:application",
                "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.web_workers),
                "--access-logfile", "-",
            ],
            "worker": [
                python, "-m", "celery", "-A", "config", "worker", "--loglevel", "INFO",
                "--hostname", self.worker_name, "--concurrency", str(self.worker_concurrency),
                "--queues", self.env["SOAK_QUEUES"], "--without-gossip", "--without-mingle",
            ],
            "beat": [
                python, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO",
                "--schedule", str(schedule_file),
            ],
        }  # fmt: skip
        for name, command in commands.items():
            process = Process(name, command, self.log_dir / f"{name}.log")
            self.processes[name] = process
            process.start(self.env)

    def wait_ready(self, worker_answers: Callable[[str], bool], timeout: float = 90.0) -> None:
        """Until the site answers /healthz, the worker answers a ping and beat has started."""
        deadline = time.monotonic() + timeout
        pending = {"web", "worker", "beat"}
        while pending:
            for name, process in self.processes.items():
                if not process.running():
                    raise RuntimeError(f"{name} exited at start:\n{process.log_tail()}")
            if "web" in pending and self._web_answers():
                pending.discard("web")
            if "worker" in pending and worker_answers(self.worker_name):
                pending.discard("worker")
            if "beat" in pending and "beat: Starting" in self.processes["beat"].log_tail(20000):
                pending.discard("beat")
            if pending and time.monotonic() > deadline:
                tails = "\n".join(f"{n}:\n{self.processes[n].log_tail()}" for n in sorted(pending))
                raise RuntimeError(f"not ready within {timeout:.0f}s: {sorted(pending)}\n{tails}")
            time.sleep(0.5)

    def _web_answers(self) -> bool:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            connection.request("GET", "/healthz")
            ok = connection.getresponse().status == 200
            connection.close()
            return ok
        except OSError:
            return False

    def rss(self) -> dict[str, int]:
        return {name: rss_kb(p.pid) for name, p in self.processes.items() if p.popen}

    def dead(self) -> list[str]:
        return [name for name, process in self.processes.items() if not process.running()]

    def stop(self) -> None:
        # Beat first, so that it hands the worker nothing new while the worker shuts down.
        for name in ("beat", "web", "worker"):
            if name in self.processes:
                self.processes[name].stop()
