"""core/files.py: only a regular file is read, and never past its cap, even when it grows after it
was measured (issue 17: every file read has a size cap)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefing_quiz.core import files
from briefing_quiz.core.files import FileTooBigError, NotRegularFileError, read_regular


def test_a_file_over_the_cap_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big"
    with open(path, "wb") as handle:  # sparse: costs no disk
        handle.truncate(10 * 1024 * 1024)
    with pytest.raises(FileTooBigError):
        read_regular(path, 1024)
    path.write_bytes(b"x" * 1024)
    assert read_regular(path, 1024) == b"x" * 1024  # at the cap: read


def test_a_file_that_grows_after_it_was_measured_is_cut_at_the_cap(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The size fstat gave is not trusted: the read stops past the cap whatever it said."""
    path = tmp_path / "grows"
    path.write_bytes(b"x" * 100_000)
    real_fstat = os.fstat

    def small(fd: int) -> os.stat_result:
        fields = list(real_fstat(fd))
        fields[6] = 10  # st_size: as if the file held 10 bytes when it was measured
        return os.stat_result(fields)

    monkeypatch.setattr(files.os, "fstat", small)
    with pytest.raises(FileTooBigError):
        read_regular(path, 50_000)


def test_a_fifo_or_a_device_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(NotRegularFileError, match="FIFO"):
        read_regular(fifo, 1024)
    if Path("/dev/zero").exists():
        with pytest.raises(NotRegularFileError, match="device"):
            read_regular("/dev/zero", 1024)
