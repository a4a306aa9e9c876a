"""Child processes the benchmark starts, and the guarantee that it stops every one of them.

Each child runs in a session of its own, so a Ctrl-C at the terminal reaches only the benchmark,
which then ends each child's whole process group (a server's worker processes included) by the
id it recorded when it started it — never by name. `Processes` is a context manager: its exit
runs on success, on an exception and on KeyboardInterrupt; `install_signal_handlers` turns
SIGTERM and SIGHUP into the same orderly exit.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, TracebackType

HOST = "127.0.0.1"
"""Every server binds here and every request goes here: nothing leaves the machine."""


class BenchError(RuntimeError):
    """A step of the benchmark failed; the message says which and why."""


def free_port() -> int:
    """A port that was free a moment ago on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Child:
    """A started process and where its output goes."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def tail(self, lines: int = 20) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


class Processes:
    """Starts children and stops all of them on exit, whatever the reason for exiting."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.children: list[Child] = []

    def __enter__(self) -> Processes:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop_all()

    def start(
        self,
        name: str,
        argv: Sequence[str],
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> Child:
        log = self.log_dir / f"{name}.log"
        with log.open("wb") as handle:
            process = subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=handle,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})},
                cwd=cwd,
                start_new_session=True,
            )
        child = Child(name, process, log)
        self.children.append(child)
        return child

    def stop(self, child: Child, grace: float = 5.0) -> None:
        """SIGTERM the child's process group, SIGKILL it if it has not gone in `grace` s, then
        SIGKILL whatever is left of the descendants it had (recorded by pid and start time)."""
        process = child.process
        descendants = [p for p in process_tree(process.pid) if p.pid != process.pid]
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(grace)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        if descendants:
            time.sleep(0.2)
            alive = _proc_table()
            for stat in descendants:
                current = alive.get(stat.pid)
                if current is not None and current.start_ticks == stat.start_ticks:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.kill(stat.pid, signal.SIGKILL)
        if child in self.children:
            self.children.remove(child)

    def stop_all(self) -> None:
        for child in reversed(list(self.children)):
            self.stop(child)


def wait_http(child: Child, url: str, timeout: float) -> None:
    """Wait until `url` answers 200, failing early (with the log's tail) if the child dies."""
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if child.process.poll() is not None:
            raise BenchError(
                f"{child.name} exited with status {child.process.returncode} before it was "
                f"ready; last lines of {child.log}:\n{child.tail()}"
            )
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
                last = f"status {response.status}"
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            last = str(error)
        time.sleep(0.25)
    raise BenchError(f"{child.name} was not ready at {url} within {timeout:.0f} s ({last})")


@dataclass(frozen=True)
class ProcStat:
    """The fields of /proc/PID/stat we use."""

    pid: int
    ppid: int
    start_ticks: int
    """Start time since boot: with the pid, identifies the process even if the pid is reused."""
    cpu_ticks: int


def _proc_table() -> dict[int, ProcStat]:
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()
        if len(fields) > 19:
            pid = int(entry.name)
            cpu = int(fields[11]) + int(fields[12])
            table[pid] = ProcStat(pid, int(fields[1]), int(fields[19]), cpu)
    return table


def process_tree(pid: int) -> list[ProcStat]:
    """The process and its live descendants. advocacy-ld starts its SPARQL workers in sessions
    of their own, so its process group does not hold them; its tree does."""
    table = _proc_table()
    children: dict[int, list[int]] = {}
    for stat in table.values():
        children.setdefault(stat.ppid, []).append(stat.pid)
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        if current in table:
            found.append(table[current])
            pending.extend(children.get(current, []))
    return found


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its live descendants."""
    return sum(p.cpu_ticks for p in process_tree(pid)) / os.sysconf("SC_CLK_TCK")


def install_signal_handlers() -> None:
    """SIGTERM/SIGHUP raise SystemExit and SIGINT KeyboardInterrupt, so `with Processes(...)`
    blocks clean up however the benchmark is stopped."""

    def _exit(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _exit)
    signal.signal(signal.SIGHUP, _exit)
    # Ctrl-C raises KeyboardInterrupt even if we were started with SIGINT ignored (`cmd &`).
    signal.signal(signal.SIGINT, signal.default_int_handler)
