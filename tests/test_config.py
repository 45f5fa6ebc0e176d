"""Settings file: defaults, located validation errors, per-deck overrides, saving the theme."""

from __future__ import annotations

import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from briefing_quiz.config import Config, load_config, loads_config, parse_duration, save_theme
from briefing_quiz.core.errors import ConfigError
from briefing_quiz.core.scheduler import SchedulerSettings

FULL = """\
theme = "textual-dark"          # optional, the app's Textual theme, remembered
[scheduler]                     # all optional
desired_retention = 0.85
learning_steps = ["30s", "1.5h", "1d"]
relearning_steps = []
maximum_interval = 365
fuzz = false
new_cards_per_day = 5
leech_lapses = 4
day_starts_at = 0

[decks.feb2022]                 # per-deck overrides of any [scheduler] key
desired_retention = 0.95

[decks."other deck"]
fuzz = true
new_cards_per_day = 0
"""


def _write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    lines = str(caught.value).splitlines()
    assert len(lines) == len(caught.value.problems)
    prefix = f"{path}:"
    assert all(line.startswith(prefix) for line in lines)
    return [line[len(prefix):] for line in lines]


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "nowhere" / "config.toml")
    assert config == Config()
    assert config.theme is None and config.scheduler == SchedulerSettings()
    assert config.for_deck("anything") == SchedulerSettings()


def test_empty_file_gives_defaults(tmp_path: Path) -> None:
    assert load_config(_write(tmp_path, "# nothing yet\n")) == Config()


def test_full_file(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, FULL))
    assert config.theme == "textual-dark"
    expected = SchedulerSettings(
        desired_retention=0.85,
        learning_steps=(timedelta(seconds=30), timedelta(hours=1.5), timedelta(days=1)),
        relearning_steps=(), maximum_interval_days=365, enable_fuzzing=False,
        new_cards_per_day=5, leech_lapses=4, day_starts_at_hour=0)
    assert config.scheduler == expected
    # A deck override changes only its own keys; the rest comes from [scheduler].
    feb = config.for_deck("feb2022")
    assert feb.desired_retention == 0.95
    assert feb.learning_steps == expected.learning_steps and not feb.enable_fuzzing
    other = config.for_deck("other deck")
    assert other.enable_fuzzing and other.new_cards_per_day == 0
    assert other.desired_retention == 0.85
    assert config.for_deck("unknown") == expected
    with pytest.raises(TypeError):
        config.deck_overrides["x"] = expected  # type: ignore[index]


def test_partial_scheduler_keeps_other_defaults(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, "[scheduler]\nnew_cards_per_day = 50\n"))
    assert config.scheduler == SchedulerSettings(new_cards_per_day=50)
    assert config.theme is None


def test_unknown_keys_are_located_with_suggestions(tmp_path: Path) -> None:
    text = (
        'theme = "nord"\n'                       # 1
        "fuz = true\n"                           # 2
        "[scheduler]\n"                          # 3
        "desired_retension = 0.9\n"              # 4
        "\n"                                     # 5
        "[decks.feb2022]\n"                      # 6
        "learning_step = ['1m']\n"               # 7
        "colour = 'red'\n"                       # 8
        "[schedular]\n"                          # 9
        "new_cards_per_day = 3\n"                # 10
    )
    assert _problems(tmp_path, text) == [
        '2: unknown key "fuz"; did you mean "fuzz" in [scheduler]?',
        '4: unknown key "desired_retension" in [scheduler]; did you mean "desired_retention"?',
        '7: unknown key "learning_step" in [decks.feb2022]; did you mean "learning_steps"?',
        '8: unknown key "colour" in [decks.feb2022]',
        '9: unknown key "schedular"; did you mean "scheduler"?',
    ]


def test_scheduler_key_at_top_level(tmp_path: Path) -> None:
    assert _problems(tmp_path, "\ndesired_retention = 0.9\n") == [
        '2: "desired_retention" belongs in the [scheduler] table']


@pytest.mark.parametrize(("line", "message"), [
    ("desired_retention = 0.5", '"desired_retention" in [scheduler] must be from 0.7 to 0.99, '
                                "not 0.5"),
    ("desired_retention = 1", '"desired_retention" in [scheduler] must be from 0.7 to 0.99, not 1'),
    ('desired_retention = "high"', '"desired_retention" in [scheduler] must be a number from 0.7 '
                                   "to 0.99, not a string"),
    ("desired_retention = true", '"desired_retention" in [scheduler] must be a number from 0.7 '
                                 "to 0.99, not a boolean"),
    ('learning_steps = "1m"', '"learning_steps" in [scheduler] must be an array of durations '
                              'such as ["1m", "10m"], not a string'),
    ("learning_steps = [1, 10]", '"learning_steps" in [scheduler] must hold durations as strings '
                                 'such as "10m", not 1'),
    ('learning_steps = ["1m", "10 min"]', '"learning_steps" in [scheduler] has "10 min", which is '
                                          'not a duration such as "30s", "10m", "1h" or "1d"'),
    ('relearning_steps = ["0m"]', '"relearning_steps" in [scheduler] has "0m": a step must be '
                                  "longer than 0 and at most 365 days"),
    ("maximum_interval = 0", '"maximum_interval" in [scheduler] must be from 1 to 36500, not 0'),
    ("maximum_interval = 1.5", '"maximum_interval" in [scheduler] must be a whole number from 1 '
                               "to 36500, not a number"),
    ('fuzz = "yes"', '"fuzz" in [scheduler] must be true or false, not a string'),
    ("new_cards_per_day = -1", '"new_cards_per_day" in [scheduler] must be from 0 to 10000, '
                               "not -1"),
    ("leech_lapses = 0", '"leech_lapses" in [scheduler] must be from 1 to 1000, not 0'),
    ("day_starts_at = 24", '"day_starts_at" in [scheduler] must be from 0 to 23, not 24'),
    ("day_starts_at = true", '"day_starts_at" in [scheduler] must be a whole number from 0 to '
                             "23, not a boolean"),
])
def test_wrong_types_and_ranges(tmp_path: Path, line: str, message: str) -> None:
    assert _problems(tmp_path, f"# settings\n[scheduler]\n{line}\n") == [f"3: {message}"]


@pytest.mark.parametrize(("text", "expected"), [
    ("theme = 5\n", '1: "theme" must be the name of a theme, such as "textual-dark"'),
    ('theme = "  "\n', '1: "theme" must be the name of a theme, such as "textual-dark"'),
    ("scheduler = 3\n", '1: "scheduler" must be a table, not an integer'),
    ("decks = 3\n", '1: "decks" must hold tables such as [decks.feb2022]'),
    ("[decks]\nfeb2022 = 1\n", '2: "feb2022" in [decks] must be a table, not an integer'),
    ("\nscheduler.fuzz = 1\n", '2: "fuzz" in [scheduler] must be true or false, not an integer'),
    ("scheduler = { fuzz = 1 }\n",
     '1: "fuzz" in [scheduler] must be true or false, not an integer'),
    ('[decks."feb 2022"]\n\nfuz = true\n',
     '3: unknown key "fuz" in [decks."feb 2022"]; did you mean "fuzz"?'),
    ('notes = """\nfuzz = 1\n"""\n[scheduler]\nfuzz = 2\n',
     '1: unknown key "notes"'),
])
def test_other_shapes(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in _problems(tmp_path, text)


def test_multiline_strings_do_not_confuse_line_numbers(tmp_path: Path) -> None:
    text = 'theme = "x"\n[scheduler]\nfuzz = true\n[decks.a]\nfuzz = 2\n'
    assert _problems(tmp_path, text) == ['5: "fuzz" in [decks.a] must be true or false, '
                                         "not an integer"]
    text = "[scheduler]\nlearning_steps = [\n  '1m',\n  '1x',\n]\n"
    assert _problems(tmp_path, text) == ['2: "learning_steps" in [scheduler] has "1x", which is '
                                         'not a duration such as "30s", "10m", "1h" or "1d"']


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = "[scheduler]\nfuzz = 1\nleech_lapses = 0\nday_starts_at = 99\nbogus = 1\n"
    assert [p.split(":")[0] for p in _problems(tmp_path, text)] == ["2", "3", "4", "5"]


@pytest.mark.parametrize(("text", "where", "fragment"), [
    ("[scheduler\nfuzz = true\n", "1:11", "TOML syntax error"),
    ("[scheduler]\nfuzz = tru\n", "2:8", "TOML syntax error: Invalid value"),
    ("[scheduler]\nfuzz = true\nfuzz = false\n", "3:", "TOML syntax error"),
    ('theme = "x', "1:", "TOML syntax error"),
])
def test_syntax_errors_have_a_line(tmp_path: Path, text: str, where: str,
                                   fragment: str) -> None:
    [problem] = _problems(tmp_path, text)
    assert problem.startswith(where) and fragment in problem


def test_unreadable_files(tmp_path: Path) -> None:
    folder = tmp_path / "config.toml"
    folder.mkdir()
    with pytest.raises(ConfigError, match="is a folder"):
        load_config(folder)
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"theme = 'a'\n\xff\xfe = 1\n")
    with pytest.raises(ConfigError, match=r"binary\.toml:2: is not valid UTF-8"):
        load_config(binary)


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b'\xef\xbb\xbftheme = "nord"\n')
    assert load_config(path).theme == "nord"


@pytest.mark.parametrize(("text", "expected"), [
    ("30s", timedelta(seconds=30)), ("10m", timedelta(minutes=10)), ("1.5h", timedelta(hours=1.5)),
    ("2d", timedelta(days=2)), (" 5 m ", timedelta(minutes=5)),
])
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "10", "m", "10min", "-1m", "1w", "1.m"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_loads_config_names_the_given_path() -> None:
    with pytest.raises(ConfigError, match=r"^elsewhere\.toml:1: "):
        loads_config("x = 1\n", Path("elsewhere.toml"))


# ------------------------------------------------------------------------------------------
# save_theme


def test_save_theme_creates_file_and_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "config.toml"
    save_theme(path, "nord")
    assert path.read_text(encoding="utf-8") == 'theme = "nord"\n'
    assert load_config(path).theme == "nord"
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.toml"]  # no temp file left


def test_save_theme_rewrites_only_the_theme_line(tmp_path: Path) -> None:
    path = _write(tmp_path, FULL)
    save_theme(path, "gruvbox")
    expected = FULL.replace('theme = "textual-dark"', 'theme = "gruvbox"', 1)
    assert path.read_text(encoding="utf-8") == expected
    assert load_config(path).theme == "gruvbox"
    assert load_config(path).for_deck("feb2022").desired_retention == 0.95


def test_save_theme_inserts_at_the_top_when_missing(tmp_path: Path) -> None:
    text = "# my settings\n# theme = \"old\"\n[scheduler]\nfuzz = false\n[decks.x]\ntheme = 1\n"
    path = _write(tmp_path, text)
    save_theme(path, "nord")
    assert path.read_text(encoding="utf-8") == 'theme = "nord"\n' + text


@pytest.mark.parametrize(("line", "new"), [
    ("theme='old'", 'theme = "new"'),
    ('  "theme" = "old"   # chosen in the app', '  theme = "new"   # chosen in the app'),
    ("theme = 5 # a number", 'theme = "new"'),
])
def test_save_theme_line_variants(tmp_path: Path, line: str, new: str) -> None:
    path = _write(tmp_path, f"# top\n{line}\n[scheduler]\nfuzz = true\n")
    save_theme(path, "new")
    assert path.read_text(encoding="utf-8") == f"# top\n{new}\n[scheduler]\nfuzz = true\n"


def test_save_theme_keeps_crlf_and_permissions(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'# x\r\ntheme = "a"\r\n[scheduler]\r\nfuzz = true\r\n')
    os.chmod(path, 0o600)
    save_theme(path, "b")
    assert path.read_bytes() == b'# x\r\ntheme = "b"\r\n[scheduler]\r\nfuzz = true\r\n'
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    crlf_new = tmp_path / "new.toml"
    crlf_new.write_bytes(b"[scheduler]\r\nfuzz = true\r\n")
    save_theme(crlf_new, "c")
    assert crlf_new.read_bytes() == b'theme = "c"\r\n[scheduler]\r\nfuzz = true\r\n'


@pytest.mark.parametrize("theme", ['say "hi"', "back\\slash", "ünïcode", "it's"])
def test_save_theme_escapes(tmp_path: Path, theme: str) -> None:
    path = tmp_path / "config.toml"
    save_theme(path, theme)
    assert load_config(path).theme == theme


@pytest.mark.parametrize("theme", ["", "  ", "two\nlines"])
def test_save_theme_rejects_bad_names(tmp_path: Path, theme: str) -> None:
    with pytest.raises(ValueError):
        save_theme(tmp_path / "config.toml", theme)
    assert not (tmp_path / "config.toml").exists()


def test_save_theme_never_breaks_a_valid_file(tmp_path: Path) -> None:
    # A multi-line theme value cannot be edited line by line: refuse rather than corrupt.
    text = 'theme = """\nnord"""\n'
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError, match="edit it by hand"):
        save_theme(path, "x")
    assert path.read_text(encoding="utf-8") == text


def test_save_theme_on_an_invalid_file_still_sets_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, 'theme = "a"\n[scheduler\n')
    save_theme(path, "b")
    assert path.read_text(encoding="utf-8") == 'theme = "b"\n[scheduler\n'


def test_save_theme_reports_write_failures_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, 'theme = "a"\n')

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("briefing_quiz.config.os.replace", refuse)
    with pytest.raises(ConfigError, match="cannot save the theme: Permission denied"):
        save_theme(path, "nord")
    assert path.read_text(encoding="utf-8") == 'theme = "a"\n'
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]


def test_path_below_a_file_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(blocker / "config.toml")
    with pytest.raises(ConfigError, match="cannot read"):
        save_theme(blocker / "config.toml", "nord")


@pytest.mark.parametrize(("line", "message"), [
    ('relearning_steps = ["1000000000d"]', '"relearning_steps" in [scheduler] has "1000000000d": '
                                           "a step must be longer than 0 and at most 365 days"),
    ('learning_steps = ["' + "9" * 5000 + 's"]', "a step must be longer than 0 and at most 365"),
    ("desired_retention = 1" + "0" * 5000, "a number too long to be a setting (5001 digits)"),
    ("new_cards_per_day = " + "9" * 5000, "a number too long to be a setting (5000 digits)"),
    ("learning_steps = " + "[" * 400 + "]" * 400, "must hold durations as strings"),
    ("learning_steps = " + "[" * 1000 + "]" * 1000, "nested too deep (more than 400 levels)"),
], ids=["1e9-days", "5000-digit-step", "5000-digit-float", "5000-digit-int", "nested-400",
        "nested-1000"])
def test_values_past_every_limit_are_located_errors(tmp_path: Path, line: str,
                                                     message: str) -> None:
    """Issue 17: these ended in OverflowError, ValueError or RecursionError (internal errors)."""
    path = tmp_path / "config.toml"
    path.write_text(f"# settings\n[scheduler]\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    text = str(caught.value)
    assert text.startswith(f"{path}:3: ") and message in text and len(text) < 400, text[:400]


# -- FSRS parameters of one's own (issue 13) --------------------------------------------------

ANKI_21 = ("0.2172, 1.1771, 3.2602, 16.1507, 7.0114, 0.57, 2.0966, 0.0069, 1.5261, 0.112, "
           "1.0178, 1.849, 0.1133, 0.3127, 2.2934, 0.2191, 3.0004, 0.7536, 0.3332, 0.1437, 0.2")


def test_parameters_pasted_from_anki_apply_globally_and_per_deck(tmp_path: Path) -> None:
    path = _write(tmp_path, f"[scheduler]\nparameters = [{ANKI_21}]\n"
                            "parameters_fitted = 2026-12-07T06:00:00Z\n"
                            "[decks.other]\ndesired_retention = 0.95\n"
                            f"[decks.fsrs5]\nparameters = [{ANKI_21.rsplit(',', 2)[0]}]\n")
    config = load_config(path)
    expected = tuple(float(w) for w in ANKI_21.split(","))
    assert config.scheduler.parameters == expected
    assert config.scheduler.parameters_fitted is not None
    assert config.for_deck("other").parameters == expected  # inherited from [scheduler]
    assert config.for_deck("nothing").parameters == expected
    # 19 numbers (FSRS-5, older Anki): FSRS-6 with w19 = 0 and FSRS-5's decay 0.5.
    assert config.for_deck("fsrs5").parameters == (*expected[:19], 0.0, 0.5)
    assert Config().scheduler.parameters is None


@pytest.mark.parametrize(("value", "message"), [
    ("[0.2, 1.1]", "must hold 21 numbers (FSRS-6), not 2"),
    ('"0.2, 1.1"', "must be an array of 21 numbers"),
    (f"[{ANKI_21.replace('16.1507', '160.5')}]", "has w3 = 160.5 (number 4), outside the range"),
    (f"[{ANKI_21.replace('0.2172', 'true')}]", "must be an array of 21 numbers"),
])
def test_bad_parameters_are_located(tmp_path: Path, value: str, message: str) -> None:
    problems = _problems(tmp_path, f"theme = 'x'\n[decks.d]\nparameters = {value}\n")
    assert len(problems) == 1
    assert problems[0].startswith('3: "parameters" in [decks.d] ') and message in problems[0]


def test_editor_line_form_is_read_and_checked_with_its_line() -> None:
    config = loads_config('[editor]\nline = "--goto {file}:{line}"\n', Path("c.toml"))
    assert config.editor_line == "--goto {file}:{line}"
    assert Config().editor_line is None
    with pytest.raises(ConfigError) as caught:
        loads_config('theme = "x"\n[editor]\nline = "{file}"\nlin = 3\n', Path("c.toml"))
    text = str(caught.value)
    assert 'c.toml:3: "line" must be the editor\'s arguments with {file} and {line}' in text
    assert 'c.toml:4: unknown key "lin" in [editor]; did you mean "line"?' in text


def test_save_theme_through_a_link_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles.toml"
    real.write_text("# mine\n", encoding="utf-8")
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    save_theme(link, "nord")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8").startswith('theme = "nord"')


def test_save_theme_leaves_a_read_only_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "gruvbox"\n', encoding="utf-8")
    path.chmod(0o444)
    with pytest.raises(ConfigError, match="read-only"):
        save_theme(path, "nord")
    assert path.read_text(encoding="utf-8") == 'theme = "gruvbox"\n'


def test_a_settings_file_over_its_cap_is_refused_unread(tmp_path: Path) -> None:
    """A regular file, not a device: its size alone refuses it (issue 17: every read capped)."""
    from briefing_quiz.config import MAX_CONFIG_BYTES

    path = tmp_path / "config.toml"
    with open(path, "wb") as handle:
        handle.truncate(MAX_CONFIG_BYTES + 1)
    with pytest.raises(ConfigError, match=r"is larger than 1024 KiB: not a settings file"):
        load_config(path)
