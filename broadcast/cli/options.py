"""Options shared by several commands, and their converters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..errors import InputError, SkippedScripts
from ..project.converters import to_date

if TYPE_CHECKING:
    from ..project.loader import Project

F = TypeVar("F", bound=Callable[..., Any])


def today() -> dt.date:
    """Today in the stations' time zone (:func:`broadcast.vocabulary.today`).

    Imported when first asked, not with the module: ``--help`` then loads no pydantic.
    """
    from ..vocabulary import today as vietnam_today

    return vietnam_today()


class DateType(click.ParamType):
    """YYYY-MM-DD, DD/MM/YYYY, today/hôm nay, tomorrow/ngày mai."""

    name = "NGÀY"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        if isinstance(value, dt.date):
            return value
        word = str(value).strip().lower()
        if word in ("today", "hôm nay", "homnay"):
            return today()
        if word in ("tomorrow", "ngày mai", "ngaymai", "mai"):
            return today() + dt.timedelta(days=1)
        try:
            return to_date(value)
        except ValueError as exc:
            self.fail(f"{exc} (hoặc 'today', 'tomorrow')", param, ctx)


DATE = DateType()

root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Thư mục dự án (chứa scripts/ và schedules/). Project folder.",
)
out_option = click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Thư mục kết quả (mặc định: ROOT/audio_out). Output folder.",
)


def resolve_out(root: Path, out: Path | None) -> Path:
    return (out if out is not None else root / "audio_out").resolve()


engine_option = click.option(
    "--engine",
    "-e",
    "engines",
    default=None,
    metavar="BỘ_ĐỌC,...",
    help="Bộ đọc theo thứ tự dự phòng, thay cho voice.engines của đài "
    "(ví dụ: gtts,espeak). Engines in fallback order.",
)


def apply_engines(project, engines: str | None):  # type: ignore[no-untyped-def]
    """Give every station the engine chain from ``--engine`` (checked names)."""
    if not engines:
        return project
    from ..speech.registry import parse_engines

    names = parse_engines(engines, where="--engine")
    sched = project.schedule
    sched.stations = {
        sid: st.model_copy(update={"voice": st.voice.model_copy(update={"engines": names})})
        for sid, st in sched.stations.items()
    }
    return project


date_option = click.option(
    "--date",
    "-d",
    "date",
    type=DATE,
    default="today",
    show_default=True,
    help="Ngày đầu: 2026-11-25, 25/11/2026, today, tomorrow. First day.",
)


def days_option(most: int = 366, help: str = "Số ngày. Number of days.") -> Callable[[F], F]:
    return click.option(
        "--days", "-n", type=click.IntRange(1, most), default=1, show_default=True, help=help
    )


stations_option = click.option(
    "--station",
    "-s",
    "stations",
    multiple=True,
    help="Chỉ đài này (lặp lại được). Only this station (repeatable).",
)


def check_stations(project: Project, names: Iterable[str]) -> None:
    """Every --station value must be a station id of the project."""
    known = project.schedule.stations
    for sid in names:
        if sid not in known:
            raise InputError(
                f"Không có đài '{sid}'",
                where="--station",
                fix=f"chọn một trong: {', '.join(known)}",
            )


def load_for_work(root: Path) -> Project:
    """Load the project for a command that makes or plays something.

    A script file with an error is left out rather than stopping the run (so one typo
    does not leave every station without today's playlist); the command reports it at
    the end with :func:`report_skipped` and exits 2. ``broadcast check`` stays strict.
    """
    from ..project.loader import load_project

    return load_project(root, strict=False)


def report_skipped(project: Project) -> None:
    if project.skipped:
        raise SkippedScripts(project.skipped)
