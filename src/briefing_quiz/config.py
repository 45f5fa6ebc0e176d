"""Settings: `config.toml` in the user config folder (see docs/configuration.md).

```toml
theme = "textual-dark"          # the app's Textual theme, remembered by the app
[scheduler]                     # every key optional
desired_retention = 0.9
learning_steps = ["1m", "10m"]
[decks.feb2022]                 # per-deck overrides of any [scheduler] key
desired_retention = 0.95
[editor]                        # how your editor opens a file at a line, when it is not one
line = "--goto {file}:{line}"   # of those known (ui/editor.py): its arguments, {file} {line}
```

A missing file means defaults. Anything wrong (syntax, unknown key, wrong type or range) is a
`ConfigError` listing every problem with its file and line; unknown keys get a "did you mean".
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import stat
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import MappingProxyType

import tomli  # not the stdlib tomllib: the same parser everywhere, and its compiled wheel is faster

from briefing_quiz.core import fsrs_adapter
from briefing_quiz.core.errors import ConfigError, Problem
from briefing_quiz.core.scheduler import SchedulerSettings

__all__ = ["Config", "load_config", "parse_duration", "read_config_text", "replace_config",
           "save_theme"]


@dataclass(frozen=True)
class Config:
    """Validated settings. `Config()` is the defaults."""

    scheduler: SchedulerSettings = field(default_factory=SchedulerSettings)
    deck_overrides: Mapping[str, SchedulerSettings] = field(
        default_factory=lambda: MappingProxyType({}))
    theme: str | None = None
    #: `[editor] line`: the editor's arguments to open {file} at {line} (None: known forms).
    editor_line: str | None = None
    #: `[keys]`: action id -> key(s), the user's own keys (briefing_quiz.keymap).
    keys: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def for_deck(self, deck_id: str) -> SchedulerSettings:
        """The settings of deck `deck_id`: `[scheduler]` with its `[decks.ID]` overrides."""
        return self.deck_overrides.get(deck_id, self.scheduler)


class _Invalid(ValueError):
    """A value of the wrong type or range; the message is for the user."""


_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_MAX_STEP = timedelta(days=365)


def parse_duration(text: str) -> timedelta:
    """'30s', '10m', '1.5h', '2d' -> timedelta; ValueError for anything else."""
    match = _DURATION.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a duration such as \"30s\", \"10m\", \"1h\" or \"1d\"")
    seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    # Past what a timedelta holds (1e9 days, a 5,000-digit number): the largest one, which every
    # range check refuses, rather than an OverflowError.
    return timedelta.max if not seconds < 86400 * 999_999_999 else timedelta(seconds=seconds)


def _type_name(value: object) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
             list: "an array", dict: "a table"}
    return names.get(type(value), type(value).__name__)


def _number_in(low: float, high: float) -> Callable[[object], object]:
    def convert(value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Invalid(f"must be a number from {low} to {high}, not {_type_name(value)}")
        if not low <= value <= high:
            raise _Invalid(f"must be from {low} to {high}, not {value}")
        return float(value)
    return convert


def _integer_in(low: int, high: int) -> Callable[[object], object]:
    def convert(value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Invalid(f"must be a whole number from {low} to {high}, not {_type_name(value)}")
        if not low <= value <= high:
            raise _Invalid(f"must be from {low} to {high}, not {value}")
        return value
    return convert


def _boolean(value: object) -> object:
    if not isinstance(value, bool):
        raise _Invalid(f"must be true or false, not {_type_name(value)}")
    return value


def _steps(value: object) -> object:
    if not isinstance(value, list):
        raise _Invalid(f'must be an array of durations such as ["1m", "10m"], not '
                       f"{_type_name(value)}")
    if len(value) > 20:
        raise _Invalid("has more than 20 steps")
    steps: list[timedelta] = []
    for item in value:
        if not isinstance(item, str):
            shown = repr(item) if len(repr(item)) <= 40 else repr(item)[:39] + "…"
            raise _Invalid(f'must hold durations as strings such as "10m", not {shown}')
        try:
            step = parse_duration(item)
        except ValueError:
            raise _Invalid(f'has "{item}", which is not a duration such as "30s", "10m", "1h" '
                           f'or "1d"') from None
        if not timedelta(0) < step <= _MAX_STEP:
            shown = item if len(item) <= 40 else item[:39] + "…"
            raise _Invalid(f'has "{shown}": a step must be longer than 0 and at most 365 days')
        steps.append(step)
    return tuple(steps)


def _parameters(value: object) -> object:
    """FSRS-6 parameters: 21 numbers within fsrs' bounds, as Anki's deck options list them (paste
    its comma-separated list between [ ]). 19 numbers (FSRS-5, older Anki) are taken as FSRS-6 with
    no short-term stability exponent and FSRS-5's decay (w19 = 0, w20 = 0.5), which is the same
    model."""
    if not isinstance(value, list) or not all(
            isinstance(w, (int, float)) and not isinstance(w, bool) for w in value):
        raise _Invalid("must be an array of 21 numbers (FSRS-6), as Anki's deck options list "
                       "them: parameters = [0.212, 1.2931, ...]")
    numbers = [float(w) for w in value]
    if len(numbers) == 19:
        numbers += [0.0, 0.5]
    if len(numbers) != 21:
        raise _Invalid(f"must hold 21 numbers (FSRS-6), not {len(value)}")
    bounds = fsrs_adapter.parameter_bounds()
    if bounds is not None:
        for number, (w, low, high) in enumerate(zip(numbers, *bounds, strict=True)):
            if not low <= w <= high:
                raise _Invalid(f"has w{number} = {w:g} (number {number + 1}), outside the range "
                               f"fsrs accepts, {low:g} to {high:g}")
    return tuple(numbers)


def _moment(value: object) -> object:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise _Invalid("must be a date and time with its offset, such as 2026-12-07T06:00:00Z")
    return value


# config key -> (SchedulerSettings field, converter)
_SCHEDULER_KEYS: dict[str, tuple[str, Callable[[object], object]]] = {
    "desired_retention": ("desired_retention", _number_in(0.7, 0.99)),
    "learning_steps": ("learning_steps", _steps),
    "relearning_steps": ("relearning_steps", _steps),
    "maximum_interval": ("maximum_interval_days", _integer_in(1, 36500)),
    "fuzz": ("enable_fuzzing", _boolean),
    "new_cards_per_day": ("new_cards_per_day", _integer_in(0, 10000)),
    "leech_lapses": ("leech_lapses", _integer_in(1, 1000)),
    "day_starts_at": ("day_starts_at_hour", _integer_in(0, 23)),
    "parameters": ("parameters", _parameters),
    "parameters_fitted": ("parameters_fitted", _moment),
}
_TOP_KEYS = ("theme", "scheduler", "decks", "editor", "keys")


# --------------------------------------------------------------------------------------------
# Locating keys: tomli gives values but no positions, so find the line of each key in the
# text. A light line scanner is enough: it is only used to point at problems.

_BARE_OR_QUOTED = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_DOTTED = rf"{_BARE_OR_QUOTED}(?:\s*\.\s*{_BARE_OR_QUOTED})*"
_HEADER = re.compile(rf"\s*\[\s*({_DOTTED})\s*\]\s*(?:#.*)?")
_KEY = re.compile(rf"\s*({_DOTTED})\s*=")
_PART = re.compile(_BARE_OR_QUOTED)


def _key_parts(dotted: str) -> tuple[str, ...]:
    parts = []
    for raw in _PART.findall(dotted):
        if raw[0] in "\"'":
            try:  # let the TOML parser undo the quoting and escapes
                parts.append(str(tomli.loads(f"k = {raw}")["k"]))
            except tomli.TOMLDecodeError:
                parts.append(raw[1:-1])
        else:
            parts.append(raw)
    return tuple(parts)


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline is not None:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = _HEADER.fullmatch(line)
        if header is not None:
            table = _key_parts(header.group(1))
            lines.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key is not None:
            lines.setdefault(table + _key_parts(key.group(1)), number)
        for quote in ('"""', "'''"):
            if line.count(quote) % 2 == 1:
                in_multiline = quote
    return lines


class _Problems:
    """Collects problems, each placed at the line of the innermost key found in the text."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = _key_lines(text)
        self.items: list[Problem] = []

    def add(self, key: tuple[str, ...], message: str) -> None:
        line = None
        for end in range(len(key), 0, -1):
            line = self.lines.get(key[:end])
            if line is not None:
                break
        self.items.append(Problem(self.path, message, line=line))


def _describe(key: tuple[str, ...]) -> str:
    if len(key) == 1:
        return f'"{key[0]}"'
    table = ".".join(_quote_part(p) for p in key[:-1])
    return f'"{key[-1]}" in [{table}]'


def _quote_part(part: str) -> str:
    return part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else f'"{part}"'


def _suggest(name: str, options: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    return f'; did you mean "{close[0]}"?' if close else ""


# --------------------------------------------------------------------------------------------
# Loading


#: A settings file is a few lines; past this it is not one (a link to /dev/zero, a log...).
MAX_CONFIG_BYTES = 1024 * 1024


def _read(path: Path) -> str | None:
    """The file's text, None when it does not exist; ConfigError when it cannot be read."""
    from briefing_quiz.core.files import FileTooBigError, NotRegularFileError, read_regular

    try:
        data = read_regular(path, MAX_CONFIG_BYTES)  # never a FIFO's wait or /dev/zero's 2 GB
    except FileNotFoundError:
        return None
    except (IsADirectoryError, NotRegularFileError) as error:
        what = error.strerror.split(",")[0] if error.strerror else "not a regular file"
        raise ConfigError([Problem(path, f"{what}, not a settings file")]) from None
    except FileTooBigError:
        raise ConfigError([Problem(path, f"is larger than {MAX_CONFIG_BYTES // 1024} KiB: "
                                         "not a settings file")]) from None
    except OSError as error:
        raise ConfigError([Problem(path, f"cannot read: {error.strerror or error}")]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ConfigError([Problem(path, "is not valid UTF-8 text", line=line)]) from None


def _syntax_problem(path: Path, text: str, error: tomli.TOMLDecodeError) -> Problem:
    message = str(error)
    line: int | None = None
    column: int | None = None
    where = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if where is not None:
        line, column = int(where.group(1)), int(where.group(2))
        message = message[: where.start()]
    elif message.endswith("(at end of document)"):
        line = max(1, len(text.splitlines()))
        message = message.removesuffix("(at end of document)").rstrip()
    return Problem(path, f"TOML syntax error: {message}", line=line, column=column)


def _scheduler_settings(table: object, key: tuple[str, ...], base: SchedulerSettings,
                        problems: _Problems) -> SchedulerSettings:
    """`base` with the keys of `table` applied; problems are recorded, bad keys skipped."""
    if not isinstance(table, dict):
        problems.add(key, f"{_describe(key)} must be a table, not {_type_name(table)}")
        return base
    changes: dict[str, object] = {}
    for name, value in table.items():
        where = (*key, name)
        if name not in _SCHEDULER_KEYS:
            problems.add(where, f"unknown key {_describe(where)}"
                         f"{_suggest(name, list(_SCHEDULER_KEYS))}")
            continue
        field_name, convert = _SCHEDULER_KEYS[name]
        try:
            changes[field_name] = convert(value)
        except _Invalid as error:
            problems.add(where, f"{_describe(where)} {error}")
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def _limit_problem(path: Path, text: str, error: Exception) -> Problem:
    """A parse that passed a parser's limit, located on the line most likely to blame: the most
    deeply bracketed one, or the one with the longest run of digits."""
    lines = text.splitlines() or [""]
    if isinstance(error, RecursionError):
        line = max(range(len(lines)), key=lambda i: lines[i].count("[") + lines[i].count("{"))
        return Problem(path, "arrays or tables nested too deep (more than 400 levels)",
                       line=line + 1)
    digits = [max((len(run) for run in re.findall(r"\d+", ln)), default=0) for ln in lines]
    line = max(range(len(lines)), key=digits.__getitem__)
    return Problem(path, f"a number too long to be a setting ({digits[line]} digits)", line=line + 1)


def loads_config(text: str, path: Path) -> Config:
    """Parse and validate settings text (`path` is only used in messages)."""
    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        raise ConfigError([_syntax_problem(path, text, error)]) from None
    except (RecursionError, ValueError) as error:  # nesting past tomli's 400 levels, or a number
        raise ConfigError([_limit_problem(path, text, error)]) from None  # of 4,300+ digits
    problems = _Problems(path, text)
    theme: str | None = None
    for name in data:
        if name in _TOP_KEYS:
            continue
        if name in _SCHEDULER_KEYS:
            problems.add((name,), f'"{name}" belongs in the [scheduler] table')
        elif _suggest(name, _TOP_KEYS):
            problems.add((name,), f"unknown key {_describe((name,))}{_suggest(name, _TOP_KEYS)}")
        else:
            hint = _suggest(name, list(_SCHEDULER_KEYS)).replace("?", " in [scheduler]?")
            problems.add((name,), f"unknown key {_describe((name,))}{hint}")
    if "theme" in data:
        if isinstance(data["theme"], str) and data["theme"].strip():
            theme = data["theme"].strip()
        else:
            problems.add(("theme",), '"theme" must be the name of a theme, such as '
                         '"textual-dark"')
    scheduler = SchedulerSettings()
    if "scheduler" in data:
        scheduler = _scheduler_settings(data["scheduler"], ("scheduler",), scheduler, problems)
    overrides: dict[str, SchedulerSettings] = {}
    decks = data.get("decks", {})
    if not isinstance(decks, dict):
        problems.add(("decks",), '"decks" must hold tables such as [decks.feb2022]')
    else:
        for deck_id, table in decks.items():
            overrides[deck_id] = _scheduler_settings(table, ("decks", deck_id), scheduler,
                                                     problems)
    editor_line = _editor_line(data.get("editor"), problems)
    keys: dict[str, str] = {}
    if "keys" in data:
        from briefing_quiz.keymap import check_keys

        if isinstance(data["keys"], dict):
            keys, wrong = check_keys(data["keys"])
            for action, message in wrong:
                problems.add(("keys", action), message)
        else:
            problems.add(("keys",), '"keys" must be a table: [keys] with "study.undo" = "z"')
    if problems.items:
        problems.items.sort(key=lambda p: p.line if p.line is not None else 0)
        raise ConfigError(problems.items)
    return Config(scheduler=scheduler, deck_overrides=MappingProxyType(overrides), theme=theme,
                  editor_line=editor_line, keys=MappingProxyType(keys))


def _editor_line(table: object, problems: _Problems) -> str | None:
    """`[editor] line`: a string of arguments holding {file} and {line}, or None."""
    if table is None:
        return None
    if not isinstance(table, dict):
        problems.add(("editor",), '"editor" must be a table: [editor] with line = "..."')
        return None
    for name in table:
        if name != "line":
            problems.add(("editor", name), f"unknown key {_describe(('editor', name))}"
                         f"{_suggest(name, ['line'])} (the one key of [editor] is line)")
    value = table.get("line")
    if value is None:
        return None
    import shlex

    wanted = '"line" must be the editor\'s arguments with {file} and {line} in them, such as ' \
        '"--goto {file}:{line}"'
    if not isinstance(value, str) or "{file}" not in value or "{line}" not in value:
        problems.add(("editor", "line"), wanted)
        return None
    try:
        shlex.split(value)
    except ValueError as error:  # an unclosed quote
        problems.add(("editor", "line"), f"{wanted}: {error}")
        return None
    return value


def load_config(path: Path) -> Config:
    """The settings in `path`; defaults when it does not exist; ConfigError when invalid."""
    text = _read(path)
    return Config() if text is None else loads_config(text, path)


# --------------------------------------------------------------------------------------------
# Saving the theme

_THEME_LINE = re.compile(r"""(?P<indent>\s*)(?:theme|"theme"|'theme')\s*=\s*(?P<value>.*)""")
_STRING_VALUE = re.compile(r"""(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*')(?P<tail>\s*(?:#.*)?)""")


def _toml_string(value: str) -> str:
    out = []
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _with_theme(text: str, theme: str) -> str:
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    assignment = f"theme = {_toml_string(theme)}"
    for index, line in enumerate(lines):
        body = line.rstrip("\r\n")
        if body.lstrip().startswith("["):
            break  # only a top-level `theme` counts, and top-level keys come before any table
        match = _THEME_LINE.fullmatch(body)
        if match is None:
            continue
        value = _STRING_VALUE.fullmatch(match.group("value"))
        tail = value.group("tail") if value is not None else ""
        lines[index] = match.group("indent") + assignment + tail + line[len(body):]
        return "".join(lines)
    return assignment + newline + text


def save_theme(path: Path, theme: str) -> None:
    """Set the top-level `theme` of the settings file, keeping every other line as written.

    The `theme = ...` line is rewritten in place (its comment kept), or inserted as the first
    line; the file and its folders are created when missing. The file is replaced atomically.
    """
    if not theme.strip() or any(ord(c) < 0x20 for c in theme):
        raise ValueError(f"not a theme name: {theme!r}")
    old = _read(path)
    text = _with_theme(old or "", theme)
    # A file that was valid must stay valid (an already broken one cannot get worse).
    if old is not None and _parses(old) and not _parses(text):
        raise ConfigError([Problem(path, "cannot update the theme line of this file; edit it "
                                   "by hand")])
    replace_config(path, text, doing="save the theme")


def _parses(text: str) -> bool:
    try:
        tomli.loads(text)
    except tomli.TOMLDecodeError:
        return False
    return True


def read_config_text(path: Path) -> str | None:
    """The settings file's text (None when there is none): only a regular file, never past the
    cap; ConfigError naming the file otherwise."""
    return _read(path)


def replace_config(path: Path, text: str, *, doing: str) -> None:
    """Write `text` as the settings file `path`, whole (a temporary file renamed over it).

    A link is followed: the file it names is replaced and the link kept (a config linked from a
    dotfiles folder stays linked). A file without any write permission is left alone: its owner
    made it read-only, and renaming over it would ignore that. `doing` names the change for the
    error message ("save the theme")."""
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        info = target.stat()
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise ConfigError([Problem(path, f"cannot {doing}: {error.strerror or error}")]) from None
    else:
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError([Problem(path, f"cannot {doing}: it is not a regular file")])
        mode = stat.S_IMODE(info.st_mode)
        if not mode & 0o222:
            raise ConfigError([Problem(path, f"cannot {doing}: the file is read-only; make it "
                                             "writable (chmod u+w) or edit it by hand")])
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(target, text, mode)
    except OSError as error:
        raise ConfigError([Problem(path, f"cannot {doing}: {error.strerror or error}")]
                          ) from None


def _write_atomically(path: Path, text: str, mode: int | None) -> None:
    """Write a temporary file beside `path` and rename it over `path`: never half a file."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=path.parent,
                                     prefix=f".{path.name}.", delete=False) as handle:
        temporary = Path(handle.name)
        try:
            handle.write(text)
        except OSError:
            handle.close()
            temporary.unlink(missing_ok=True)
            raise
    try:
        if mode is not None:
            temporary.chmod(mode)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise
