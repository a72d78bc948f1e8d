"""The ``broadcast`` command line: one module per command, registered here."""

from __future__ import annotations

from .asrun import asrun
from .build import build_cmd
from .cache import cache
from .check import check
from .convert_encoding import convert_encoding
from .demo import demo
from .emergency import emergency
from .export_usb import export_usb
from .main import cli, main
from .normalize import normalize
from .plan import plan
from .preview import preview
from .render import render
from .report import report
from .run import run
from .serve import serve
from .status import status
from .user import user
from .voices import voices

# In the order an officer meets them: try, write, listen, build, air, report.
for _command in (
    demo,
    check,
    normalize,
    render,
    plan,
    build_cmd,
    preview,
    export_usb,
    emergency,
    run,
    status,
    asrun,
    report,
    voices,
    cache,
    convert_encoding,
    serve,
    user,
):
    cli.add_command(_command)

__all__ = ["cli", "main"]
