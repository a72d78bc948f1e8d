"""What officers type for durations, times and weekdays, and what it means."""

from __future__ import annotations

import pytest

from broadcast.project.converters import to_seconds


@pytest.mark.parametrize(
    "written,seconds",
    [
        (900, 900.0),
        ("15m", 900.0),
        ("15 phút", 900.0),
        ("45 phut", 2700.0),
        ("45p", 2700.0),
        ("1h", 3600.0),
        ("1h30", 5400.0),
        ("1 giờ 30", 5400.0),
        ("1h30m", 5400.0),
        ("1 tiếng", 3600.0),
        ("90s", 90.0),
        ("90 giay", 90.0),
        ("2m30s", 150.0),
    ],
)
def test_durations(written, seconds):
    assert to_seconds(written) == seconds


@pytest.mark.parametrize("written", ["", "mười lăm phút", "15 ngày", "1h300"])
def test_wrong_durations_say_the_accepted_forms(written):
    with pytest.raises(ValueError, match="1h30"):
        to_seconds(written)
