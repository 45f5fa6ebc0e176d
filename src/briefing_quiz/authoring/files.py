"""Writing new files: parents created, never half-written, replaced only with --force."""

from __future__ import annotations

import os
from pathlib import Path

from briefing_quiz.core.errors import BriefingQuizError

__all__ = ["write_new_bytes", "write_new_file"]


def _exists_error(path: Path) -> BriefingQuizError:
    return BriefingQuizError(f"{path}: already exists; choose another name, or add --force to "
                             "replace it")


def write_new_bytes(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write `data` to `path`, creating parent folders; refuse to replace a file unless `force`.

    The bytes go to a temporary file first and are moved into place whole, so an interrupted write
    never leaves a truncated deck (which would then block the next attempt as "already exists").
    """
    if path.is_dir():
        example = path / "deck.toml"
        raise BriefingQuizError(f"{path}: is a folder; give a file name such as {example}")
    if path.exists() and not force:
        raise _exists_error(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        if force:
            os.replace(tmp, path)
        else:
            try:
                # link() fails when the file appeared since the check above: nothing is clobbered.
                os.link(tmp, path)
            except FileExistsError:
                raise
            except OSError:
                # A file system without hard links (FAT, some network shares): checked just above.
                os.replace(tmp, path)
    except FileExistsError:
        raise _exists_error(path) from None
    except OSError as error:
        raise BriefingQuizError(f"{path}: cannot write: {error.strerror or error}") from None
    finally:
        tmp.unlink(missing_ok=True)


def write_new_file(path: Path, text: str, *, force: bool = False) -> None:
    """`write_new_bytes` for text, as UTF-8 with '\\n' line ends."""
    write_new_bytes(path, text.encode("utf-8"), force=force)
