"""Every example in every ``--help`` runs on the shipped project.

An officer copies the example lines of ``broadcast CMD --help`` first; an example that
names a file the project does not have (``scripts/ma-otp.md``) is a dead end. This test
reads the help of every command and sub-command, takes each line that starts with
``broadcast `` (after ``Ví dụ:``, comments after ``  #`` dropped) and runs it through the
console entry point in a copy of the shipped project, with the clock pinned to the
first campaign day (examples say ``today``/``tomorrow``) and no network.

Examples that state a bounded job keep the test short: ``--station`` limits renders to
one loudspeaker where the example would otherwise make every station's bulletins.
"""

from __future__ import annotations

import datetime as dt
import shlex
import socket
from pathlib import Path
from zoneinfo import ZoneInfo

import click
import pytest
import time_machine

from broadcast.cli import cli
from tests.cli.test_officer_traps import bc

#: commands whose examples cannot finish in a test, and why (their help says so too)
NOT_IN_TESTS = {
    "run": "chạy liên tục",
    "serve": "chạy liên tục",
    "status": "khi 'broadcast run' đang chạy",  # exit 5 without a daemon: tests/playout
}
#: the order an office meets them, so that each example finds what earlier ones made
ORDER = [
    "check",
    "normalize",
    "convert-encoding",
    "plan",
    "build",
    "demo",
    "render",
    "preview",
    "export-usb",
    "emergency",
    "asrun",
    "report",
    "voices",
    "cache",
]


def _damaged_log_beside_the_log() -> None:
    """What 'asrun repair' works on: a log that build moved aside (here a plain copy, which
    repair reads like any damaged file)."""
    log = Path("audio_out/asrun.sqlite")
    (log.parent / "asrun.damaged-20261125-041500.sqlite").write_bytes(log.read_bytes())


#: what an office has done before an example can run (the help says so beside it)
def _piper_voices_on_the_stick() -> None:
    """What 'voices install' copies: a Piper voice (model and its .onnx.json) on a USB
    stick, here the folder E: of the project copy (never loaded: install only checks)."""
    import json

    stick = Path("E:")
    stick.mkdir(exist_ok=True)
    config = {"audio": {"sample_rate": 22050}, "espeak": {"voice": "vi"},
              "phoneme_id_map": {"a": [14]}}  # fmt: skip
    for name in ("vi_VN-vais1000-medium", "giong"):
        (stick / f"{name}.onnx").write_bytes(b"\x08" * (1 << 20))
        (stick / f"{name}.onnx.json").write_text(json.dumps(config), "utf-8")


SETUP = {
    ("asrun", "repair"): _damaged_log_beside_the_log,
    ("voices", "install"): _piper_voices_on_the_stick,
}
#: what the officer types when an example asks (a password, twice)
TYPED = {
    ("user", "add"): "mat-khau-dai-12345\nmat-khau-dai-12345\n",
    ("user", "passwd"): "mat-khau-moi-67890\nmat-khau-moi-67890\n",
    ("user", "password"): "mat-khau-moi-67891\nmat-khau-moi-67891\n",
    ("approve-existing", "--by"): "y\n",  # yes, I have read them
}
FIRST_DAY = dt.datetime(2026, 11, 25, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    yield path, group
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*path, name))
        else:
            yield (*path, name), cmd


def help_examples() -> list[tuple[tuple[str, ...], str]]:
    """(command path, example line) for every example of every help page."""
    found = []
    for path, cmd in _commands(cli):
        ctx = click.Context(cmd, info_name=" ".join(("broadcast", *path)))
        for line in cmd.get_help(ctx).splitlines():
            text = line.strip().removeprefix("Ví dụ:").strip()
            if text.startswith("broadcast "):
                found.append((path, text.split("  #")[0].strip()))
    return found


def _order(example: str) -> int:
    name = shlex.split(example)[1]
    return ORDER.index(name) if name in ORDER else len(ORDER)


def test_every_command_shows_examples():
    named = {shlex.split(line)[1] for _, line in help_examples()}
    missing = {name for name in cli.commands} - named - {"asrun"}
    assert not missing, f"no example in --help of: {sorted(missing)}"


def test_commands_left_out_say_so_in_their_help():
    for name, marker in NOT_IN_TESTS.items():
        ctx = click.Context(cli.commands[name], info_name=f"broadcast {name}")
        assert marker in cli.commands[name].get_help(ctx)


@pytest.mark.slow
def test_every_help_example_runs_on_the_shipped_project(project_root, monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("không có mạng trong kiểm thử")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.chdir(project_root)
    # stable: within a command, examples run in the order its help shows them
    examples = sorted(dict.fromkeys(line for _, line in help_examples()), key=_order)
    assert len(examples) >= 20
    failures = []
    setups = dict(SETUP)
    with time_machine.travel(FIRST_DAY, tick=True):
        for line in examples:
            args = shlex.split(line)[1:]
            if args[0] in NOT_IN_TESTS:
                continue
            setup = setups.pop(tuple(args[:2]), None)
            if setup is not None:
                setup()
            stdin = TYPED.get(tuple(args[:2]))
            if "<" in args:
                at = args.index("<")
                stdin = Path(args[at + 1]).read_text(encoding="utf-8")
                args = args[:at]
            r = bc(*args, stdin=stdin)
            if r.code != 0:
                failures.append(f"{line}\n  -> exit {r.code}: {r.err.strip()[:400]}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("line", [line for _, line in help_examples() if " run " in line + " "])
def test_examples_left_out_are_only_the_daemon(line):
    assert shlex.split(line)[1] in NOT_IN_TESTS
