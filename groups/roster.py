"""The co-chair rules of the Terms of Reference, in one place.

``check(group)`` reads a group's co-chair terms and returns every problem of its roster:

| code | severity | rule |
|---|---|---|
| not_ahg_member | error | a co-chair is an Ad Hoc Group member on every day of its term |
| same_member_twice | error | one member never holds both seats at once |
| more_than_two | error | never more than two co-chair terms on the same day |
| not_decided_at_som | error | every term records the AHG SOM that decided it, held by its start |
| term_too_long | error | continuous tenure (back-to-back terms count as one) stays within the
  group's maximum unless an agreement of the members to extend it is recorded |
| not_staggered | warning | the two seats never pass to new members less than six months apart |
| gap | warning | from the first term to the roster horizon (the end of the last planned
  term, at least twelve months from today) the group always has two co-chairs |

Every rule that is about days holds on each day of a term, not only on its first: the
periods are cut wherever a term starts or ends, and each period is judged on its own.
The arithmetic stays within the calendar even for a date stored near its end (9999),
although the services accept only years 1900 to 2100.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone

from groups.models import CoChairTerm, Nomination, WorkingGroup
from meetings.models import Meeting

ERROR = "error"
WARNING = "warning"

# Both seats changing hands closer together than this leaves no experienced co-chair.
STAGGER_MONTHS = 6
# The roster must be planned at least this far ahead.
HORIZON_MONTHS = 12
DAY = datetime.timedelta(days=1)

LABELS = {
    "not_ahg_member": "not an Ad Hoc Group member",
    "same_member_twice": "member holds both seats",
    "more_than_two": "more than two co-chairs",
    "not_decided_at_som": "not decided at a SOM",
    "term_too_long": "tenure too long",
    "not_staggered": "seats change together",
    "gap": "fewer than two co-chairs",
}


@dataclass(frozen=True)
class Problem:
    code: str
    severity: str
    message: str
    terms: tuple[CoChairTerm, ...] = ()
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def label(self) -> str:
        return LABELS[self.code]

    def involves(self, term: CoChairTerm) -> bool:
        return any(t is term for t in self.terms)


def fmt(day: datetime.date) -> str:
    """A date as the secretariat writes it: 6 August 2014."""
    return f"{day.day} {day:%B %Y}"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day some months later, or the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if year > datetime.MAXYEAR:
        return datetime.date.max
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def anniversary(day: datetime.date, years: int) -> datetime.date:
    """The same date years later; 29 February falls on 1 March in other years."""
    if day.year + years > datetime.MAXYEAR:
        return datetime.date.max
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return datetime.date(day.year + years, 3, 1)


def day_after(day: datetime.date) -> datetime.date:
    """The next day; the calendar's last day has none and stays itself."""
    return day if day == datetime.date.max else day + DAY


def last_day_of_tenure(start: datetime.date, years: int) -> datetime.date:
    """The last day a tenure starting on ``start`` may run: the day before the anniversary."""
    end = anniversary(start, years)
    return end if end == datetime.date.max else end - DAY


def _follows(later: datetime.date, earlier: datetime.date) -> bool:
    """True when ``later`` is at most the day after ``earlier`` (no day between them)."""
    return (later - earlier).days <= 1


def roster_horizon(terms: Sequence[CoChairTerm], today: datetime.date) -> datetime.date:
    """The end of the last planned term, and at least twelve months from today."""
    return max([add_months(today, HORIZON_MONTHS), *(t.ends_on for t in terms)])


def _seat(term: CoChairTerm) -> str:
    return f"seat {term.seat}"


def _names(terms: Iterable[CoChairTerm]) -> str:
    names = sorted({str(t.member) for t in terms})
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _overlap(a: CoChairTerm, b: CoChairTerm) -> bool:
    return a.starts_on <= b.ends_on and b.starts_on <= a.ends_on


def _not_ahg_member(terms) -> list[Problem]:
    problems = []
    for term in terms:
        member, left = term.member, term.member.ahg_left_on
        if not member.is_ahg_member_on(term.starts_on):
            problems.append(
                Problem(
                    "not_ahg_member",
                    ERROR,
                    f"{member} was not an Ad Hoc Group member on {fmt(term.starts_on)}, "
                    f"when its term in {_seat(term)} starts; only Ad Hoc Group members may "
                    "co-chair.",
                    (term,),
                )
            )
        elif left is not None and left < term.ends_on:
            problems.append(
                Problem(
                    "not_ahg_member",
                    ERROR,
                    f"{member} leaves the Ad Hoc Group on {fmt(left)}, during its term in "
                    f"{_seat(term)} (until {fmt(term.ends_on)}); only Ad Hoc Group members "
                    f"may co-chair, so the term must end by {fmt(left)}.",
                    (term,),
                    left + DAY,
                    term.ends_on,
                )
            )
    return problems


def _same_member_twice(terms) -> list[Problem]:
    problems = []
    for i, a in enumerate(terms):
        for b in terms[i + 1 :]:
            if a.member_id == b.member_id and _overlap(a, b):
                start, end = max(a.starts_on, b.starts_on), min(a.ends_on, b.ends_on)
                problems.append(
                    Problem(
                        "same_member_twice",
                        ERROR,
                        f"{a.member} would hold two co-chair terms at once "
                        f"({_seat(a)} and {_seat(b)}) from {fmt(start)} to {fmt(end)}.",
                        (a, b),
                        start,
                        end,
                    )
                )
    return problems


def _periods(terms, start, end, keep) -> list[tuple[datetime.date, datetime.date, list]]:
    """Maximal periods within [start, end] whose running terms satisfy ``keep(running)``."""
    # Cut on day numbers: the day after the calendar's last day is a number, not a date.
    first_day, after_end = start.toordinal(), end.toordinal() + 1
    cuts = {first_day, after_end}
    for term in terms:
        for day in (term.starts_on.toordinal(), term.ends_on.toordinal() + 1):
            if first_day < day < after_end:
                cuts.add(day)
    cuts = sorted(cuts)
    periods: list[tuple[datetime.date, datetime.date, list]] = []
    for first, after in zip(cuts, cuts[1:], strict=False):
        day = datetime.date.fromordinal(first)
        running = [t for t in terms if t.runs_on(day)]
        if not keep(running):
            continue
        last = datetime.date.fromordinal(after - 1)
        if periods and periods[-1][1].toordinal() == first - 1:
            prev_start, _, prev_terms = periods[-1]
            merged = prev_terms + [t for t in running if not any(t is p for p in prev_terms)]
            periods[-1] = (prev_start, last, merged)
        else:
            periods.append((day, last, running))
    return periods


def _more_than_two(terms) -> list[Problem]:
    if not terms:
        return []
    start = min(t.starts_on for t in terms)
    end = max(t.ends_on for t in terms)
    return [
        Problem(
            "more_than_two",
            ERROR,
            f"More than two co-chair terms run at once from {fmt(first)} to {fmt(last)} "
            f"({_names(running)}).",
            tuple(running),
            first,
            last,
        )
        for first, last, running in _periods(terms, start, end, lambda r: len(r) > 2)
    ]


def _not_decided_at_som(terms) -> list[Problem]:
    problems = []
    for term in terms:
        meeting = term.decided_at
        where = f"The term of {term.member} in {_seat(term)} from {fmt(term.starts_on)}"
        if meeting is None:
            message = f"{where} records no AHG Senior Officials Meeting that decided it."
        elif meeting.kind != Meeting.Kind.SOM:
            message = (
                f"{where} was decided at the {meeting.title}, which is not an AHG Senior "
                "Officials Meeting; co-chairs are decided at the SOM."
            )
        elif meeting.local_start.date() > term.starts_on:
            message = (
                f"{where} is recorded as decided at the {meeting.title} of "
                f"{fmt(meeting.local_start.date())}, after the term started."
            )
        else:
            continue
        problems.append(Problem("not_decided_at_som", ERROR, message, (term,)))
    return problems


def tenures(terms) -> list[list[CoChairTerm]]:
    """Each member's continuous tenures: back-to-back or overlapping terms, in order."""
    by_member: dict[int, list[CoChairTerm]] = defaultdict(list)
    for term in sorted(terms, key=lambda t: t.starts_on):
        by_member[term.member_id].append(term)
    chains = []
    for member_terms in by_member.values():
        chain = [member_terms[0]]
        for term in member_terms[1:]:
            if _follows(term.starts_on, max(t.ends_on for t in chain)):
                chain.append(term)
            else:
                chains.append(chain)
                chain = [term]
        chains.append(chain)
    return chains


def _term_too_long(terms, group: WorkingGroup) -> list[Problem]:
    problems = []
    years = group.co_chair_max_years
    for chain in tenures(terms):
        start = chain[0].starts_on
        limit = last_day_of_tenure(start, years)
        for term in chain:
            if term.ends_on > limit and not term.has_extension_agreement:
                problems.append(
                    Problem(
                        "term_too_long",
                        ERROR,
                        f"{term.member} would co-chair continuously from {fmt(start)} to "
                        f"{fmt(term.ends_on)}, beyond the {years}-year maximum (until "
                        f"{fmt(limit)}), and no agreement of the members to extend it is "
                        "recorded.",
                        (term,),
                    )
                )
    return problems


def handovers(terms) -> list[CoChairTerm]:
    """Terms with which a seat passes to a different member than its previous holder."""
    by_seat: dict[int, list[CoChairTerm]] = defaultdict(list)
    for term in sorted(terms, key=lambda t: t.starts_on):
        by_seat[term.seat].append(term)
    return [
        term
        for seat_terms in by_seat.values()
        for previous, term in zip(seat_terms, seat_terms[1:], strict=False)
        if term.member_id != previous.member_id
    ]


def _not_staggered(terms) -> list[Problem]:
    problems = []
    changes = sorted(handovers(terms), key=lambda t: t.starts_on)
    for i, first in enumerate(changes):
        for second in changes[i + 1 :]:
            if second.seat != first.seat and second.starts_on < add_months(
                first.starts_on, STAGGER_MONTHS
            ):
                problems.append(
                    Problem(
                        "not_staggered",
                        WARNING,
                        f"Both seats pass to new members less than six months apart: "
                        f"{_seat(first)} to {first.member} on {fmt(first.starts_on)} and "
                        f"{_seat(second)} to {second.member} on {fmt(second.starts_on)}; "
                        "one co-chair should rotate each year.",
                        (first, second),
                        first.starts_on,
                        second.starts_on,
                    )
                )
    return problems


def _gap(terms, today) -> list[Problem]:
    if not terms:
        return []
    start = min(t.starts_on for t in terms)
    horizon = roster_horizon(terms, today)
    problems = []
    for first, last, running in _periods(terms, start, horizon, lambda r: len(r) < 2):
        who = f"only {_names(running)}" if running else "no co-chair at all"
        problems.append(
            Problem(
                "gap",
                WARNING,
                f"From {fmt(first)} to {fmt(last)} the group has {who}; "
                "the roster should always name two co-chairs.",
                # A gap belongs to the period, not to the terms that still run in it.
                (),
                first,
                last,
            )
        )
    return problems


def check(
    group: WorkingGroup,
    terms: Sequence[CoChairTerm] | None = None,
    today: datetime.date | None = None,
) -> list[Problem]:
    """Every problem of the group's roster, errors first, then by date.

    ``terms`` replaces the stored terms, e.g. to judge a term before it is saved; each
    term's member and meetings should be loaded with it.
    """
    today = today or timezone.localdate()
    if terms is None:
        terms = load_terms(group)
    terms = list(terms)
    problems = [
        *_not_ahg_member(terms),
        *_same_member_twice(terms),
        *_more_than_two(terms),
        *_not_decided_at_som(terms),
        *_term_too_long(terms, group),
        *_not_staggered(terms),
        *_gap(terms, today),
    ]
    first_day = {id(p): p.starts_on or min(t.starts_on for t in p.terms) for p in problems}
    return sorted(problems, key=lambda p: (not p.is_error, first_day[id(p)]))


def load_terms(group: WorkingGroup) -> list[CoChairTerm]:
    """The group's terms with everything the rules read, in one query."""
    return list(
        group.co_chair_terms.select_related("member", "decided_at", "extension_agreed_at").order_by(
            "starts_on", "seat"
        )
    )


def successor(term: CoChairTerm, terms: Sequence[CoChairTerm]) -> CoChairTerm | None:
    """The term that takes over the seat when this one ends, if the roster has one."""
    following = [
        t
        for t in terms
        if t is not term
        and t.seat == term.seat
        and term.starts_on < t.starts_on
        and _follows(t.starts_on, term.ends_on)
    ]
    return min(following, key=lambda t: t.starts_on, default=None)


def ending_without_successor(
    terms: Sequence[CoChairTerm], today: datetime.date, months: int = 6
) -> list[CoChairTerm]:
    """Current terms that end within the coming months with nobody to follow in the seat."""
    until = add_months(today, months)
    return [
        t for t in terms if t.runs_on(today) and t.ends_on <= until and successor(t, terms) is None
    ]


@dataclass
class Candidate:
    nomination: Nomination
    problems: list[Problem]

    @property
    def eligible(self) -> bool:
        return not any(p.is_error for p in self.problems)


@dataclass
class Rotation:
    seat: int
    outgoing: CoChairTerm | None
    starts_on: datetime.date
    candidates: list[Candidate]


def next_rotation(
    group: WorkingGroup,
    terms: Sequence[CoChairTerm],
    nominations: Sequence[Nomination],
    today: datetime.date | None = None,
) -> Rotation:
    """The seat that rotates next, from when, and how each pending nomination would fare."""
    today = today or timezone.localdate()
    last_in_seat = {}
    for seat in CoChairTerm.Seat.values:
        seat_terms = [t for t in terms if t.seat == seat and t.ends_on >= today]
        last_in_seat[seat] = max(seat_terms, key=lambda t: t.ends_on, default=None)
    vacant = [seat for seat, term in last_in_seat.items() if term is None]
    if vacant:
        seat, outgoing, starts_on = vacant[0], None, today
    else:
        # On a tie the co-chair who has served longer rotates first.
        seat = min(last_in_seat, key=lambda s: (last_in_seat[s].ends_on, last_in_seat[s].starts_on))
        outgoing = last_in_seat[seat]
        starts_on = day_after(outgoing.ends_on)
    candidates = []
    for nomination in nominations:
        if nomination.outcome != Nomination.Outcome.PENDING or nomination.seat not in (None, seat):
            continue
        trial = CoChairTerm(
            group=group,
            member=nomination.member,
            seat=seat,
            starts_on=starts_on,
            planned_end_on=last_day_of_tenure(starts_on, group.co_chair_max_years),
        )
        found = [
            p
            for p in check(group, [*terms, trial], today)
            if p.involves(trial) and p.code != "not_decided_at_som"
        ]
        candidates.append(Candidate(nomination, found))
    return Rotation(seat, outgoing, starts_on, candidates)


# The form field beside which each error is shown.
FIELD_OF_CODE = {
    "not_ahg_member": "member",
    "same_member_twice": "member",
    "more_than_two": "starts_on",
    "not_decided_at_som": "decided_at",
    "term_too_long": "planned_end_on",
}


def problems_of(term: CoChairTerm, today: datetime.date | None = None) -> list[Problem]:
    """The problems a new or edited term brings to the stored roster: those it takes part
    in, and those (such as a gap) that the roster would not have without the change."""
    stored = load_terms(term.group)
    others = [t for t in stored if term.pk is None or t.pk != term.pk]
    before = {p.message for p in check(term.group, stored, today)}
    return [
        p
        for p in check(term.group, [*others, term], today)
        if p.involves(term) or p.message not in before
    ]
