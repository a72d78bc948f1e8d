"""click's own messages are Vietnamese on the CLI (issue 19): an officer who mistypes a
command reads what went wrong in their language."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from broadcast.cli import cli
from broadcast.cli.click_vi import MESSAGES


@pytest.mark.parametrize(
    "args,words,english",
    [
        (["khong-co"], "Không có lệnh 'khong-co'", "No such command"),
        (["user", "add", "lan"], "Thiếu tùy chọn '--role'", "Missing option"),
        (["user", "role", "lan", "boss"], "Giá trị sai", "Invalid value"),
        (["user", "role"], "Thiếu tham số 'NAME'", "Missing argument"),
        (["user", "list", "--khong"], "Không có tùy chọn: --khong", "No such option"),
    ],
)
def test_usage_errors_are_vietnamese(args, words, english):
    res = CliRunner().invoke(cli, args, prog_name="broadcast")
    assert res.exit_code == 2
    assert words in res.output, res.output
    assert "Cách dùng: broadcast" in res.output and "để xem hướng dẫn" in res.output
    assert english not in res.output and "Usage:" not in res.output
    assert "Error:" not in res.output


def test_help_headings_are_vietnamese():
    res = CliRunner().invoke(cli, ["user", "--help"])
    assert res.exit_code == 0
    for words in ("Cách dùng:", "Tùy chọn:", "Lệnh:", "Xem hướng dẫn này rồi thoát."):
        assert words in res.output
    for english in ("Usage:", "Options:", "Commands:", "Show this message and exit."):
        assert english not in res.output


def test_every_translation_keeps_the_placeholders():
    import re

    for english, vi in MESSAGES.items():
        assert sorted(re.findall(r"\{[^}]*\}|%\(\w+\)s", english)) == sorted(
            re.findall(r"\{[^}]*\}|%\(\w+\)s", vi)
        ), english
