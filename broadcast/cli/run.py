"""``broadcast run``: the playout daemon (see broadcast/playout/daemon.py)."""

from __future__ import annotations

import datetime as dt
import logging
import signal
from pathlib import Path

import click

from ..build.day import build
from ..playout.daemon import DEFAULT_GRACE_S, DEFAULT_PLAYER, DEFAULT_POLL_S, Daemon
from ..playout.player import DEFAULT_FADE_S
from ..project.converters import to_time
from ..project.loader import Project
from .options import load_for_work, out_option, resolve_out, root_option

log = logging.getLogger(__name__)


def default_build_at(windows: list[dt.time], lead_minutes: int = 60) -> dt.time:
    """One hour before the earliest window of any station (04:30 without windows)."""
    first = min(windows, default=dt.time(5, 30))
    at = dt.datetime.combine(dt.date(2000, 1, 2), first) - dt.timedelta(minutes=lead_minutes)
    return at.time()


def _load(root: Path) -> Project:
    """The project for one day's build; scripts with errors are logged and left out."""
    project = load_for_work(root)
    for problem in project.skipped:
        log.error("bỏ qua kịch bản có lỗi: %s", problem.message)
    return project


@click.command("run")
@click.option(
    "--player",
    default=DEFAULT_PLAYER,
    show_default=True,
    help="Lệnh phát một tệp; {file} là tệp, {station} là mã đài, {ffmpeg} là ffmpeg có sẵn. "
    "'auto': ffplay, mpv hoặc cvlc nếu có, không thì ffmpeg có sẵn phát ra PulseAudio. "
    "Player command.",
)
@click.option(
    "--build-at",
    default=None,
    help="Giờ làm danh sách phát mỗi ngày (mặc định: 1 giờ trước buổi sớm nhất).",
)
@click.option(
    "--poll",
    type=click.FloatRange(0.05, 300),
    default=DEFAULT_POLL_S,
    show_default=True,
    help="Bao nhiêu giây xem hàng đợi khẩn cấp một lần (chỉ xem ngày sửa tệp, rất nhẹ).",
)
@click.option(
    "--fade",
    type=click.FloatRange(0, 5),
    default=DEFAULT_FADE_S,
    show_default=True,
    help="Giây nhỏ dần tiếng khi ngắt bản tin để phát khẩn cấp. Fade-out before a cut.",
)
@click.option(
    "--grace",
    type=click.FloatRange(0, 86400),
    default=DEFAULT_GRACE_S,
    show_default=True,
    help="Giây cho phép phát trễ khi đài không có khung giờ.",
)
@click.option("--no-build", is_flag=True, help="Chỉ phát theo danh sách đã có.")
@root_option
@out_option
def run(
    player: str,
    build_at: str | None,
    poll: float,
    fade: float,
    grace: float,
    no_build: bool,
    root: Path,
    out: Path | None,
) -> None:
    """Chạy tự động: làm danh sách phát và phát đúng giờ. Unattended playout daemon.

    Mỗi ngày làm trước danh sách phát hôm nay và ngày mai; đến giờ từng buổi thì chạy
    lệnh phát cho từng tệp và ghi nhật ký phát sóng; bản tin khẩn cấp ('broadcast
    emergency') phát ngay. Tắt máy rồi bật lại không làm mất hay phát lặp buổi nào.

    \b
    Ví dụ (chạy liên tục đến khi dừng bằng Ctrl+C):
            broadcast run --player "mpv --no-video {file}"
            broadcast run --player "ffplay -nodisp -autoexit {file}" --out /srv/phat-thanh
    """
    project = _load(root)
    target = resolve_out(root, out)
    windows = [w[0] for st in project.schedule.stations.values() for w in st.windows]
    at = to_time(build_at) if build_at else default_build_at(windows)

    def build_day(day: dt.date) -> None:
        build(_load(root), target, day, 1)

    daemon = Daemon(
        target,
        player=player,
        build=None if no_build else build_day,
        build_at=at,
        poll_s=poll,
        grace_s=grace,
        fade_s=fade,
        blocking=True,
    )
    daemon.acquire()  # one daemon per output: LockBusyError (exit 4) names the holder
    _show_onair()
    click.echo(f"Đang chạy (Ctrl+C để dừng). Thư mục: {target}; làm danh sách lúc {at:%H:%M}.")
    # systemd stops with SIGTERM: leave like Ctrl+C, stopping the player group too
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        daemon.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        daemon.shutdown(wait=False)
        signal.signal(signal.SIGTERM, previous)


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _show_onair() -> None:
    """What plays, one line per entry, on stdout at the default log level."""
    onair = logging.getLogger("broadcast.playout.onair")
    if not any(isinstance(h, _Echo) for h in onair.handlers):
        onair.addHandler(_Echo())
    onair.setLevel(logging.INFO)
    onair.propagate = False


class _Echo(logging.Handler):
    """Writes a record's message to the current stdout (click.echo at emit time)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            click.echo(record.getMessage())
        except Exception:  # noqa: BLE001 - a closed stdout must not stop playout
            self.handleError(record)
