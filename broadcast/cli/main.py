"""The ``broadcast`` command group and the one place errors become exit codes.

Exit codes: 0 done; 1 unexpected error (a bug: please report it); 2 wrong input
(script, schedule, option); 3 speech or audio could not be made; 4 another run holds
the output lock; 5 ``status``: no ``broadcast run`` answers; 130 stopped by the user
(Ctrl+C).
"""

from __future__ import annotations

import errno
import importlib
import logging
import sys
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any

import click
from click.utils import make_default_short_help

from .. import __version__
from ..errors import BroadcastError, DiskFullError
from .click_vi import install as install_vietnamese_click

EXIT_UNEXPECTED = 1
EXIT_ABORT = 130


install_vietnamese_click()


class _WarningFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        if record.levelno >= logging.ERROR:
            label = "Lỗi"
        elif record.levelno >= logging.WARNING:
            label = "Cảnh báo"
        else:
            label = "Thông tin"
        return f"{label}: {record.getMessage()}"


def _setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_WarningFormatter())
    root = logging.getLogger("broadcast")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    root.propagate = False
    # APScheduler's own warnings ("Run time of job ... was missed by") are English noise
    # for an operator: the daemon logs each missed session itself, in Vietnamese.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)


class _LazyCommands(MutableMapping[str, click.Command]):
    """Command name -> command, importing a command's module the first time it is asked for.

    ``broadcast --help`` and ``broadcast check --help`` then load no audio or speech stack:
    start-up stays well under half a second on an officer's old laptop.
    """

    def __init__(self) -> None:
        self._where: dict[str, tuple[str, str]] = {}  # name -> (module, attribute); keeps order
        self._loaded: dict[str, click.Command] = {}

    def add_lazy(self, name: str, module: str, attribute: str) -> None:
        self._where[name] = (module, attribute)

    def is_loaded(self, name: str) -> bool:
        return name in self._loaded

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            if name not in self._where:
                raise KeyError(name)
            module, attribute = self._where[name]
            self._loaded[name] = getattr(importlib.import_module(module), attribute)
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._where.setdefault(name, ("", ""))
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._where[name]
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)


class _LazyGroup(click.Group):
    """Lists commands in the order they were added (the order of use), not A to Z, and
    imports each command's module only when that command runs or shows its own help."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lazy = _LazyCommands()
        self.commands = self._lazy
        self._summaries: dict[str, str] = {}

    def add_lazy_command(self, name: str, module: str, attribute: str, summary: str) -> None:
        """Register ``module.attribute`` as command ``name``; ``summary`` is the first
        paragraph of its help, shown by ``broadcast --help`` without importing it."""
        self._lazy.add_lazy(name, module, attribute)
        self._summaries[name] = summary

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        loaded = {name: self._lazy[name] for name in names if self._lazy.is_loaded(name)}
        shown = [n for n in names if n not in loaded or not loaded[n].hidden]
        if not shown:
            return
        limit = formatter.width - 6 - max(len(name) for name in shown)
        rows = [
            (
                name,
                loaded[name].get_short_help_str(limit)
                if name in loaded
                else make_default_short_help(self._summaries[name], limit).strip(),
            )
            for name in shown
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=_LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="broadcast")
@click.option("-v", "--verbose", is_flag=True, help="In thêm thông tin. Print more.")
def cli(verbose: bool) -> None:
    """Phát thanh cảnh báo lừa đảo: từ kịch bản đến bản tin MP3 và danh sách phát.

    Turns Vietnamese warning scripts (scripts/*.md) into loudness-normalized MP3
    bulletins and daily playlists for each station (schedules/*.yaml), offline.

    \b
    Bắt đầu nhanh / quick start:
      broadcast demo                  # kiểm tra + làm bản tin ngày đầu chiến dịch
      broadcast check                 # kiểm tra kịch bản và lịch phát
      broadcast build --date today    # làm danh sách phát hôm nay
      broadcast render scripts/noi-trinh-bao.md  # làm một bản tin
      broadcast normalize "Gọi 156"   # xem cách đọc một câu

    Mã thoát / exit codes: 0 xong, 1 lỗi chương trình, 2 dữ liệu sai,
    3 không tạo được tiếng, 4 đang có lần chạy khác, 5 (status) không có
    'broadcast run' nào trả lời, 130 người dùng dừng.
    """
    _setup_logging(verbose)


def _os_fix(exc: OSError) -> str:
    """What to do about a file-system error, in the operator's words."""
    if exc.errno == errno.EISDIR:
        return "ở đó đang có một thư mục trùng tên với tệp cần ghi; xóa hoặc đổi tên thư mục đó."
    if exc.errno in (errno.EEXIST, errno.ENOTDIR):
        return (
            "ở đường dẫn này (hoặc một thư mục cha của nó) đang có một tệp, chỗ cần là thư "
            "mục; xóa hoặc đổi tên tệp đó."
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        from pathlib import Path

        folder = Path(exc.filename).parent if exc.filename else "này"
        return (
            f"thư mục {folder} chỉ đọc hoặc không có quyền ghi; chọn --out khác hoặc cấp "
            "quyền ghi cho thư mục đó."
        )
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        from pathlib import Path

        from ..build.diskspace import space_advice

        return space_advice(Path(exc.filename or ".").resolve()) + "."
    return "kiểm tra quyền ghi, dung lượng ổ đĩa và đường dẫn."


#: file-system errors that are the operator's to fix (exit 2), said in Vietnamese
_OS_WORDS = {
    errno.EACCES: "không có quyền ghi/đọc",
    errno.EPERM: "không có quyền ghi/đọc",
    errno.EROFS: "ổ hoặc thư mục chỉ đọc",
    errno.ENOSPC: "ổ đĩa đầy",
    errno.EDQUOT: "hết hạn mức dung lượng",
}
EXIT_INPUT = 2


def main(argv: list[str] | None = None) -> None:
    """Console entry point: runs the group and turns our errors into exit codes."""
    try:
        rv = cli.main(args=argv, prog_name="broadcast", standalone_mode=False)
    except BroadcastError as exc:
        if isinstance(exc, DiskFullError) and exc.where and not exc.fix:
            from ..build.diskspace import space_advice

            exc.fix = space_advice(Path(exc.where))
        click.echo(f"Lỗi: {exc.message}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Đã dừng.", err=True)
        sys.exit(EXIT_ABORT)
    except KeyboardInterrupt:
        click.echo("Đã dừng.", err=True)
        sys.exit(EXIT_ABORT)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except OSError as exc:
        words = _OS_WORDS.get(exc.errno or 0, exc.strerror)
        click.echo(f"Lỗi: không ghi/đọc được {exc.filename or ''}: {words}", err=True)
        click.echo(f"  Cách sửa: {_os_fix(exc)}", err=True)
        sys.exit(EXIT_INPUT if exc.errno in _OS_WORDS else EXIT_UNEXPECTED)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback
        click.echo(f"Lỗi không mong đợi: {exc.__class__.__name__}: {exc}", err=True)
        click.echo(
            "  Đây là lỗi của chương trình; hãy gửi thông báo này cho người phụ trách.", err=True
        )
        if "-v" in (argv or sys.argv) or "--verbose" in (argv or sys.argv):
            raise
        sys.exit(EXIT_UNEXPECTED)
    sys.exit(rv if isinstance(rv, int) else 0)
