"""The cell splitting the readers share."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_quiz.authoring.notes import ImportFailed, read_text, sniff_delimiter, split_list, split_tags


def test_split_list() -> None:
    assert split_list("a | b|c ") == ["a", "b", "c"]
    assert split_list("a|b\nc") == ["a|b", "c"]
    assert split_list("") == []


def test_split_tags() -> None:
    assert split_tags("a b  c") == ["a", "b", "c"]  # Anki's space-separated tags
    assert split_tags("two words; maths,") == ["two words", "maths"]


def test_sniff_delimiter() -> None:
    assert sniff_delimiter("q;a;tags", Path("x.csv")) == ";"
    assert sniff_delimiter("q,a", Path("x.tsv")) == "\t"  # the name decides
    assert sniff_delimiter("question", Path("x.csv")) == ","


def test_read_text_refuses_a_folder_and_keeps_line_numbers(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="is a folder"):
        read_text(tmp_path)
    path = tmp_path / "old-mac.csv"
    path.write_bytes(b"\xef\xbb\xbfq,a\rx,y\r\nz,w\n")
    assert read_text(path) == "q,a\nx,y\nz,w\n"
