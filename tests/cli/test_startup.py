"""``broadcast --help`` starts fast: no audio, speech, web or pydantic stack is imported.

Measured figures: ``python bench/bench_startup.py``. Here: what is imported (which does not
depend on the machine's load), and that the lazily listed summaries are the commands' own.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from broadcast.cli import COMMANDS, cli

ROOT = Path(__file__).resolve().parents[2]

HEAVY = ("pydub", "numpy", "pydantic", "yaml", "soundfile", "starlette", "sqlalchemy")
HEAVY_OURS = ("broadcast.audio", "broadcast.speech", "broadcast.render", "broadcast.build")

PROBE = """
import sys
from broadcast.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = [m for m in sys.modules if m.split(".")[0] in {heavy!r}
         or any(m == p or m.startswith(p + ".") for p in {ours!r})]
print("LOADED:" + ",".join(sorted(heavy)), file=sys.stderr)
"""


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"]])
def test_help_imports_no_audio_speech_or_model_stack(args: list[str]) -> None:
    probe = PROBE.format(heavy=set(HEAVY), ours=HEAVY_OURS)
    done = subprocess.run(
        [sys.executable, "-c", probe, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert "Cách dùng: broadcast" in done.stdout  # click_vi (issue 19)
    loaded = done.stderr.rsplit("LOADED:", 1)[1].strip()
    assert loaded == ""


def test_every_command_is_listed_with_its_own_summary() -> None:
    assert [name for name, *_ in COMMANDS] == list(cli.commands)
    for name, _module, _attribute, summary in COMMANDS:
        command = cli.commands[name]
        assert isinstance(command, click.Command)
        assert command.name == name
        first_paragraph = inspect.cleandoc(command.help or "").split("\n\n")[0]
        assert summary == first_paragraph, f"update COMMANDS in broadcast/cli/__init__.py: {name}"


def _help_output(preload: bool) -> str:
    probe = (
        "from broadcast.cli import cli, main\n"
        + ("for name in cli.commands: cli.commands[name]\n" if preload else "")
        + "main(['--help'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "80"},
        timeout=60,
        check=False,
    )
    return done.stdout


def test_listing_is_the_same_before_and_after_commands_are_loaded() -> None:
    lazy = _help_output(preload=False)
    assert "demo" in lazy and "convert-encoding" in lazy
    assert lazy == _help_output(preload=True)
