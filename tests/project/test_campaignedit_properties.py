"""Campaign edits from the console (issue 19), as properties: whatever the form says, the
file written reads back as exactly that campaign, every comment line of the hand-written
file is still there in its order, and a form saved unchanged leaves the file byte for byte."""

from __future__ import annotations

import datetime as dt

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from broadcast.project import campaignedit as ce
from broadcast.project.schedule import Campaign

HAND_WRITTEN = """# Chiến dịch — chị Lan viết tay
campaigns:
  - id: thu
    title: Chiến dịch thử   # tên đọc trong báo cáo
    directive:
      number: 3316/UBND-VHTT
      date: 22/11/2024
      issuer: UBND huyện Phú Bình
    from: 2026-11-25
    until: 15/12/2026
    weekdays: [t2, t3, t4, t5, t6]
    slots:
      - {session: sáng, times: 2}   # buổi sáng nhiều hơn
      - {at: "17:00"}
    stations: all
    mode: rotate            # lần lượt

  - id: khac
    title: Chiến dịch khác
    directive: {number: 1/UB, issuer: UBND xã}
    from: 01/12/2026
    until: 31/12/2026
    slots: [{session: chiều}]

# Bản tin riêng một lần:
# oneoffs:
#   - id: hop-dan
"""


def _campaign(text: str, cid: str) -> Campaign:
    raw = next(c for c in yaml.safe_load(text)["campaigns"] if c["id"] == cid)
    return Campaign.model_validate(raw)


def _comments(text: str) -> list[str]:
    return [line[line.index("#") :] for line in text.splitlines() if "#" in line]


days = st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31))
slot = st.one_of(
    st.builds(
        lambda k, n: {"kind": k, "at": "", "times": str(n)},
        st.sampled_from(["sáng", "chiều"]),
        st.integers(1, 5),
    ),
    st.builds(
        lambda h, m, n: {"kind": "giờ", "at": f"{h:02d}:{m:02d}", "times": str(n)},
        st.integers(0, 23),
        st.integers(0, 59),
        st.integers(1, 5),
    ),
)
words = (
    st.text(
        st.characters(whitelist_categories=("L", "N", "Zs"), whitelist_characters=":-/,#'\""),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=60, deadline=None)
@given(
    start=days,
    length=st.integers(0, 60),
    weekdays=st.sets(st.integers(0, 6), min_size=1),
    slots=st.lists(slot, min_size=1, max_size=ce.SLOT_ROWS),
    per_day=st.one_of(st.none(), st.integers(1, 50)),
    targets=st.lists(st.sampled_from(["all", "fm", "xom-a", "cac-xom"]), min_size=1, unique=True),
    priority=st.sampled_from(["normal", "priority"]),
    mode=st.sampled_from(["rotate", "all"]),
    title=words,
    issuer=words,
)
def test_the_file_reads_back_as_the_form_and_keeps_its_comments(
    start, length, weekdays, slots, per_day, targets, priority, mode, title, issuer
):
    before = _campaign(HAND_WRITTEN, "thu")
    form = ce.form_of(before)
    form.update(
        {
            "from": f"{start:%d/%m/%Y}",
            "until": f"{start + dt.timedelta(days=length):%d/%m/%Y}",
            "weekdays": sorted(weekdays),
            "slots": slots,
            "per_day": str(per_day or ""),
            "stations": targets,
            "priority": priority,
            "mode": mode,
            "title": title,
            "directive_issuer": issuer,
        }
    )
    text, _changed = ce.apply(HAND_WRITTEN, "thu", ce.wanted(form))
    after = _campaign(text, "thu")
    assert ce.form_of(after) == {**form, "slots": ce.form_of(after)["slots"]}
    assert [(s["kind"], s["at"], int(s["times"])) for s in slots] == [
        (s["kind"], s["at"], int(s["times"])) for s in ce.form_of(after)["slots"]
    ]
    # the comment lines the officer wrote are all there, in their order
    # (a line ending with the comment: a title may hold '#' itself, quoted)
    kept = iter(text.splitlines())
    assert all(any(line.endswith(c) for line in kept) for c in _comments(HAND_WRITTEN))
    # the other campaign is untouched
    assert _campaign(text, "khac") == _campaign(HAND_WRITTEN, "khac")


def test_saving_the_form_unchanged_leaves_the_file_as_it_was():
    c = _campaign(HAND_WRITTEN, "thu")
    assert ce.apply(HAND_WRITTEN, "thu", ce.wanted(ce.form_of(c))) == (HAND_WRITTEN, [])


TAIL = """campaigns:
  - id: a
    title: A
    directive: {number: "1", issuer: U}
    from: 01/12/2026
    until: 02/12/2026
    slots:
      - {session: sáng}
      - {at: "17:00"}   # chiều muộn
    mode: rotate  # lần lượt

# Bản tin riêng một lần:
"""


def test_a_removed_slot_takes_its_own_note_and_a_new_key_leaves_the_heading_below():
    c = _campaign(TAIL, "a")
    form = {**ce.form_of(c), "priority": "priority"}
    form["slots"] = form["slots"][:1]
    text, changed = ce.apply(TAIL, "a", ce.wanted(form))
    assert set(changed) == {"slots", "priority"}
    assert text == TAIL.replace('      - {at: "17:00"}   # chiều muộn\n', "").replace(
        "    mode: rotate  # lần lượt\n", "    mode: rotate  # lần lượt\n    priority: priority\n"
    )
