"""Demo meetings from the source documents."""

import datetime

from groups.models import WorkingGroup
from meetings.models import Meeting
from portal.demo import local, upsert


def _meeting(title, kind, day, zone, place, *, group=None, body="", last_day=None):
    city, _, country = place.partition(", ")
    return upsert(
        Meeting,
        {"title": title},
        kind=kind,
        group=group,
        body=body,
        starts_at=local(day, 9, zone),
        ends_at=local(last_day or day, 17, zone),
        time_zone=zone,
        city=city,
        country={"Indonesia": "ID", "Thailand": "TH"}.get(country, ""),
        status=Meeting.Status.HELD if day < datetime.date(2026, 11, 1) else Meeting.Status.PLANNED,
        chatham_house=group.chatham_house_default if group else False,
        agenda_published_at=local(day, 8, zone) - datetime.timedelta(days=14),
    )


def load_meetings(groups: dict[str, WorkingGroup]) -> dict[str, Meeting]:
    ahg = Meeting.Body.AD_HOC_GROUP
    return {
        "som-2012": _meeting(
            "Sixth Ad Hoc Group Senior Officials Meeting",
            Meeting.Kind.SOM,
            datetime.date(2012, 6, 1),
            "Asia/Makassar",
            "Bali, Indonesia",
            body=ahg,
        ),
        "som-2014": _meeting(
            "Eighth Ad Hoc Group Senior Officials Meeting",
            Meeting.Kind.SOM,
            datetime.date(2014, 8, 6),
            "Asia/Bangkok",
            "",
            body=ahg,
        ),
        "dcn-roundtable-2014": _meeting(
            "WG-DCN initial Roundtable",
            Meeting.Kind.ROUNDTABLE,
            datetime.date(2014, 9, 24),
            "Asia/Bangkok",
            "Bangkok, Thailand",
            group=groups["wg-dcn"],
        ),
        "tip-first-2015": _meeting(
            "First meeting of WG-TIP",
            Meeting.Kind.WORKING_GROUP,
            datetime.date(2015, 3, 25),
            "Asia/Bangkok",
            "",
            group=groups["wg-tip"],
        ),
        "tip-second-2016": _meeting(
            "Second meeting of WG-TIP",
            Meeting.Kind.WORKING_GROUP,
            datetime.date(2016, 5, 18),
            "Asia/Bangkok",
            "",
            group=groups["wg-tip"],
        ),
        # Not in the source documents: a recent annual meeting at which nominations
        # for the next co-chair rotation were invited.
        "tip-annual-2026": _meeting(
            "WG-TIP annual meeting 2026",
            Meeting.Kind.WORKING_GROUP,
            datetime.date(2026, 9, 16),
            "Asia/Bangkok",
            "Bangkok, Thailand",
            group=groups["wg-tip"],
        ),
    }
