"""Run by `test_large_results.py` as `python -m tests.dump_memory STORE DIRECTORY`: builds the
public dump of the store at STORE (a checkpoint) and prints, as JSON, how far the process's
peak resident size rose meanwhile. In a process of its own, the figure is the dump's alone:
no test, server thread or store compaction of the test process adds to it."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from advocacy_ld.publish.dumps import DumpBuilder
from advocacy_ld.store import ExportFormat, OxigraphStore


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise AssertionError(f"no {field}")


def main() -> None:
    store = OxigraphStore(Path(sys.argv[1]))
    # Once to nowhere first: the store's block cache fills as it reads (~140 MiB at most,
    # measured), and what is measured is what the dump adds to a store that is up.
    with Path(os.devnull).open("wb") as nowhere:
        store.export(nowhere, ExportFormat.NQUADS)
    resident = _status_kib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # count the peak from here (proc(5))
    dump = DumpBuilder(Path(sys.argv[2])).current(store, "a generation")
    rise = (_status_kib("VmHWM") - resident) * 1024
    store.close()
    print(json.dumps({"rise": rise, "path": str(dump.path)}))


if __name__ == "__main__":
    main()
