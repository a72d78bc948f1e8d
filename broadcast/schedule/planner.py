"""Expand campaigns and one-off bulletins into a dated running order per station.

Pure: schedule and scripts in, ``DayPlan`` out; the same inputs always give the same
order (so the same playlists, byte for byte). Rules:

- a campaign airs on a day inside its date range whose weekday it lists, on every
  station it targets (ids or groups), in each of its slots, ``times`` bulletins a slot;
- ``mode: rotate`` picks the campaign's scripts in turn: the rotation continues across
  slots and days, and each station starts at a different offset, so over a campaign
  every script airs as often as every other (within one);
- ``mode: all`` airs every script of the campaign in each slot;
- scripts outside their own valid_from/valid_until are skipped;
- within a slot, items are ordered emergency, priority, normal, then by campaign id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..scripts import Priority, Script
from .model import Campaign, Schedule


@dataclass(frozen=True)
class PlannedItem:
    station_id: str
    day: dt.date
    slot: dt.time
    script_id: str
    source: str  # campaign or one-off id
    priority: Priority
    directive: str

    @property
    def sort_key(self) -> tuple[dt.time, int, str, str]:
        return (self.slot, self.priority.rank, self.source, self.script_id)


@dataclass
class DayPlan:
    day: dt.date
    stations: dict[str, list[PlannedItem]] = field(default_factory=dict)

    def slots(self, station_id: str) -> dict[dt.time, list[PlannedItem]]:
        out: dict[dt.time, list[PlannedItem]] = {}
        for item in self.stations.get(station_id, []):
            out.setdefault(item.slot, []).append(item)
        return out


def campaign_scripts(campaign: Campaign, scripts: dict[str, Script], day: dt.date) -> list[str]:
    ids = sorted(scripts) if campaign.scripts == "all" else list(campaign.scripts)
    return [s for s in ids if s in scripts and scripts[s].valid_on(day)]


def _active_days_before(campaign: Campaign, day: dt.date) -> int:
    """How many days the campaign aired before ``day`` (for a rotation that never resets)."""
    total = (day - campaign.start).days
    full_weeks, rest = divmod(total, 7)
    count = full_weeks * len(set(campaign.weekdays))
    for i in range(rest):
        if (campaign.start + dt.timedelta(days=full_weeks * 7 + i)).weekday() in campaign.weekdays:
            count += 1
    return count


def plan_day(schedule: Schedule, scripts: dict[str, Script], day: dt.date) -> DayPlan:
    plan = DayPlan(day=day, stations={sid: [] for sid in schedule.stations})
    station_index = {sid: i for i, sid in enumerate(schedule.stations)}
    for campaign in sorted(schedule.campaigns, key=lambda c: c.id):
        if not campaign.active_on(day):
            continue
        pool = campaign_scripts(campaign, scripts, day)
        if not pool:
            continue
        per_day = sum(s.times for s in campaign.slots)
        day_offset = _active_days_before(campaign, day) * per_day
        label = campaign.directive.label()
        for sid in schedule.resolve_targets(campaign.stations):
            cursor = day_offset + station_index[sid]
            for slot in sorted(campaign.slots, key=lambda s: s.at):
                if campaign.mode == "all":
                    chosen = pool
                else:
                    chosen = [pool[(cursor + k) % len(pool)] for k in range(slot.times)]
                    cursor += slot.times
                for script_id in chosen:
                    plan.stations[sid].append(PlannedItem(
                        station_id=sid, day=day, slot=slot.at, script_id=script_id,
                        source=campaign.id, priority=campaign.priority, directive=label,
                    ))
    for oneoff in sorted(schedule.oneoffs, key=lambda o: o.id):
        if oneoff.date != day or oneoff.script not in scripts:
            continue
        label = scripts[oneoff.script].meta.directive.label()
        for sid in schedule.resolve_targets(oneoff.stations):
            plan.stations[sid].append(PlannedItem(
                station_id=sid, day=day, slot=oneoff.at, script_id=oneoff.script,
                source=oneoff.id, priority=oneoff.priority, directive=label,
            ))
    for items in plan.stations.values():
        items.sort(key=lambda it: it.sort_key)
    return plan
