"""`from`/`until` (OAI-PMH 2.0 §3.3.1): the two granularities, nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from advocacy_ld.publish.oai.dates import Granularity, datestamp, parse_bound

VALID = [
    ("2018-12-25", Granularity.DAY, "2018-12-25T00:00:00Z", "2018-12-25T23:59:59Z"),
    ("2024-02-29", Granularity.DAY, "2024-02-29T00:00:00Z", "2024-02-29T23:59:59Z"),
    ("2018-12-25T10:11:12Z", Granularity.SECOND, "2018-12-25T10:11:12Z", "2018-12-25T10:11:12Z"),
    ("1999-01-01T00:00:00Z", Granularity.SECOND, "1999-01-01T00:00:00Z", "1999-01-01T00:00:00Z"),
]
INVALID = [
    "", "2018", "2018-12", "20181225", "2018-12-25T", "2018-12-25T10:11Z", "2018-12-25T10:11:12",
    "2018-12-25T10:11:12.5Z", "2018-12-25T10:11:12+00:00", "2018-12-25 10:11:12Z",
    "2023-02-29", "2018-13-01", "2018-00-10", "0000-01-01", "2018-12-25T24:00:00Z",
    "2018-12-25T10:60:00Z", " 2018-12-25", "2018-12-25\n", "2018-12-25t10:11:12z",
    "\uff12\uff10\uff11\uff18-12-25",  # fullwidth digits
]  # fmt: skip


@pytest.mark.parametrize(("text", "granularity", "lowest", "highest"), VALID)
def test_a_valid_bound(text: str, granularity: Granularity, lowest: str, highest: str) -> None:
    bound = parse_bound(text)
    assert bound is not None
    assert (bound.text, bound.granularity, bound.lowest, bound.highest) == (
        text, granularity, lowest, highest,
    )  # fmt: skip


@pytest.mark.parametrize("text", INVALID)
def test_anything_else_is_refused(text: str) -> None:
    assert parse_bound(text) is None


def test_datestamps_are_utc_seconds() -> None:
    moment = datetime(2018, 12, 25, 12, 30, 5, 999_999, tzinfo=timezone(timedelta(hours=2)))
    assert datestamp(moment) == "2018-12-25T10:30:05Z"
    assert datestamp(datetime(2018, 1, 2, tzinfo=UTC)) == "2018-01-02T00:00:00Z"
