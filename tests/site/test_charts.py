"""The chart geometry as plain numbers: marks on the band's lanes, and where they link."""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlsplit

from apps.claims import stance as engine
from apps.claims.models import RecordedAct
from apps.site.charts import LANE_Y, MARK_BINS, SIDE_BY_SIDE, item_marks

D = datetime.date
START, END = D(2024, 1, 1), D(2025, 12, 31)


def item(
    id: int, on: datetime.date, kind: str = "official", stance: str = "open"
) -> engine.Evidence:
    return engine.Evidence(
        id=id, occurred_on=on, stance=stance, kind=kind, verification="confirmed"
    )


def test_items_on_one_day_are_drawn_side_by_side_each_linking_to_itself() -> None:
    day = D(2025, 7, 14)
    marks = item_marks(
        [item(1, day, stance="leaning_closed"), item(2, day, stance="mixed")],
        {},
        start=START,
        end=END,
        timeline_url="/labs/x/",
    )
    assert [(m.href, m.dx, m.y, m.stance, m.count) for m in marks] == [
        ("/statements/1/", -7, LANE_Y["statements"], "leaning_closed", 1),
        ("/statements/2/", 7, LANE_Y["statements"], "mixed", 1),
    ]
    assert marks[0].x == marks[1].x


def test_an_act_goes_on_its_own_lane_and_an_imported_one_links_to_the_labs_list() -> None:
    act = RecordedAct(pk=5, subject="Model X", access_level="API access", origin="Epoch AI")
    marks = item_marks(
        [item(3, D(2024, 6, 1), kind="action"), item(-5, D(2025, 2, 1), kind="imported_act")],
        {-5: act},
        start=START,
        end=END,
        timeline_url="/labs/x/",
    )
    assert [(m.href, m.is_act, m.y) for m in marks] == [
        ("/statements/3/", True, LANE_Y["acts"]),
        ("/labs/x/#act-5", True, LANE_Y["acts"]),
    ]
    assert marks[1].title.startswith("Act recorded by Epoch AI") and "Model X" in marks[1].title


def test_a_long_record_draws_a_bounded_number_of_marks_that_link_to_their_dates() -> None:
    record = [
        item(
            n, START + datetime.timedelta(days=n % 700), kind="action" if n % 3 == 0 else "official"
        )
        for n in range(1, 10_001)
    ]
    marks = item_marks(record, {}, start=START, end=END, timeline_url="/labs/x/")
    assert len(marks) <= 2 * MARK_BINS * SIDE_BY_SIDE
    assert sum(m.count for m in marks) == len(record)  # every item is in one mark
    many = [m for m in marks if m.count > 1]
    assert many and all(m.count > SIDE_BY_SIDE and m.stance == "many" for m in many)
    for mark in many:
        url = urlsplit(mark.href)
        assert url.path == "/labs/x/" and url.fragment == "timeline"
        query = parse_qs(url.query)
        assert D.fromisoformat(query["since"][0]) <= D.fromisoformat(query["until"][0])
        assert query.get("kind") == (["action"] if mark.is_act else None)
