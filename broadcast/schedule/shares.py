"""Each campaign's airtime (seconds) per station and ISO week, morning and evening apart,
with its share of what campaigns got in that session of the day: what ``plan`` prints
under its tables (issue 22: fair share and the morning first are counted in airtime)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..project.schedule import NOON
from .planner import DayPlan


@dataclass(frozen=True, slots=True)
class Share:
    station_id: str
    week: tuple[int, int]  # ISO (year, week)
    campaign: str
    morning_s: float
    evening_s: float
    morning_share: float  # of every campaign's morning airtime on the station that week
    evening_share: float
    morning_n: int = 0  # bulletins (an airing shared by two campaigns counts for each)
    evening_n: int = 0


def airtime_shares(plans: Iterable[DayPlan]) -> list[Share]:
    """Campaign items only (one-offs and emergencies ask for their own time)."""
    seconds: dict[tuple[str, tuple[int, int]], dict[str, list[float]]] = {}
    counts: dict[tuple[str, tuple[int, int]], dict[str, list[int]]] = {}
    for plan in plans:
        year, number, _ = plan.day.isocalendar()
        for sid, sessions in plan.sessions.items():
            per = seconds.setdefault((sid, (year, number)), {})
            n_per = counts.setdefault((sid, (year, number)), {})
            for sess in sessions:
                half = 0 if sess.start < NOON else 1
                for item in sess.items:
                    # one airing that met several campaigns' requests counts for each
                    # (once: its seconds, however many of a campaign's requests it met)
                    for source in dict.fromkeys(item.credits()):
                        per.setdefault(source, [0.0, 0.0])[half] += item.duration_s
                        n_per.setdefault(source, [0, 0])[half] += 1
    out = []
    for (sid, week), per in sorted(seconds.items()):
        totals = [sum(v[h] for v in per.values()) for h in (0, 1)]
        for cid, (m, e) in sorted(per.items()):
            out.append(
                Share(
                    sid,
                    week,
                    cid,
                    round(m, 3),
                    round(e, 3),
                    m / totals[0] if totals[0] else 0.0,
                    e / totals[1] if totals[1] else 0.0,
                    *counts[(sid, week)][cid],
                )
            )
    return out
