"""Where advocacy-ld spends a resource GET: py-spy samples the server under load.

Run only on request (`--profile`) and in a run of its own, after the measurements, because
sampling slows the process it samples. py-spy keeps only samples of the thread holding the GIL
(`--gil`): a one-process Python server can run Python on one core at a time, so that is its
budget, and the share of ticks in which the GIL was held says how close it is to it. py-spy
writes collapsed stacks; we add up, for each function, the share of samples in which it is on
the stack (inclusive) and on top (self), which is enough to say which layer the time goes to.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from bench.loadgen import LoadGenerator, Measurement
from bench.processes import BenchError, Processes
from bench.workload import Request

_LINE_NUMBER = re.compile(r":\d+\)$")


def _frame_name(frame: str) -> str:
    """`render_rdf (advocacy_ld/publish/render.py:27)` -> `render_rdf (advocacy_ld/publish/render.py)`."""  # noqa: E501
    frame = _LINE_NUMBER.sub(")", frame.strip())
    for marker in ("site-packages/", "/src/", "lib/python3.11/"):
        if marker in frame:
            name, _, path = frame.partition(" (")
            return f"{name} ({path.split(marker, 1)[1]}"
    return frame


RATE = 200
"""Samples per second."""


def _package(frame: str) -> str:
    """`current_task (asyncio/tasks.py)` -> `asyncio`; `wait (threading.py)` -> `threading`."""
    _, _, path = frame.rpartition(" (")
    head = path.rstrip(")").split("/", 1)[0]
    return head.removesuffix(".py")


def _share(count: int, total: int) -> str:
    return f"{100 * count / total:5.1f}%"


def summarize(collapsed: Path, ticks: int, top: int = 12) -> list[str]:
    """Where the GIL time went: by thread, by package (self time), by advocacy_ld function."""
    threads: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    ours: Counter[str] = Counter()
    dispatch = 0
    total = 0
    for line in collapsed.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_frame_name(f) for f in stack.split(";") if f]
        if not frames:
            continue
        total += count
        in_worker = any(f.startswith("WorkerThread.run ") for f in frames)
        threads["threadpool worker threads" if in_worker else "event loop thread"] += count
        if not in_worker and any(f.startswith("run_in_threadpool ") for f in frames):
            dispatch += count
        packages[_package(frames[-1])] += count
        for name in {f for f in frames if "(advocacy_ld/" in f and "advocacy_ld/cli.py" not in f}:
            ours[name] += count
    if total == 0:
        return ["  (py-spy recorded no samples)"]
    lines = [
        f"  {total} samples with the GIL held in {ticks} ticks: some thread ran Python "
        f"{100 * total / ticks:.0f}% of the time",
        "  by thread:",
    ]
    lines += [f"    {_share(n, total)}  {name}" for name, n in threads.most_common()]
    lines.append(
        f"    {_share(dispatch, total)}  of which on the event loop handing calls to the "
        f"threadpool (run_in_threadpool: sync handlers and sync dependencies)"
    )
    lines.append("  self time by package (the frame on top of the stack):")
    lines += [f"    {_share(n, total)}  {name}" for name, n in packages.most_common(top)]
    lines.append("  advocacy_ld functions, inclusive (on the stack):")
    lines += [f"    {_share(n, total)}  {name}" for name, n in ours.most_common(top)]
    return lines


def profile_server(
    processes: Processes,
    py_spy: Path,
    pid: int,
    loadgen: LoadGenerator,
    base_url: str,
    requests: Sequence[Request],
    seconds: float,
    output: Path,
) -> tuple[Measurement, list[str]]:
    """Sample `pid` with py-spy while wrk loads it; returns wrk's figures and the summary."""
    if not py_spy.exists():
        raise BenchError(f"{py_spy} is missing: run `make bench`, which installs it")
    spy = processes.start(
        f"py-spy-{output.stem}",
        [str(py_spy), "record", "--pid", str(pid), "--duration", str(round(seconds) + 1),
         "--rate", str(RATE), "--gil", "--format", "raw", "--output", str(output)],
    )  # fmt: skip
    try:
        measured = loadgen.run(base_url, requests, seconds)
        spy.process.wait(seconds + 60)
    finally:
        processes.stop(spy)
    if not output.exists():
        raise BenchError(f"py-spy wrote no profile:\n{spy.tail()}")
    return measured, summarize(output, ticks=round(RATE * (round(seconds) + 1)))
