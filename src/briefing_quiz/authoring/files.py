"""Writing new files: parents created, never half-written, replaced only with --force, and then
only a regular file.

Every file the program writes for the user (`new`, `import`, `export`) goes through
`write_new_bytes`: the bytes go to a new temporary file in the target's folder (created with
O_EXCL, so a planted file or link at that name is never followed) and are moved into place
whole. `--force` replaces a regular file (through a link to one, the file it names); a folder,
FIFO, device or socket, or a link to one, is refused: `export -o /dev/full --force` must not
turn the device node into a file.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.files import not_regular
from briefing_quiz.core.visible import one_line

__all__ = ["write_new_bytes", "write_new_file"]


def _exists_error(path: Path) -> BriefingQuizError:
    return BriefingQuizError(f"{one_line(str(path))}: already exists; choose another name, or add "
                             "--force to replace it")


def _target(path: Path, force: bool) -> Path:
    """Where to write for `path`: itself, or the regular file its link names; refuses anything
    else (see the module docstring) and a parent that is not a folder."""
    shown = one_line(str(path))
    for parent in path.parents:
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir():
                raise BriefingQuizError(f"{shown}: cannot write: {one_line(str(parent))} is a "
                                        "file, not a folder")
            break
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return path  # nothing there (or a dangling link, replaced only with --force: see below)
    except OSError as error:
        raise BriefingQuizError(f"{shown}: cannot write: {error.strerror or error}") from None
    if stat.S_ISDIR(info.st_mode):
        raise BriefingQuizError(f"{shown}: is a folder; give a file name such as "
                                f"{one_line(str(path / 'deck.toml'))}")
    if not stat.S_ISREG(info.st_mode):
        raise BriefingQuizError(f"{shown}: {not_regular(path, info.st_mode).strerror}: it is "
                                "never replaced, even with --force")
    if not force:
        raise _exists_error(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def write_new_bytes(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write `data` to `path`, creating parent folders; refuse to replace a file unless `force`
    (and then only a regular file).

    The bytes go to a temporary file first and are moved into place whole, so an interrupted write
    never leaves a truncated deck (which would then block the next attempt as "already exists").
    """
    target = _target(path, force)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    created = False
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
        created = True
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if force:
            os.replace(tmp, target)
        else:
            try:
                # link() fails when the file appeared since the check above: nothing is clobbered.
                os.link(tmp, target)
            except FileExistsError:
                raise
            except OSError:
                # A file system without hard links (FAT, some network shares): checked just above.
                os.replace(tmp, target)
    except FileExistsError:
        raise _exists_error(path) from None
    except OSError as error:
        raise BriefingQuizError(f"{one_line(str(path))}: cannot write: "
                                f"{error.strerror or error}") from None
    finally:
        if created:
            tmp.unlink(missing_ok=True)


def write_new_file(path: Path, text: str, *, force: bool = False) -> None:
    """`write_new_bytes` for text, as UTF-8 with '\\n' line ends."""
    write_new_bytes(path, text.encode("utf-8"), force=force)
