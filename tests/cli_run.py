"""Run ``broadcast`` in-process as the console entry point does, and read what it said."""

from __future__ import annotations

import pytest

from broadcast.cli.main import main


def run_broadcast(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """(exit code, stdout and stderr together) of ``broadcast ARGS``."""
    with pytest.raises(SystemExit) as stop:
        main(args)
    out = capsys.readouterr()
    return int(stop.value.code or 0), out.out + out.err
