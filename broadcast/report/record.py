"""What was planned for a station on a day, read from the record, never re-planned.

A built day has a running order: the JSON file ``build`` wrote in the output folder
(``playlists/DAY/STATION.json``) and the planned rows it logged in the as-run log. Today's
scripts and schedules may have changed since; what was built, and then aired, has not. The
report (every section), ``asrun show`` and the console's plan of a built day all ask here,
so they all say the same thing about the same day.

Which one is read: the as-run log's planned rows when it has any for that station and day
(they are what playout and confirmations are matched against); else the frozen running
order file (a log moved aside, or a day built while the log could not be written). Planner
notes (a bulletin the schedule asked for but could not place) are kept only in the file:
they are read from it when it is there.

A day with neither was never built: :func:`built` says no, and the report lists it apart
("không làm danh sách phát") with what the schedule asked for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..playlists.running_order import RunningOrder, RunningOrderError, read_running_order
from .asrun import AsRunLog, Planned

#: where a day's record was read from
FROM_LOG = "log"
FROM_FILE = "running_order"


@dataclass(frozen=True)
class DayRecord:
    """One station's built day: its bulletins in running order, and where they come from."""

    day: dt.date
    station_id: str
    items: tuple[Planned, ...]
    origin: str  # FROM_LOG or FROM_FILE
    #: the frozen running order file, when it is there and readable (sessions, notes)
    order: RunningOrder | None = None
    #: planner notes of that build (dicts as ``build`` wrote them), from the file
    notes: tuple[Mapping[str, Any], ...] = field(default_factory=tuple)

    def session_end(self, slot: str) -> dt.datetime:
        """When the session ``slot`` (HH:MM) of this day was over, as built."""
        ends = [p.end for p in self.items if p.slot == slot]
        if self.order is not None:
            for s in self.order.sessions:
                try:
                    start = dt.datetime.fromisoformat(str(s.get("start")))
                    end = dt.datetime.fromisoformat(str(s.get("end")))
                except ValueError:
                    continue
                if f"{start:%H:%M}" == slot:
                    ends.append(end)
        return max(ends) if ends else self.items[-1].end


def running_order_path(out_dir: Path, day: dt.date, station_id: str) -> Path:
    """``OUT/playlists/DAY/STATION.json`` (where ``build`` writes it)."""
    return Path(out_dir) / "playlists" / day.isoformat() / f"{station_id}.json"


def out_dir_of(log: AsRunLog) -> Path:
    """The output folder a log belongs to: the log lives at ``OUT/asrun.sqlite``."""
    return Path(log.path).parent


def _from_order(order: RunningOrder) -> tuple[Planned, ...]:
    out = []
    for seq, it in enumerate(i for i in order.items if i.is_bulletin):
        out.append(
            Planned(
                day=order.date,
                station_id=order.station.id,
                seq=seq,
                slot=it.slot[:5],
                start=it.start,
                end=it.end,
                duration_s=it.duration_s,
                script_id=it.script,
                source=it.source,
                directive=it.directive,
                priority=it.priority,
                title=it.title,
                file=it.file,
                engine=it.engine,
                version=it.version,
            )
        )
    return tuple(out)


def _read(path: Path) -> RunningOrder | None:
    if not path.is_file():
        return None
    try:
        return read_running_order(path)
    except RunningOrderError:
        return None  # unreadable: the log's rows are the record (``build`` reports the file)


def _stations_with_files(out_dir: Path, day: dt.date) -> list[str]:
    folder = Path(out_dir) / "playlists" / day.isoformat()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.json") if not p.name.startswith("."))


def records(
    log: AsRunLog | None,
    start: dt.date,
    end: dt.date,
    out_dir: Path | None = None,
    station_id: str | None = None,
) -> dict[tuple[dt.date, str], DayRecord]:
    """Every built (day, station) between ``start`` and ``end`` inclusive, from the record.

    ``out_dir`` defaults to the log's own folder. Station-days with no planned row and no
    running order file are absent: never built."""
    if out_dir is None:
        out_dir = out_dir_of(log) if log is not None else None
    logged: dict[tuple[dt.date, str], list[Planned]] = {}
    if log is not None:
        for p in log.planned(start, end, station_id):
            logged.setdefault((p.day, p.station_id), []).append(p)
    out: dict[tuple[dt.date, str], DayRecord] = {}
    day = start
    while day <= end:
        sids: Iterable[str]
        on_disk = _stations_with_files(out_dir, day) if out_dir is not None else []
        if station_id:
            sids = [station_id]
        else:
            sids = sorted({*on_disk, *(s for d, s in logged if d == day)})
        for sid in sids:
            order = (
                _read(running_order_path(out_dir, day, sid))
                if out_dir is not None and sid in on_disk
                else None
            )
            rows = logged.get((day, sid))
            notes = tuple(order.notes) if order is not None else ()
            if rows:
                out[(day, sid)] = DayRecord(day, sid, tuple(rows), FROM_LOG, order, notes)
            elif order is not None:
                out[(day, sid)] = DayRecord(day, sid, _from_order(order), FROM_FILE, order, notes)
        day += dt.timedelta(days=1)
    return out


def planned_for(
    log: AsRunLog | None, station_id: str, day: dt.date, out_dir: Path | None = None
) -> DayRecord | None:
    """What was planned for ``station_id`` on ``day``, from the record; None: never built."""
    return records(log, day, day, out_dir, station_id).get((day, station_id))


def built(log: AsRunLog | None, station_id: str, day: dt.date, out_dir: Path | None = None) -> bool:
    return planned_for(log, station_id, day, out_dir) is not None


def frozen_records(
    log: AsRunLog | None, out_dir: Path, start: dt.date, end: dt.date, today: dt.date
) -> dict[tuple[dt.date, str], DayRecord]:
    """The built station-days between ``start`` and ``end`` that are a record, as ``build``
    keeps them (``build.day.is_record``): begun by ``today`` (the stations' time zone) or
    with something in the as-run log."""
    return {
        key: rec
        for key, rec in records(log, start, end, out_dir).items()
        if rec.day <= today or (log is not None and log.has_plays(rec.day, rec.station_id))
    }
