"""The in-memory replica: `python -m advocacy_ld.publish.sparql.replica_process FD`.

It holds the public dataset in a pyoxigraph in-memory store, read from the server's checkpoints
(never the live store), and forks query workers from itself. Measured here on the 10k-statement
bench data: joins and lookups run 2.1-2.3x faster in memory than on the on-disk store. The forks
start with the data without loading it (copy-on-write; the store writes as it reads, so a busy
worker copies the pages it uses), and a fork replacing a worker killed at its deadline is up in
milliseconds.

Control messages arrive on the socket FD, one frame at a time, each answered by one frame:
`{"op": "load", "snapshot", "generation", "graphs", "max_quads"}` brings the replica to a
checkpoint (only `graphs` when listed, all of it otherwise) and `{"op": "fork", "generation"}`,
with a connected socket passed alongside (SCM_RIGHTS), starts a worker answering on it.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
from typing import Any

import pyoxigraph as ox

from advocacy_ld.publish.sparql.wire import FrameReader, PipeClosed, encode_frame, write_frame
from advocacy_ld.publish.sparql.worker import serve

log = logging.getLogger(__name__)


class Replica:
    """The in-memory copy and which generation of the public dataset it holds."""

    def __init__(self, control: socket.socket) -> None:
        self.control = control
        self.store = ox.Store()
        self.generation: str | None = None
        self.churned = 0
        """Quads replaced since the last whole load (the memory store keeps some of each)."""

    def load(self, message: dict[str, Any]) -> dict[str, Any]:
        source = ox.Store.read_only(message["snapshot"])
        graphs: list[str] | None = message["graphs"]
        if graphs is None or self.generation is None or self.churned > len(self.store):
            total = len(source)
            if total > message["max_quads"]:
                return {"error": f"the public dataset holds {total} quads, over the limit"}
            self.store = ox.Store()  # the old one goes; workers forked from it keep their copy
            self.store.bulk_extend(source.quads_for_pattern(None, None, None, None))
            self.churned = 0
            reloaded: int | str = "all"
        else:
            for iri in graphs:
                graph = ox.NamedNode(iri)
                old = self.store.quads_for_pattern(None, None, None, graph)
                self.churned += sum(1 for _ in old)
                self.store.remove_graph(graph)
                self.store.extend(source.quads_for_pattern(None, None, None, graph))
            reloaded = len(graphs)
        self.generation = message["generation"]
        return {"generation": self.generation, "quads": len(self.store), "reloaded": reloaded}

    def fork(self, message: dict[str, Any], fds: list[int]) -> dict[str, Any]:
        (channel,) = fds
        if message["generation"] != self.generation:
            os.close(channel)
            return {"error": f"the replica holds generation {self.generation}"}
        pid = os.fork()
        if pid == 0:  # the worker: answers on its socket until the server closes it
            try:
                # Not the server's line to this process: if this process dies, the server must
                # see its control socket close, whatever workers still run.
                self.control.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                jobs = os.fdopen(channel, "rb")
                answers = os.fdopen(os.dup(channel), "wb")
                store = self.store
                warm_up(store)
                write_frame(answers, {"ready": True}, b"")
                serve(jobs, answers, lambda _job: store)
            finally:
                os._exit(0)
        os.close(channel)
        return {"pid": pid}


def warm_up(store: ox.Store) -> None:
    """Read every quad once before taking queries. pyoxigraph's in-memory store writes as it
    reads (reference counts), so a fork copies each page it first reads; done here, that copy
    costs one scan (3.8 s for 2.8M quads, measured) instead of slowing the first thousands of
    queries (a CONSTRUCT took 3.1 ms cold, 0.57 ms warm)."""
    for _ in store.quads_for_pattern(None, None, None, None):
        pass


def receive(control: socket.socket) -> tuple[dict[str, Any], list[int]]:
    """One whole frame and the descriptors that came with it; PipeClosed when the server left."""
    reader = FrameReader()
    descriptors: list[int] = []
    while True:
        data, fds, _, _ = socket.recv_fds(control, 1 << 16, 4)
        descriptors.extend(fds)
        if not data:
            raise PipeClosed("the server closed the control socket")
        frame = reader.feed(data)
        if frame is not None:
            return frame[0], descriptors


def run(control: socket.socket) -> None:
    replica = Replica(control)
    while True:
        try:
            message, fds = receive(control)
        except PipeClosed:
            return
        try:
            if message["op"] == "load":
                reply = replica.load(message)
            elif message["op"] == "fork":
                reply = replica.fork(message, fds)
            else:
                reply = {"error": f"unknown operation {message['op']!r}"}
        except (OSError, ValueError, RuntimeError) as error:
            log.warning("replica: %s failed: %s", message["op"], error)
            reply = {"error": f"{message['op']} failed"}
        control.sendall(encode_frame(reply))


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="sparql-replica %(process)d: %(message)s")
    # Workers are reaped by the kernel: the server, not this process, decides when they end.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    control = socket.socket(fileno=int(sys.argv[1]))
    run(control)


if __name__ == "__main__":
    main()
