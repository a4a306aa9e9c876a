"""Frames on the pipes between the server and its query workers.

A frame is a JSON header and a binary body, each preceded by its length (8 bytes, big endian).
The server reads and writes on its event loop with a deadline (`read_frame_async`), the worker
blocks (`read_frame`).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import struct
import time
from collections.abc import Callable
from typing import Any, BinaryIO

_LENGTH = struct.Struct(">Q")
PIPE_BYTES = 1 << 20
"""What a worker's answer pipe is widened to hold (`pool.widen_pipe`), and so what one read
takes: Linux's default ceiling for an unprivileged process (/proc/sys/fs/pipe-max-size)."""


class DeadlineReached(Exception):  # noqa: N818 - a condition, not a failure of the reader
    """The deadline passed before a whole frame arrived."""


class PipeClosed(Exception):  # noqa: N818
    """The other end went away (the worker died, or the server closed the pipe)."""


class InputClosed(PipeClosed):
    """The worker's input was closed before the job was written: the job never reached it."""


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


async def write_frame_async(fd: int, header: dict[str, Any], body: bytes, deadline: float) -> None:
    """Write a whole frame to the non-blocking descriptor `fd` by `deadline` (time.monotonic),
    waiting on the running event loop when the pipe is full."""
    data = memoryview(encode_frame(header, body))
    loop = asyncio.get_running_loop()
    while data:
        try:
            written = os.write(fd, data)
        except BlockingIOError:
            await _ready(loop.add_writer, loop.remove_writer, fd, deadline)
            continue
        except (BrokenPipeError, ConnectionResetError) as error:
            raise InputClosed("the worker closed its input") from error
        data = data[written:]


async def read_frame_async(fd: int, deadline: float) -> tuple[dict[str, Any], bytes]:
    """Read a whole frame from the non-blocking descriptor `fd` by `deadline`."""
    loop = asyncio.get_running_loop()
    reader = FrameReader()
    while True:
        try:
            chunk = os.read(fd, PIPE_BYTES)
        except BlockingIOError:
            await _ready(loop.add_reader, loop.remove_reader, fd, deadline)
            continue
        except ConnectionResetError:
            chunk = b""  # a socket whose worker died
        if not chunk:
            raise PipeClosed("the worker closed its output")
        frame = reader.feed(chunk)
        if frame is not None:
            return frame


async def _ready(
    watch: Callable[..., object], unwatch: Callable[[int], object], fd: int, deadline: float
) -> None:
    """Until `fd` is ready (as the loop's `add_reader`/`add_writer` sees it), or DeadlineReached."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise DeadlineReached
    ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    watch(fd, wake)
    try:
        async with asyncio.timeout(remaining):
            await ready
    except TimeoutError:
        raise DeadlineReached from None
    finally:
        unwatch(fd)


class FrameReader:
    """Collects chunks until a whole frame (two length-prefixed parts) has arrived."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def feed(self, chunk: bytes) -> tuple[dict[str, Any], bytes] | None:
        self.buffer += chunk
        if len(self.buffer) < 8:
            return None
        header_end = 8 + _LENGTH.unpack_from(self.buffer)[0]
        if len(self.buffer) < header_end + 8:
            return None
        body_end = header_end + 8 + _LENGTH.unpack_from(self.buffer, header_end)[0]
        if len(self.buffer) < body_end:
            return None
        header = json.loads(bytes(self.buffer[8:header_end]))
        return header, bytes(self.buffer[header_end + 8 : body_end])


def receive_frame(channel: socket.socket) -> tuple[dict[str, Any], bytes]:
    """Block until a whole frame has arrived on `channel` (its timeout applies to each read);
    PipeClosed if the other end closes first."""
    reader = FrameReader()
    while True:
        chunk = channel.recv(1 << 16)
        if not chunk:
            raise PipeClosed("the other end closed the socket")
        frame = reader.feed(chunk)
        if frame is not None:
            return frame
