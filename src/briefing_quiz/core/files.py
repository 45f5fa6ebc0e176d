"""Reading a file named by a user or a shared folder: only a regular file, never past a size cap.

`--config`, `--data`, a deck or an import input may name a FIFO (opening it for reading waits for a
writer, forever), a device (`/dev/zero` never ends) or a folder. `read_regular` opens without
blocking, checks what was opened (fstat, so a file swapped after a `stat` is caught too), and reads
at most `limit` bytes. Failures are `OSError`s with a readable `strerror`, as callers already print.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

__all__ = ["FileTooBigError", "NotRegularFileError", "kind_of", "not_regular", "open_regular",
           "read_regular"]


class NotRegularFileError(OSError):
    """The path names a folder, FIFO, device or socket: refused without reading it."""


class FileTooBigError(OSError):
    """The file is larger than the cap given for it."""


def kind_of(mode: int) -> str:
    """'a folder', 'a FIFO (named pipe)', 'a device', 'a socket': what a non-regular file is."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def not_regular(path: Path | str, mode: int) -> NotRegularFileError:
    kind = kind_of(mode)
    what = kind if kind.startswith("not") else f"is {kind}, not a regular file"
    return NotRegularFileError(errno.EINVAL, what, str(path))


def read_regular(path: Path | str, limit: int) -> bytes:
    """The bytes of the regular file `path`; `NotRegularFileError` for anything else (never
    blocking on a FIFO), `FileTooBigError` past `limit` bytes, other `OSError`s as raised."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise not_regular(path, info.st_mode)
        if info.st_size > limit:
            raise FileTooBigError(errno.EFBIG, f"larger than {limit // 1024} KiB", str(path))
        chunks: list[bytes] = []
        size = 0
        # Read to the end, not st_size: the file may grow meanwhile; stop past the cap.
        while chunk := os.read(fd, max(info.st_size + 1 - size, 65536)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise FileTooBigError(errno.EFBIG, f"larger than {limit // 1024} KiB", str(path))
        return b"".join(chunks)
    finally:
        os.close(fd)


def open_regular(path: Path | str) -> BinaryIO:
    """`path` opened for reading in binary, only if it is a regular file (`NotRegularFileError`
    otherwise, without waiting on a FIFO)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise not_regular(path, mode)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")
