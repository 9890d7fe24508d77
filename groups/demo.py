"""Demo members and working groups, with the facts of the source documents."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from groups import services
from groups.models import (
    CoChairTerm,
    Member,
    Nomination,
    SilenceProcedure,
    TermsOfReference,
    WorkingGroup,
)
from meetings.models import Meeting
from portal.demo import ensure, find

# Ad Hoc Group members that attended the Sixth AHG Senior Officials Meeting (1 June 2012),
# other Bali Process members (UNODC attended that meeting as an observer), and observers.
# The Ad Hoc Group was set up by the Third Bali Process Ministerial Conference in April 2009.
AHG_ESTABLISHED = datetime.date(2009, 4, 15)
STATES = [
    # name, slug, ISO 3166, AHG member
    ("Afghanistan", "afghanistan", "AF", True),
    ("Australia", "australia", "AU", True),
    ("Bangladesh", "bangladesh", "BD", True),
    ("Indonesia", "indonesia", "ID", True),
    ("Malaysia", "malaysia", "MY", True),
    ("Maldives", "maldives", "MV", True),
    ("Myanmar", "myanmar", "MM", True),
    ("New Zealand", "new-zealand", "NZ", True),
    ("Pakistan", "pakistan", "PK", True),
    ("Philippines", "philippines", "PH", True),
    ("Sri Lanka", "sri-lanka", "LK", True),
    ("Thailand", "thailand", "TH", True),
    ("Viet Nam", "viet-nam", "VN", True),
    ("Cambodia", "cambodia", "KH", False),
    ("India", "india", "IN", False),
    ("Japan", "japan", "JP", False),
    ("Lao People's Democratic Republic", "lao-pdr", "LA", False),
    ("Republic of Korea", "republic-of-korea", "KR", False),
    ("Singapore", "singapore", "SG", False),
    ("United Arab Emirates", "united-arab-emirates", "AE", False),
]
ORGANISATIONS = [
    # name, short name, slug, AHG member
    ("International Organization for Migration", "IOM", "iom", True),
    ("Office of the United Nations High Commissioner for Refugees", "UNHCR", "unhcr", True),
    ("United Nations Office on Drugs and Crime", "UNODC", "unodc", False),
]
OBSERVER_STATES = [("Canada", "canada", "CA")]


def load_members() -> dict[str, Member]:
    members = {}
    for name, slug, code, ahg in STATES:
        members[slug] = ensure(
            Member,
            {"slug": slug},
            name=name,
            kind=Member.Kind.STATE,
            country=code,
            ahg_joined_on=AHG_ESTABLISHED if ahg else None,
            is_observer=False,
        )
    for name, short, slug, ahg in ORGANISATIONS:
        members[slug] = ensure(
            Member,
            {"slug": slug},
            name=name,
            short_name=short,
            kind=Member.Kind.ORGANISATION,
            country="",
            ahg_joined_on=AHG_ESTABLISHED if ahg else None,
            is_observer=False,
        )
    for name, slug, code in OBSERVER_STATES:
        members[slug] = ensure(
            Member,
            {"slug": slug},
            name=name,
            kind=Member.Kind.STATE,
            country=code,
            ahg_joined_on=None,
            is_observer=True,
        )
    return members


TIP_PURPOSE = (
    "A network of trafficking-in-persons experts from Bali Process member countries and "
    "organisations, led by the Ad Hoc Group. Members use it to share information on "
    "initiatives, trends and issues, to find opportunities for cooperation, and to name the "
    "capacity-building needs of the region, including the growing problem of trafficking "
    "for labour exploitation."
)
DCN_PURPOSE = (
    "A forum for national security, law enforcement and border control officials of the "
    "Ad Hoc Group states to share information and good practice so as to identify and "
    "dismantle the transnational criminal networks behind people smuggling and trafficking "
    "in persons. Because of the sensitivity of its discussions, participants hold a "
    "national security clearance."
)


def load_groups(members: dict[str, Member]) -> dict[str, WorkingGroup]:
    tip = ensure(
        WorkingGroup,
        {"slug": "wg-tip"},
        name="Working Group on Trafficking in Persons",
        short_name="WG-TIP",
        purpose=TIP_PURPOSE,
        status=WorkingGroup.Status.ACTIVE,
        established_on=datetime.date(2014, 8, 6),
        review_on=datetime.date(2016, 8, 6),
        clearance_required=False,
        chatham_house_default=True,
    )
    dcn = ensure(
        WorkingGroup,
        {"slug": "wg-dcn"},
        name=(
            "Working Group on Disruption of Criminal Networks involved in People Smuggling "
            "and Trafficking in Persons"
        ),
        short_name="WG-DCN",
        purpose=DCN_PURPOSE,
        status=WorkingGroup.Status.ACTIVE,
        established_on=datetime.date(2014, 9, 24),
        review_on=datetime.date(2016, 9, 24),
        clearance_required=True,
        chatham_house_default=True,
        many={"proposed_by": [members["new-zealand"], members["sri-lanka"]]},
    )
    return {"wg-tip": tip, "wg-dcn": dcn}


TIP_TOR = """Background
The Fifth Bali Process Ministerial Conference (2 April 2013) directed the Ad Hoc Group to set up a working group on trafficking in persons, and to explore how far labour trafficking affects Bali Process States.

Role
Promote coordinated approaches to prevention, investigation, prosecution and victim protection; identify capacity-building needs; share information on trends and initiatives; coordinate with other fora and Regional Consultative Processes; propose initiatives for the forward work plan of the Regional Support Office (RSO). Members may self-nominate to implement or fund initiatives.

Chairing arrangements
Co-chaired on a rotational basis by two Ad Hoc Group members. A co-chair serves at most two years unless the members agree otherwise; one co-chair rotates each year for continuity. Nominations are invited at the annual meeting; co-chairs are decided at the AHG Senior Officials Meeting; a roster keeps the sequence. The first co-chairs are Australia and Indonesia, as co-chairs of the Bali Process.

Membership
Technical experts from each Ad Hoc Group member country or organisation; activities are open to any interested Bali Process member. Observers are invited case by case, as agreed by the co-chairs.

Meetings and reporting
At least one meeting a year, possibly back to back with the AHG SOM or a related forum, under the Chatham House Rule. The co-chairs report each year in writing to the Steering Group and orally to the AHG SOM, and may seek the Steering Group's direction on issues or disputes.

Duration
Established for an initial period of up to two years, after which the Ad Hoc Group, through the Steering Group, assesses progress and the group's future role."""

DCN_TOR = """Background
Since 2002 Bali Process Ministers have noted that criminal networks orchestrating people smuggling and trafficking are also involved in other transnational crime. New Zealand and Sri Lanka proposed this working group to fill the gap left by the absence of a forum for national security, law enforcement and border control officials.

Role
Examine the routes, methods and hierarchies of transnational networks; suggest strategies for law enforcement and information sharing; strengthen operational capacities; build trust so that information and intelligence are properly managed and protected; share good practice (extradition, asset seizure, mutual legal assistance); propose initiatives for the RSO's forward work plan.

Chairing arrangements
Co-chaired on a rotational basis by two Ad Hoc Group members for at most two years each unless the members agree otherwise, one rotating each year. Co-chairs are decided at the AHG Senior Officials Meeting. New Zealand and Sri Lanka co-chair the first term.

Membership
Officials with active roles in targeting people smugglers and traffickers from each Ad Hoc Group member state. Participants must hold a national-level security clearance.

Meetings and reporting
Once or twice a year, possibly under the Chatham House Rule. The co-chairs report each year in writing to the Steering Group and orally to the AHG SOM.

Duration
Work starts with an initial Roundtable in Bangkok on 24 September 2014 to develop a forward work plan; the group is established for an initial period of up to two years."""


def load_terms_of_reference(groups: dict[str, WorkingGroup], som_2014: Meeting) -> None:
    for slug, text, summary in [
        ("wg-tip", TIP_TOR, "Terms of Reference as endorsed by the Ad Hoc Group."),
        (
            "wg-dcn",
            DCN_TOR,
            "Terms of Reference proposed by New Zealand and Sri Lanka, as endorsed.",
        ),
    ]:
        ensure(
            TermsOfReference,
            {"group": groups[slug], "version": 1},
            status=TermsOfReference.Status.ENDORSED,
            summary=summary,
            text=text,
            endorsed_on=datetime.date(2014, 8, 6),
            endorsed_at=som_2014,
        )


def load_co_chairs(
    groups: dict[str, WorkingGroup], members: dict[str, Member], meetings: dict[str, Meeting]
) -> None:
    """The first co-chairs named in each group's Terms of Reference, and what followed."""
    som_2014 = meetings["som-2014"]
    # WG-TIP: Australia and Indonesia, as co-chairs of the Bali Process, continued by
    # agreement of the members; their tenures end a year apart so that the seats
    # rotate in turn from then on.
    continued = {
        "extension_agreed_by": "WG-TIP members, by consensus",
        "extension_agreed_on": datetime.date(2016, 5, 18),
        "extension_agreed_at": meetings["tip-second-2016"],
    }
    tip_start = datetime.date(2014, 8, 6)
    for seat, member_slug, end in [
        (1, "australia", datetime.date(2027, 8, 5)),
        (2, "indonesia", datetime.date(2028, 8, 5)),
    ]:
        ensure(
            CoChairTerm,
            {"group": groups["wg-tip"], "seat": seat, "starts_on": tip_start},
            member=members[member_slug],
            planned_end_on=end,
            decided_at=som_2014,
            **continued,
        )
    # WG-DCN: New Zealand and Sri Lanka for its first two-year term from the Roundtable.
    dcn_start = datetime.date(2014, 9, 24)
    for seat, member_slug in [(1, "new-zealand"), (2, "sri-lanka")]:
        ensure(
            CoChairTerm,
            {"group": groups["wg-dcn"], "seat": seat, "starts_on": dcn_start},
            member=members[member_slug],
            planned_end_on=datetime.date(2016, 9, 23),
            decided_at=som_2014,
        )


def load_nominations(
    groups: dict[str, WorkingGroup], members: dict[str, Member], meetings: dict[str, Meeting]
) -> None:
    """The next WG-TIP rotation: Australia's seat, with Thailand's nomination pending."""
    tip, thailand = groups["wg-tip"], members["thailand"]
    annual = meetings["tip-annual-2026"]
    # Once made, the nomination is the secretariat's: decided, closed or withdrawn since.
    existed, _ = find(Nomination, group=tip, member=thailand)
    if existed or annual is None:
        return
    services.nomination_record(
        group=tip,
        member=thailand,
        nominated_at=annual,
        seat=1,
        for_term_from=datetime.date(2027, 8, 6),
        note="Nominated to follow Australia in seat 1.",
    )


# The texts the WG-TIP co-chairs circulated between meetings: one agreed in 2025, and the
# revision of the current work plan under silence, its deadline a few days after the demo
# was first loaded, for the secretariat to watch it adopt.
SILENCE_AGREED = "Date and venue of the 2026 annual meeting"
SILENCE_RUNNING = "Revision of the Forward Work Plan 2024-2026"
SILENCE_NOTICE = datetime.timedelta(days=4)


def load_silence_procedures(groups: dict[str, WorkingGroup], secretariat) -> None:
    from workplans.models import WorkPlan

    tip = groups["wg-tip"]
    if tip is None or secretariat is None:
        return
    deadline = datetime.datetime(2025, 9, 12, 17, tzinfo=ZoneInfo("Asia/Bangkok"))
    ensure(
        SilenceProcedure,
        {"group": tip, "title": SILENCE_AGREED},
        subject=SilenceProcedure.Subject.TEXT,
        text="The co-chairs propose that the group hold its 2026 annual meeting in Bangkok "
        "in the week of 9 March 2026, back to back with the Regional Support Office's "
        "workshop on victim identification.",
        circulated_at=deadline - datetime.timedelta(days=7),
        circulated_by=secretariat,
        deadline=deadline,
        deadline_time_zone="Asia/Bangkok",
        status=SilenceProcedure.Status.ADOPTED,
        concluded_at=deadline,
    )
    existed, _ = find(SilenceProcedure, group=tip, title=SILENCE_RUNNING)
    plan = WorkPlan.objects.filter(group=tip, slug="2024-2026").first()
    if existed or plan is None or plan.status == WorkPlan.Status.SUPERSEDED:
        return
    if SilenceProcedure.objects.filter(
        work_plan=plan, status=SilenceProcedure.Status.UNDER_SILENCE
    ).exists():
        return  # someone circulated a revision of it already
    day = timezone.localdate() + SILENCE_NOTICE
    services.silence_procedure_circulate(
        tip,
        subject=SilenceProcedure.Subject.WORK_PLAN_REVISION,
        title=SILENCE_RUNNING,
        text="The co-chairs propose that the group adopt the Forward Work Plan 2024-2026, "
        "as updated after the last meeting with the progress of each action, as its next "
        "revision.",
        deadline=datetime.datetime.combine(day, datetime.time(17), ZoneInfo("Asia/Bangkok")),
        deadline_time_zone="Asia/Bangkok",
        by=secretariat,
        work_plan=plan,
    )
