"""One demo person for each role, with the participation that gives them that role."""

import datetime
from dataclasses import dataclass

from django_otp.plugins.otp_totp.models import TOTPDevice

from groups.models import Member, Participation, WorkingGroup
from portal import permissions
from portal.accounts.models import User
from portal.demo import ensure, find

# The authenticator key of every demo person who must use a second factor: RFC 6238's own
# example key, so anyone trying the demo can add it to an app or ask `manage.py demo_code`.
DEMO_APP_KEY = "3132333435363738393031323334353637383930"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    role: str
    affiliation: str | None = None
    job_title: str = ""
    clearance_expires_on: datetime.date | None = None
    is_secretariat: bool = False
    # (group slug, participation role, since)
    participations: tuple[tuple[str, str, datetime.date], ...] = ()


P = Participation.Role
PEOPLE = [
    DemoPerson(
        "secretariat",
        "Malee",
        "Srisuk",
        "Secretariat (RSO staff)",
        job_title="Programme Officer, Regional Support Office",
        is_secretariat=True,
    ),
    DemoPerson(
        "cochair.au",
        "Grace",
        "Whitfield",
        "WG-TIP co-chair for Australia",
        "australia",
        "Director, People Smuggling and Trafficking Policy",
        participations=(("wg-tip", P.FOCAL_POINT, datetime.date(2023, 1, 16)),),
    ),
    DemoPerson(
        "cochair.id",
        "Rizal",
        "Hakim",
        "WG-TIP co-chair for Indonesia",
        "indonesia",
        "Deputy Director, Transnational Crime",
        participations=(("wg-tip", P.FOCAL_POINT, datetime.date(2022, 7, 1)),),
    ),
    DemoPerson(
        "expert.th",
        "Somchai",
        "Rattanakul",
        "WG-TIP member expert for Thailand",
        "thailand",
        "Senior Investigator, Anti-Trafficking Division",
        participations=(("wg-tip", P.EXPERT, datetime.date(2015, 3, 25)),),
    ),
    DemoPerson(
        "observer",
        "Claire",
        "Gagnon",
        "Observer (Canada)",
        "canada",
        "First Secretary (Migration)",
        participations=(("wg-tip", P.OBSERVER, datetime.date(2024, 5, 1)),),
    ),
    DemoPerson(
        "cleared.nz",
        "Aroha",
        "Parata",
        "Cleared WG-DCN member (New Zealand)",
        "new-zealand",
        "Intelligence Manager, Border Operations",
        clearance_expires_on=datetime.date(2029, 6, 30),
        participations=(("wg-dcn", P.EXPERT, datetime.date(2014, 9, 24)),),
    ),
    DemoPerson(
        "uncleared.lk",
        "Nimal",
        "Perera",
        "Member whose clearance has expired (Sri Lanka)",
        "sri-lanka",
        "Assistant Superintendent of Police",
        clearance_expires_on=datetime.date(2025, 3, 31),
        participations=(
            ("wg-tip", P.EXPERT, datetime.date(2019, 2, 1)),
            ("wg-dcn", P.EXPERT, datetime.date(2019, 2, 1)),
        ),
    ),
]


def load_people(
    members: dict[str, Member], groups: dict[str, WorkingGroup], password: str
) -> list[tuple[str, str]]:
    """Create the demo people who are missing; (username, role) of each who still exists."""
    logins = []
    for person in PEOPLE:
        existed, user = find(User, username=person.username)
        if not existed:
            user = User.objects.create_user(
                person.username,
                password=password,
                first_name=person.first_name,
                last_name=person.last_name,
                email=f"{person.username}@demo.invalid",
                affiliation=members[person.affiliation] if person.affiliation else None,
                job_title=person.job_title,
                clearance_level=(
                    "National security clearance" if person.clearance_expires_on else ""
                ),
                clearance_expires_on=person.clearance_expires_on,
                is_secretariat=person.is_secretariat,
                is_staff=person.is_secretariat,
            )
        if user is None:
            continue
        for group_slug, role, since in person.participations:
            ensure(
                Participation,
                {"person": user, "group": groups[group_slug], "started_on": since},
                member=members[person.affiliation],
                role=role,
            )
        logins.append((user.username, person.role))
    return logins


def load_second_factors(usernames: list[str]) -> list[str]:
    """Give each of these demo people who must use a second factor and has no app the demo
    app; the usernames of all who must use one."""
    needing = []
    for person in User.objects.filter(username__in=usernames).order_by("username"):
        if not permissions.must_use_second_factor(person):
            continue
        needing.append(person.username)
        if not TOTPDevice.objects.filter(user=person).exists():
            TOTPDevice.objects.create(user=person, name="Demo app", key=DEMO_APP_KEY)
    return needing
