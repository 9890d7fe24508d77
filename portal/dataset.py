"""A generated dataset the size of a busy portal, for measuring every page.

At scale 1 it makes about twenty working groups, 300 members, 5,000 persons, 3,000
meetings, 30,000 agenda items, 20,000 actions and 60,000 progress updates, with ten years
of co-chair rosters that pass the roster rules, work plans and their revisions, papers,
annual reports and outcome records approved by their co-chairs, public statements and
notifications; every figure is multiplied by the scale. On top of the groups' meetings,
the Ad Hoc Group holds a Senior Officials Meeting (which decides the co-chairs) and the
Steering Group a meeting every year.

What is reproducible: the same seed and scale, on an empty portal, in the same calendar
year, make the same rows with the same values (and, on a fresh database, the same keys),
apart from the moments rows were created and what depends on today: a meeting is held
once its day has passed, a progress update is dated no later than today, and the reports
are submitted to the co-chairs serving today. Dates are laid out from 1 January ten years
before the current year, so that the meetings run from then to a year ahead.

The large tables are written with bulk inserts, with one history entry for each row (as
an entry of its creation) where the model keeps history; many-to-many links of actions
have no history entry. What approvals are about (papers, revisions, reports, statements)
goes through the services once the bulk data is in, so their content hashes, approvals,
notifications and history are the ones the portal itself makes.
"""

import datetime
import random
import zoneinfo
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_countries import countries
from simple_history.utils import bulk_create_with_history

from groups import roster
from groups.models import CoChairTerm, Member, Participation, TermsOfReference, WorkingGroup
from meetings import papers
from meetings.models import AgendaItem, Attendance, Document, Invitation, Meeting, Outcome, Speaker
from portal.accounts.models import User
from portal.notifications.models import Notification
from reports import services as report_services
from reports import statements
from reports.models import Report
from workplans import services as plan_services
from workplans.models import Action, Objective, ProgressUpdate, WorkPlan

# The figures at scale 1.
FIGURES = {
    "groups": 20,
    "members": 300,
    "persons": 5000,
    "meetings": 3000,
    "agenda_items": 30000,
    "actions": 20000,
    "progress_updates": 60000,
}
# The fewest of each that still make a portal worth looking at (a roster needs a few
# Ad Hoc Group members to rotate, a group a handful of people).
FEWEST = {"groups": 1, "members": 12, "persons": 30, "meetings": 10}
BATCH = 2000
YEARS = 10
SECRETARIAT_USERNAME = "secretariat"
DEFAULT_PASSWORD = "dataset-pass-2026"

THEMES = [
    ("Trafficking in Persons", "TIP"),
    ("Disruption of Criminal Networks", "DCN"),
    ("Border Management", "BM"),
    ("Labour Migration", "LM"),
    ("Identity Integrity", "II"),
    ("Returns and Reintegration", "RR"),
    ("Victim Support", "VS"),
    ("Information Sharing", "IS"),
    ("Irregular Maritime Movements", "IMM"),
    ("Visa Integrity", "VI"),
    ("Biometrics", "BIO"),
    ("Legal Frameworks", "LF"),
    ("Financial Investigations", "FI"),
    ("Online Exploitation", "OE"),
    ("Protection at Sea", "PS"),
    ("Statelessness", "ST"),
    ("Migrant Smuggling", "MS"),
    ("Regional Data", "RD"),
    ("Private Sector Engagement", "PSE"),
    ("Climate and Displacement", "CD"),
]
ORGANISATION_KINDS = ["Office", "Agency", "Centre", "Institute", "Commission"]
FIRST_NAMES = [
    "Aroha", "Budi", "Chen", "Dewi", "Emma", "Farid", "Grace", "Hana", "Imran", "Jun",
    "Kamal", "Lina", "Malee", "Nimal", "Omar", "Priya", "Rizal", "Sari", "Tuan", "Wei",
]  # fmt: skip
LAST_NAMES = [
    "Ahmed", "Bautista", "Chowdhury", "Dizon", "Fernando", "Gunawan", "Hakim", "Ito",
    "Kaur", "Lim", "Nguyen", "Parata", "Perera", "Rahman", "Santos", "Srisuk", "Tan",
    "Whitfield", "Yusuf", "Zaman",
]  # fmt: skip
PLACES = [
    ("Bangkok", "TH", "Asia/Bangkok"),
    ("Jakarta", "ID", "Asia/Jakarta"),
    ("Bali", "ID", "Asia/Makassar"),
    ("Canberra", "AU", "Australia/Sydney"),
    ("Manila", "PH", "Asia/Manila"),
    ("Kuala Lumpur", "MY", "Asia/Kuala_Lumpur"),
    ("Colombo", "LK", "Asia/Colombo"),
    ("Wellington", "NZ", "Pacific/Auckland"),
]
BODY_OF_KIND = {
    Meeting.Kind.SOM: Meeting.Body.AD_HOC_GROUP,
    Meeting.Kind.STEERING_GROUP: Meeting.Body.STEERING_GROUP,
}
MEETING_KINDS = [
    (Meeting.Kind.WORKING_GROUP, 60),
    (Meeting.Kind.WORKSHOP, 15),
    (Meeting.Kind.FORUM, 8),
    (Meeting.Kind.ROUNDTABLE, 8),
    (Meeting.Kind.SYMPOSIUM, 9),
]
ITEM_TITLES = [
    "Opening and welcome by the co-chairs",
    "Adoption of the agenda",
    "Progress on the Forward Work Plan",
    "Country presentations",
    "Trends in the region",
    "Presentation by the Regional Support Office",
    "Capacity-building needs",
    "Nominations for the next co-chair rotation",
    "Cooperation with other fora",
    "Any other business",
    "Next meeting",
    "Close",
]
WORDS = [
    "regional", "cooperation", "training", "members", "share", "information", "practice",
    "law", "enforcement", "victims", "border", "capacity", "network", "research", "guidance",
    "workshop", "partners", "data", "protection", "agencies", "referral", "investigation",
    "officials", "curriculum", "review", "legislation",
]  # fmt: skip


PAPER_HTML = (
    "<html lang='en'><body><h1>Concept note</h1><p>A paper of the meeting.</p></body></html>"
)


def sentence(rng: random.Random, words: int = 10) -> str:
    """A plausible sentence of the secretariat's words."""
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def figure(name: str, scale: float) -> int:
    """How many of a thing the scale makes."""
    return max(FEWEST.get(name, 1), round(FIGURES[name] * scale))


def local(day: datetime.date, hour: int, zone: str) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), zoneinfo.ZoneInfo(zone))


def _bulk(model, rows: list, *, history: bool = True) -> list:
    if not rows:
        return rows
    if history and hasattr(model, "history"):
        return bulk_create_with_history(rows, model, batch_size=BATCH)
    return model.objects.bulk_create(rows, batch_size=BATCH)


@dataclass
class GroupPlan:
    """What the generator knows of one group while it builds it."""

    group: WorkingGroup
    members: list[Member] = field(default_factory=list)
    observers: list[Member] = field(default_factory=list)
    rotating: list[Member] = field(default_factory=list)
    # (member pk) -> people representing it in the group; the first is its focal point.
    people: dict[int, list[User]] = field(default_factory=lambda: defaultdict(list))
    meetings: list[Meeting] = field(default_factory=list)

    @property
    def participants(self) -> list[tuple[Member, User]]:
        by_pk = {m.pk: m for m in self.members + self.observers}
        return [(by_pk[pk], p) for pk, people in self.people.items() for p in people]


class Generator:
    """Builds the dataset; `run()` returns the number of rows of each kind."""

    def __init__(self, *, scale: float, seed: int, password: str, today=None, log=None):
        self.scale, self.rng = scale, random.Random(seed)
        self.password = password
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        self.first_year = self.today.year - YEARS
        self.log = log or (lambda message: None)
        self.groups: list[GroupPlan] = []
        self.soms: list[Meeting] = []

    def run(self) -> dict[str, int]:
        with transaction.atomic():
            self._members()
            self._groups()
            self._bodies_meetings()
            self._rosters()
            self._people()
            self._group_meetings()
            self._agendas()
            self._work_plans()
        # What approvals are about, through the services, once the data is in.
        with transaction.atomic():
            self._papers()
            self._revisions()
            self._reports()
            self._statements()
            self._notifications()
        return counts()

    # --- Members and groups -------------------------------------------------------------

    def _members(self):
        rng, total = self.rng, figure("members", self.scale)
        joined = datetime.date(self.first_year - 5, 4, 15)
        rows = [
            Member(name="Australia", slug="australia", kind="state", country="AU"),
            Member(name="Indonesia", slug="indonesia", kind="state", country="ID"),
        ]
        states = [(code, name) for code, name in countries if code not in ("AU", "ID")]
        i = 0
        while len(rows) < total:
            i += 1
            if i % 8 == 0:
                kind = ORGANISATION_KINDS[i % len(ORGANISATION_KINDS)]
                name = f"Regional {kind} on {THEMES[i % len(THEMES)][0]} {i}"
                rows.append(
                    Member(
                        name=name,
                        short_name=f"RO{i}",
                        slug=f"organisation-{i}",
                        kind="organisation",
                        country="",
                    )
                )
            else:
                code, name = states[i % len(states)]
                if i >= len(states):
                    name = f"{name} ({i // len(states) + 1})"
                rows.append(Member(name=name, slug=f"state-{i}", kind="state", country=code))
        for index, member in enumerate(rows):
            # Australia and Indonesia, then about half of the rest, in the Ad Hoc Group;
            # one in twenty of the others is an observer.
            if index < 2 or rng.random() < 0.5:
                member.ahg_joined_on = joined
            elif rng.random() < 0.1:
                member.is_observer = True
        self.members = _bulk(Member, rows)
        self.log(f"{len(self.members)} members")

    def _groups(self):
        rng, total = self.rng, figure("groups", self.scale)
        rows = []
        for index in range(total):
            theme, short = THEMES[index % len(THEMES)]
            if index >= len(THEMES):
                theme, short = f"{theme} {index // len(THEMES) + 1}", f"{short}{index}"
            established = datetime.date(self.first_year, 1 + (index * 5) % 12, 1)
            rows.append(
                WorkingGroup(
                    name=f"Working Group on {theme}",
                    short_name=f"WG-{short}",
                    slug=f"wg-{short.lower()}",
                    purpose=f"A network of experts on {theme.lower()}. " + sentence(rng, 20),
                    status=WorkingGroup.Status.ACTIVE,
                    established_on=established,
                    review_on=roster.anniversary(established, 2),
                    clearance_required=index == 1,
                    chatham_house_default=index % 3 != 2,
                )
            )
        ahg = [m for m in self.members[2:] if m.ahg_joined_on]
        others = [m for m in self.members[2:] if not m.ahg_joined_on and not m.is_observer]
        observers = [m for m in self.members if m.is_observer]
        per_group = max(6, round(len(self.members) * 0.15))
        for group in _bulk(WorkingGroup, rows):
            plan = GroupPlan(group)
            plan.rotating = rng.sample(ahg, min(len(ahg), 5))
            rest = [m for m in ahg + others if m not in plan.rotating]
            plan.members = [
                *self.members[:2],
                *plan.rotating,
                *rng.sample(rest, min(len(rest), max(0, per_group - 7))),
            ]
            plan.observers = rng.sample(observers, min(len(observers), 2))
            self.groups.append(plan)

    # --- Meetings of the Bali Process bodies, co-chair rosters --------------------------

    def _bodies_meetings(self):
        rows = []
        for year in range(self.first_year - 1, self.today.year + 3):
            day = datetime.date(year, 6, 10)
            rows.append(
                self._meeting_row(
                    None,
                    Meeting.Kind.SOM,
                    f"Ad Hoc Group Senior Officials Meeting {year}",
                    day,
                    1,
                    PLACES[2],
                )
            )
            day = datetime.date(year, 3, 20)
            title = f"Steering Group meeting {year}"
            rows.append(
                self._meeting_row(None, Meeting.Kind.STEERING_GROUP, title, day, 0, PLACES[0])
            )
        self.body_meetings = _bulk(Meeting, rows)
        self.soms = [m for m in self.body_meetings if m.kind == Meeting.Kind.SOM]
        tors = []
        for plan in self.groups:
            group = plan.group
            som = self._som_by(group.established_on)
            tors.append(
                TermsOfReference(
                    group=group,
                    version=1,
                    status=TermsOfReference.Status.ENDORSED,
                    summary="Terms of Reference as endorsed by the Ad Hoc Group.",
                    text=f"Terms of Reference of the {group.name}.\n\n" + sentence(self.rng, 40),
                    endorsed_on=som.starts_at.date(),
                    endorsed_at=som,
                )
            )
        _bulk(TermsOfReference, tors)

    def _meeting_row(self, group, kind, title, day, days, place) -> Meeting:
        city, country, zone = place
        starts, ends = local(day, 9, zone), local(day + datetime.timedelta(days=days), 17, zone)
        if ends < self.now:
            status = Meeting.Status.CANCELLED if self.rng.random() < 0.03 else Meeting.Status.HELD
        else:
            status = self.rng.choice([Meeting.Status.PLANNED, Meeting.Status.CONFIRMED])
        published = starts - datetime.timedelta(days=14)
        return Meeting(
            kind=kind,
            title=title,
            group=group,
            body="" if group else BODY_OF_KIND[kind],
            starts_at=starts,
            ends_at=ends,
            time_zone=zone,
            city=city,
            country=country,
            venue="Conference centre",
            objectives=sentence(self.rng, 15),
            status=status,
            chatham_house=group.chatham_house_default if group else False,
            agenda_published_at=published if published < self.now else None,
        )

    def _som_by(self, day: datetime.date) -> Meeting:
        """The last Senior Officials Meeting held on or before the day."""
        return max((m for m in self.soms if m.starts_at.date() <= day), key=lambda m: m.starts_at)

    def _rosters(self):
        """Two co-chairs at a time: seat 1 passes between Australia and Indonesia, the
        Bali Process co-chairs, every two years; seat 2 rotates among other Ad Hoc Group
        members a year out of step, its first term lasting one year."""
        rng, terms = self.rng, []
        horizon = roster.add_months(self.today, roster.HORIZON_MONTHS + 12)
        for plan in self.groups:
            start = plan.group.established_on
            seat_1 = list(self.members[:2]) if rng.random() < 0.5 else list(self.members[1::-1])
            day, k, firsts = start, 0, []
            while day <= horizon:
                end = roster.last_day_of_tenure(day, 2)
                firsts.append(self._term(plan.group, seat_1[k % 2], 1, day, end))
                day, k = roster.day_after(end), k + 1
            day, previous, seconds = start, None, []
            while day <= horizon:
                end = roster.last_day_of_tenure(day, 1 if day == start else 2)
                member = rng.choice([m for m in plan.rotating if m is not previous])
                seconds.append(self._term(plan.group, member, 2, day, end))
                day, previous = roster.day_after(end), member
            # Both seats end on one day, so that neither runs on alone at the roster's end.
            end = min(firsts[-1].planned_end_on, seconds[-1].planned_end_on)
            firsts[-1].planned_end_on = seconds[-1].planned_end_on = end
            terms += firsts + seconds
        _bulk(CoChairTerm, terms)
        for plan in self.groups:
            errors = [p for p in roster.check(plan.group, today=self.today) if p.is_error]
            if errors:
                raise AssertionError(f"{plan.group}: {errors[0].message}")

    def _term(self, group, member, seat, starts, ends) -> CoChairTerm:
        return CoChairTerm(
            group=group,
            member=member,
            seat=seat,
            starts_on=starts,
            planned_end_on=ends,
            decided_at=self._som_by(starts),
        )

    # --- People ---------------------------------------------------------------------------

    def _people(self):
        rng, total = self.rng, figure("persons", self.scale)
        password = make_password(self.password)
        users = [
            User(
                username=SECRETARIAT_USERNAME,
                first_name="Malee",
                last_name="Srisuk",
                email="secretariat@dataset.invalid",
                job_title="Programme Officer, Regional Support Office",
                is_secretariat=True,
                is_staff=True,
                password=password,
            )
        ]
        # Every member of a group has a focal point there: the co-chairs' first, so that
        # they are there even when the scale leaves few people.
        slots = [(plan, m) for plan in self.groups for m in plan.members + plan.observers]
        slots.sort(key=lambda slot: slot[1] not in slot[0].members[:2] + slot[0].rotating)
        choices = []
        for index in range(1, total):
            plan, member = slots[index - 1] if index <= len(slots) else rng.choice(slots)
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            cleared = plan.group.clearance_required and (index <= len(slots) or rng.random() < 0.9)
            username = f"{first}.{last}.{index}".lower()
            users.append(
                User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@dataset.invalid",
                    affiliation=member,
                    job_title=rng.choice(["Director", "Senior Officer", "Adviser", "Analyst"]),
                    clearance_level="National security clearance" if cleared else "",
                    clearance_expires_on=(
                        datetime.date(self.today.year + 3, 6, 30) if cleared else None
                    ),
                    password=password,
                )
            )
            choices.append((plan, member))
        users = _bulk(User, users)
        self.secretariat = users[0]
        rows = []
        for user, (plan, member) in zip(users[1:], choices, strict=True):
            people = plan.people[member.pk]
            role = Participation.Role.OBSERVER if member.is_observer else Participation.Role.EXPERT
            if not people:
                role = role if member.is_observer else Participation.Role.FOCAL_POINT
            people.append(user)
            # Focal points and observers since the group began; experts joined since.
            started = plan.group.established_on
            ended = None
            if role == Participation.Role.EXPERT:
                started += datetime.timedelta(days=rng.randrange(2000))
                if rng.random() < 0.1:
                    ended = started + datetime.timedelta(days=rng.randrange(30, 900))
            rows.append(
                Participation(
                    person=user,
                    group=plan.group,
                    member=member,
                    role=role,
                    started_on=started,
                    ended_on=ended,
                )
            )
        _bulk(Participation, rows)

    # --- Meetings of the groups, their agendas, attendance and outcomes -------------------

    def _group_meetings(self):
        rng = self.rng
        # The Bali Process bodies' meetings come on top: a few dozen in all.
        total = figure("meetings", self.scale)
        kinds, weights = zip(*MEETING_KINDS, strict=True)
        rows = []
        for index in range(total):
            plan = self.groups[index % len(self.groups)]
            first = plan.group.established_on
            # From its establishment to a year ahead, and in every year.
            span = (datetime.date(self.today.year + 1, 12, 1) - first).days
            day = first + datetime.timedelta(days=rng.randrange(span))
            kind = rng.choices(kinds, weights)[0]
            number = index // len(self.groups) + 1
            label = Meeting.Kind(kind).label
            rows.append(
                self._meeting_row(
                    plan.group,
                    kind,
                    f"{plan.group.short_name} {label.lower()} {number}",
                    day,
                    rng.choice([0, 0, 1, 2]),
                    rng.choice(PLACES),
                )
            )
        by_group = {plan.group.pk: plan for plan in self.groups}
        for meeting in _bulk(Meeting, rows):
            by_group[meeting.group_id].meetings.append(meeting)

    def _agendas(self):
        rng = self.rng
        per_meeting = FIGURES["agenda_items"] / FIGURES["meetings"]
        items, outcomes, attendance, invitations = [], [], [], []
        meetings = [(None, m) for m in self.body_meetings] + [
            (plan, m) for plan in self.groups for m in plan.meetings
        ]
        for plan, meeting in meetings:
            count = rng.randint(int(per_meeting) - 4, int(per_meeting) + 4)
            for position in range(1, count + 1):
                items.append(
                    AgendaItem(
                        meeting=meeting,
                        position=position,
                        title=ITEM_TITLES[(position - 1) % len(ITEM_TITLES)],
                        description=sentence(rng, 12) if rng.random() < 0.5 else "",
                        duration_minutes=rng.choice([15, 30, 30, 45, 60, 90]),
                    )
                )
            held = meeting.status == Meeting.Status.HELD
            if plan is None:
                if held:
                    for member in rng.sample(self.members, min(12, len(self.members))):
                        observer = member.is_observer
                        attendance.append(
                            Attendance(meeting=meeting, member=member, as_observer=observer)
                        )
                continue
            participants = plan.participants
            if held:
                for number in range(1, rng.randint(2, 4) + 1):
                    kind = rng.choice(list(Outcome.Kind.values))
                    outcomes.append(
                        Outcome(meeting=meeting, number=number, kind=kind, text=sentence(rng, 14))
                    )
                for member, person in rng.sample(participants, min(len(participants), 10)):
                    attendance.append(
                        Attendance(
                            meeting=meeting,
                            member=member,
                            person=person,
                            as_observer=member.is_observer,
                            online=rng.random() < 0.2,
                        )
                    )
            elif meeting.status != Meeting.Status.CANCELLED:
                for member in plan.members + plan.observers:
                    invitations.append(
                        Invitation(meeting=meeting, member=member, as_observer=member.is_observer)
                    )
        items = _bulk(AgendaItem, items)
        speakers = []
        people_of = {plan.group.pk: [p for _, p in plan.participants] for plan in self.groups}
        for item, (_, meeting) in zip(items, self._owners(items, meetings), strict=True):
            if rng.random() < 0.6:
                people = people_of.get(meeting.group_id) or []
                if people and rng.random() < 0.7:
                    speakers.append(Speaker(item=item, person=rng.choice(people)))
                else:
                    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                    speakers.append(Speaker(item=item, name=name, affiliation="Guest speaker"))
        _bulk(Speaker, speakers)
        self.outcomes = _bulk(Outcome, outcomes)
        _bulk(Attendance, attendance)
        _bulk(Invitation, invitations)
        self.log(f"{len(items)} agenda items")

    @staticmethod
    def _owners(items, meetings):
        by_pk = {m.pk: (plan, m) for plan, m in meetings}
        return [by_pk[item.meeting_id] for item in items]

    # --- Work plans, actions and progress updates -----------------------------------------

    def _work_plans(self):
        rng = self.rng
        total = figure("actions", self.scale)
        updates_per_action = FIGURES["progress_updates"] / FIGURES["actions"]
        periods = [(self.first_year + 3 * k, self.first_year + 3 * k + 2) for k in range(4)]
        plans, objectives = [], []
        for plan in self.groups:
            for start, end in periods:
                period = f"{start}-{end}"
                plans.append(
                    WorkPlan(
                        group=plan.group,
                        title=f"Forward Work Plan {period}",
                        period=period,
                        slug=period,
                        status=WorkPlan.Status.DRAFT,
                        background=sentence(rng, 25),
                    )
                )
        plans = _bulk(WorkPlan, plans)
        for work_plan in plans:
            for number in range(1, 5):
                objectives.append(Objective(plan=work_plan, number=number, text=sentence(rng, 10)))
        _bulk(Objective, objectives)
        self.plans = plans
        by_group = {plan.group.pk: plan for plan in self.groups}
        actions, leads = [], []
        statuses = list(Action.Status.values)
        FINISHED = [Action.Status.COMPLETE, Action.Status.COMPLETE, Action.Status.DISCONTINUED]
        initiatives = list(Action.Initiative.values)
        for index in range(total):
            work_plan = plans[index % len(plans)]
            start = int(work_plan.period[:4])
            old = start + 2 < self.today.year
            status = rng.choice(FINISHED if old else statuses)
            year = start + rng.randrange(3)
            actions.append(
                Action(
                    plan=work_plan,
                    number=index // len(plans) + 1,
                    description=sentence(rng, 16),
                    status=status,
                    target_period=f"{year}/{(year + 1) % 100:02d}",
                    initiative=rng.choice(initiatives),
                    in_bali_process_strategy=rng.random() < 0.3,
                )
            )
        actions = _bulk(Action, actions)
        through = Action.lead_members.through
        updates = []
        for action, work_plan in zip(
            actions, (plans[i % len(plans)] for i in range(total)), strict=True
        ):
            plan = by_group[work_plan.group_id]
            lead = rng.choice(plan.members)
            leads.append(through(action_id=action.pk, member_id=lead.pk))
            authors = plan.people.get(lead.pk) or [self.secretariat]
            first = datetime.date(int(work_plan.period[:4]), 1, 1)
            last = min(datetime.date(int(work_plan.period[5:]), 12, 31), self.today)
            days = (last - first).days + 1
            for _ in range(rng.randint(0, round(2 * updates_per_action))):
                updates.append(
                    ProgressUpdate(
                        action=action,
                        reported_on=first + datetime.timedelta(days=rng.randrange(days)),
                        text=sentence(rng, 20),
                        author=rng.choice(authors),
                    )
                )
        through.objects.bulk_create(leads, batch_size=BATCH)
        _bulk(ProgressUpdate, updates)
        self.log(f"{len(actions)} actions, {len(updates)} progress updates")

    # --- Through the services -------------------------------------------------------------

    def _papers(self):
        """Two papers on each of a group's last five meetings held: one small PDF, made
        once, and a text file."""
        from weasyprint import HTML

        pdf = HTML(string=PAPER_HTML).write_pdf()
        count = max(1, round(5 * min(self.scale, 1)))
        for plan in self.groups:
            held = [m for m in plan.meetings if m.status == Meeting.Status.HELD]
            for meeting in sorted(held, key=lambda m: m.starts_at)[-count:]:
                papers.document_add(
                    meeting,
                    title="Concept note",
                    access=Document.Access.PUBLIC,
                    upload=SimpleUploadedFile("concept-note.pdf", pdf, "application/pdf"),
                    uploaded_by=self.secretariat,
                )
                text = f"Summary of the {meeting.title}.\n\n{sentence(self.rng, 40)}\n"
                papers.document_add(
                    meeting,
                    title="Summary of discussions",
                    access=Document.Access.PARTICIPANTS,
                    upload=SimpleUploadedFile("summary.txt", text.encode(), "text/plain"),
                    uploaded_by=self.secretariat,
                )

    def _revisions(self):
        """Each plan adopted once; all but the latest superseded by the next."""
        latest = {}
        for work_plan in self.plans:
            start = int(work_plan.period[:4])
            plan_services.revision_adopt(
                work_plan,
                label="Adopted by the Working Group",
                adopted_on=datetime.date(start, 1, 15),
                adopted_by=self.secretariat,
            )
            latest[work_plan.group_id] = work_plan.pk
        WorkPlan.objects.exclude(pk__in=latest.values()).update(status=WorkPlan.Status.SUPERSEDED)

    def _focal_point(self, plan: GroupPlan, member_pk: int) -> User:
        return plan.people[member_pk][0]

    def _approve(self, report: Report, plan: GroupPlan):
        report = report_services.report_submit(report, self.secretariat)
        content_hash = report_services.current_content_hash(report)
        for member_pk in report.approvers.order_by("pk").values_list("pk", flat=True):
            report_services.report_decide(
                report,
                person=self._focal_point(plan, member_pk),
                decision="approved",
                content_hash=content_hash,
            )

    def _reports(self):
        """The annual reports of the last three years and the outcome records of the last
        three meetings held, approved; this year's annual report waiting for approval and
        its oral-update brief a draft."""
        year = self.today.year
        for plan in self.groups:
            group = plan.group
            for y in range(year - 3, year):
                report = report_services.report_start(group, Report.Kind.ANNUAL, y)
                report = report_services.report_edit(
                    report,
                    summary=f"The Working Group's work in {y}. " + sentence(self.rng, 30),
                    next_steps="- " + sentence(self.rng, 8),
                )
                self._approve(report, plan)
            held = [
                m for m in plan.meetings if m.status == Meeting.Status.HELD and m.outcomes.exists()
            ]
            for meeting in sorted(held, key=lambda m: m.starts_at)[-3:]:
                self._approve(report_services.outcome_record_start(meeting), plan)
            waiting = report_services.report_edit(
                report_services.report_start(group, Report.Kind.ANNUAL, year),
                summary=f"A draft for the co-chairs: the Working Group's work in {year}.",
            )
            report_services.report_submit(waiting, self.secretariat)
            report_services.report_start(group, Report.Kind.BRIEF, year)

    def _statements(self):
        """Two published statements per group and a draft."""
        for plan in self.groups:
            group = plan.group
            for number in (1, 2, 3):
                statement = statements.statement_save(
                    None,
                    group=group,
                    by=self.secretariat,
                    title=f"Statement {number} of the {group.short_name}",
                    text=sentence(self.rng, 40),
                )
                if number == 3:
                    continue
                statement = statements.statement_submit(statement, by=self.secretariat)
                content_hash = statements.statement_content_hash(statement)
                for member_pk in statement.approvers.order_by("pk").values_list("pk", flat=True):
                    statements.statement_decide(
                        statement,
                        by=self._focal_point(plan, member_pk),
                        decision="approved",
                        content_hash=content_hash,
                    )

    def _notifications(self):
        """A few notifications for each person: agendas of their group's meetings."""
        rng, rows = self.rng, []
        for plan in self.groups:
            published = [m for m in plan.meetings if m.agenda_published_at][-20:]
            if not published:
                continue
            for _, person in plan.participants:
                for meeting in rng.sample(published, min(3, len(published))):
                    rows.append(
                        Notification(
                            person=person,
                            kind=Notification.Kind.AGENDA,
                            key=f"agenda:{meeting.pk}:{person.pk}",
                            subject=f"Agenda published: {meeting.title}",
                            text=f"The agenda of the {meeting.title} is published.",
                            link=reverse("meeting_detail", args=[meeting.pk]),
                            read_at=self.now if rng.random() < 0.6 else None,
                        )
                    )
        Notification.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)


COUNTED = {
    "working groups": WorkingGroup,
    "members": Member,
    "persons": User,
    "participations": Participation,
    "co-chair terms": CoChairTerm,
    "meetings": Meeting,
    "agenda items": AgendaItem,
    "speakers": Speaker,
    "attendance": Attendance,
    "invitations": Invitation,
    "outcomes": Outcome,
    "papers": Document,
    "work plans": WorkPlan,
    "actions": Action,
    "progress updates": ProgressUpdate,
    "reports": Report,
    "notifications": Notification,
}


def counts() -> dict[str, int]:
    """The number of rows of each kind in the portal."""
    from reports.models import Approval, PublicStatement

    found = {name: model.objects.count() for name, model in COUNTED.items()}
    found["approvals"] = Approval.objects.count()
    found["public statements"] = PublicStatement.objects.count()
    return found


@contextmanager
def _renderings_left_queued():
    """The approved reports' PDFs are not rendered now: their jobs stay queued, as when
    the broker did not take them, and beat's sweep hands them to a worker later."""
    send = report_services._send_to_worker
    report_services._send_to_worker = lambda job_id: None
    try:
        yield
    finally:
        report_services._send_to_worker = send


def generate(*, scale: float, seed: int = 1, password: str = DEFAULT_PASSWORD, log=None):
    """Fill an empty portal with the dataset; the number of rows of each kind. The
    e-mails its story would send (submissions, approvals) are kept back."""
    from portal.management.commands.load_demo import _jobs_in_process, _mail_kept_back

    with _mail_kept_back(), _jobs_in_process(), _renderings_left_queued():
        return Generator(scale=scale, seed=seed, password=password, log=log).run()


def is_empty() -> bool:
    """True while the portal holds no working group, member or meeting."""
    return not (
        WorkingGroup.objects.exists() or Member.objects.exists() or Meeting.objects.exists()
    )
