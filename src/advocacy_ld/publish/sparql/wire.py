"""Frames on the pipes between the server and its query workers.

A frame is a JSON header and a binary body, each preceded by its length (8 bytes, big endian).
The server reads with a deadline (`read_frame_before`), the worker blocks (`read_frame`).
"""

from __future__ import annotations

import json
import os
import selectors
import struct
import time
from typing import Any, BinaryIO

_LENGTH = struct.Struct(">Q")


class DeadlineReached(Exception):  # noqa: N818 - a condition, not a failure of the reader
    """The deadline passed before a whole frame arrived."""


class PipeClosed(Exception):  # noqa: N818
    """The other end went away (the worker died, or the server closed the pipe)."""


def encode_frame(header: dict[str, Any], body: bytes = b"") -> bytes:
    data = json.dumps(header, ensure_ascii=False).encode("utf-8")
    return b"".join((_LENGTH.pack(len(data)), data, _LENGTH.pack(len(body)), body))


def write_frame(stream: BinaryIO, header: dict[str, Any], body: bytes = b"") -> None:
    stream.write(encode_frame(header, body))
    stream.flush()


def read_frame(stream: BinaryIO) -> tuple[dict[str, Any], bytes]:
    """Block until a whole frame has arrived; PipeClosed at end of stream."""
    header = json.loads(_read_exact(stream, _LENGTH.unpack(_read_exact(stream, 8))[0]))
    body = _read_exact(stream, _LENGTH.unpack(_read_exact(stream, 8))[0])
    return header, body


def _read_exact(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    if data is None or len(data) < size:
        raise PipeClosed("end of stream inside a frame")
    return data


def write_frame_before(fd: int, header: dict[str, Any], body: bytes, deadline: float) -> None:
    """Write a whole frame to the non-blocking descriptor `fd` by `deadline`."""
    data = memoryview(encode_frame(header, body))
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_WRITE)
        while data:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                raise DeadlineReached
            try:
                written = os.write(fd, data)
            except BlockingIOError:
                continue
            except BrokenPipeError as error:
                raise PipeClosed("the worker closed its input") from error
            data = data[written:]


def read_frame_before(fd: int, deadline: float) -> tuple[dict[str, Any], bytes]:
    """Read a whole frame from the raw descriptor `fd` by `deadline` (time.monotonic)."""
    reader = _DeadlineReader(fd, deadline)
    header = json.loads(reader.read(_LENGTH.unpack(reader.read(8))[0]))
    body = reader.read(_LENGTH.unpack(reader.read(8))[0])
    return header, body


class _DeadlineReader:
    def __init__(self, fd: int, deadline: float) -> None:
        self.fd = fd
        self.deadline = deadline
        self.buffer = bytearray()

    def read(self, size: int) -> bytes:
        with selectors.DefaultSelector() as selector:
            selector.register(self.fd, selectors.EVENT_READ)
            while len(self.buffer) < size:
                remaining = self.deadline - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    raise DeadlineReached
                chunk = os.read(self.fd, max(size - len(self.buffer), 65536))
                if not chunk:
                    raise PipeClosed("the worker closed its output")
                self.buffer += chunk
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data
