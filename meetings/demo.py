"""Demo meetings from the source documents, with plausible agendas and outcomes."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from groups.models import Member, WorkingGroup
from meetings import papers
from meetings.models import AgendaItem, Attendance, Document, Invitation, Meeting, Outcome
from portal.demo import ensure, find, local

D = datetime.date
COUNTRIES = {"Indonesia": "ID", "Thailand": "TH", "India": "IN", "New Zealand": "NZ"}
HELD, PLANNED = Meeting.Status.HELD, Meeting.Status.PLANNED
AGREED, RECOMMENDATION = Outcome.Kind.AGREED, Outcome.Kind.RECOMMENDATION


def _meeting(title, kind, day, zone, place, *, group=None, body="", last_day=None, **extra):
    city, _, country = place.partition(", ")
    status = HELD if day < D(2026, 11, 1) else PLANNED
    values = {
        "kind": kind,
        "group": group,
        "body": body,
        "starts_at": local(day, 9, zone),
        "ends_at": local(last_day or day, 17, zone),
        "time_zone": zone,
        "city": city,
        "country": COUNTRIES.get(country, ""),
        "status": status,
        "chatham_house": group.chatham_house_default if group else False,
        "agenda_published_at": local(day, 8, zone) - datetime.timedelta(days=14)
        if status == HELD
        else None,
    }
    # Known by the title it was created with: renamed since, it is found through its history.
    return ensure(Meeting, {"title": title}, **(values | extra))


def _agenda(meeting, items):
    """The demo's agenda items, known by the position each was created at."""
    if meeting is None:
        return
    for position, (title, minutes) in enumerate(items, start=1):
        ensure(
            AgendaItem,
            {"meeting": meeting, "position": position},
            title=title,
            duration_minutes=minutes,
        )


def _outcomes(meeting, outcomes):
    if meeting is None:
        return
    for number, (kind, text) in enumerate(outcomes, start=1):
        ensure(Outcome, {"meeting": meeting, "number": number}, kind=kind, text=text)


OPENING = ("Opening and welcome by the co-chairs", 30)


def load_meetings(groups: dict[str, WorkingGroup]) -> dict[str, Meeting]:
    tip, dcn = groups["wg-tip"], groups["wg-dcn"]
    ahg = Meeting.Body.AD_HOC_GROUP
    m = {}
    m["som-2012"] = _meeting(
        "Sixth Ad Hoc Group Senior Officials Meeting",
        Meeting.Kind.SOM,
        D(2012, 6, 1),
        "Asia/Makassar",
        "Bali, Indonesia",
        body=ahg,
        objectives=(
            "Reflect on progress since the Fifth SOM (Sydney, 12 October 2011) and take "
            "forward the Regional Cooperation Framework through a Regional Support Office."
        ),
    )
    _agenda(
        m["som-2012"],
        [
            OPENING,
            ("Progress since the Fifth Senior Officials Meeting", 60),
            (
                "Establishing the Regional Support Office: recommendations of the RSO Working Group",
                90,
            ),
            ("Trafficking in persons: cooperation among members", 60),
            ("Membership: invitation to the United Arab Emirates", 30),
            ("Tenth anniversary of the Bali Process and close", 30),
        ],
    )
    _outcomes(
        m["som-2012"],
        [
            (
                AGREED,
                "Continue progress on establishing RILON through States' internal mechanisms.",
            ),
            (AGREED, "Malaysia to host a Technical Experts Working Group on Irregular Movements."),
            (
                AGREED,
                "Thailand to host a workshop on the integrity of visa processes for foreign mission staff.",
            ),
            (
                AGREED,
                "Include in the AHG work plan a workshop on ratifying and implementing UNTOC.",
            ),
            (
                AGREED,
                "Maintain progress on a Regional Support Office in Bangkok to put the Regional Cooperation Framework into practice.",
            ),
            (
                AGREED,
                "Endorse the Steering Group's recommendation to invite the United Arab Emirates to join the Bali Process and the Ad Hoc Group.",
            ),
            (AGREED, "Commemorate the tenth anniversary of the Bali Process in 2012."),
        ],
    )
    for title, day, last, place in [
        (
            "AHG Immigration Intelligence Best Practice Workshop",
            D(2012, 2, 7),
            D(2012, 2, 10),
            "Auckland, New Zealand",
        ),
        (
            "AHG Workshop on Biometrics for Identity Integrity in Immigration",
            D(2012, 4, 23),
            D(2012, 4, 26),
            "New Delhi, India",
        ),
        (
            "AHG Workshop on Visa Integrity for Foreign Mission Staff",
            D(2012, 7, 23),
            D(2012, 7, 26),
            "Bangkok, Thailand",
        ),
    ]:
        key = f"workshop-{day:%Y-%m}"
        zone = {"Auckland": "Pacific/Auckland", "New Delhi": "Asia/Kolkata"}.get(
            place.split(",")[0], "Asia/Bangkok"
        )
        m[key] = _meeting(title, Meeting.Kind.WORKSHOP, day, zone, place, body=ahg, last_day=last)
        _agenda(
            m[key],
            [
                OPENING,
                ("Country presentations", 120),
                ("Practical exercises", 180),
                ("Conclusions", 45),
            ],
        )
    m["som-2014"] = _meeting(
        "Eighth Ad Hoc Group Senior Officials Meeting",
        Meeting.Kind.SOM,
        D(2014, 8, 6),
        "Asia/Bangkok",
        "",
        body=ahg,
    )
    _agenda(
        m["som-2014"],
        [
            OPENING,
            ("Draft Bali Process Strategy for Cooperation", 60),
            ("Terms of Reference of the Working Group on Trafficking in Persons", 45),
            (
                "Proposal of New Zealand and Sri Lanka: a Working Group on Disruption of Criminal Networks",
                45,
            ),
            ("Co-chairs of the working groups", 30),
        ],
    )
    _outcomes(
        m["som-2014"],
        [
            (
                AGREED,
                "Endorsed the Terms of Reference of the Working Group on Trafficking in Persons, with Australia and Indonesia as its first co-chairs.",
            ),
            (
                AGREED,
                "Endorsed the Terms of Reference of the Working Group on Disruption of Criminal Networks, co-chaired by New Zealand and Sri Lanka for its first term.",
            ),
        ],
    )
    m["dcn-roundtable-2014"] = _meeting(
        "WG-DCN initial Roundtable",
        Meeting.Kind.ROUNDTABLE,
        D(2014, 9, 24),
        "Asia/Bangkok",
        "Bangkok, Thailand",
        group=dcn,
        objectives="Develop the forward work plan of the Working Group.",
    )
    _agenda(
        m["dcn-roundtable-2014"],
        [
            OPENING,
            ("Regional networks: routes and methods", 90),
            ("Information sharing among agencies", 90),
            ("A first forward work plan", 90),
        ],
    )
    _outcomes(
        m["dcn-roundtable-2014"],
        [(AGREED, "Participants agreed to develop a forward work plan for the Working Group.")],
    )
    m["tip-symposium-2015"] = _meeting(
        "Regional Symposium on Labour Trafficking",
        Meeting.Kind.SYMPOSIUM,
        D(2015, 3, 24),
        "Asia/Bangkok",
        "Bangkok, Thailand",
        group=tip,
        participants_total=117,
        member_countries_total=35,
        objectives="Explore how far labour trafficking affects Bali Process States and find avenues for cooperation on criminal justice responses.",
    )
    _agenda(
        m["tip-symposium-2015"],
        [
            OPENING,
            ("Labour trafficking in the region: the evidence", 90),
            ("Criminal justice responses", 120),
            ("Working with industry and recruitment agencies", 90),
            ("Avenues for cooperation", 60),
        ],
    )
    _outcomes(
        m["tip-symposium-2015"],
        [
            (
                RECOMMENDATION,
                "Strengthen criminal justice responses to labour trafficking through regional cooperation.",
            )
        ],
    )
    m["tip-first-2015"] = _meeting(
        "First meeting of WG-TIP",
        Meeting.Kind.WORKING_GROUP,
        D(2015, 3, 25),
        "Asia/Bangkok",
        "Bangkok, Thailand",
        group=tip,
        back_to_back_with=m["tip-symposium-2015"],
    )
    _agenda(
        m["tip-first-2015"],
        [
            OPENING,
            ("Terms of Reference and ways of working", 45),
            ("Regional priorities for capacity building", 90),
            ("Forward Work Plan 2015-17", 90),
        ],
    )
    _outcomes(
        m["tip-first-2015"],
        [
            (AGREED, "Members agreed the Forward Work Plan 2015-17."),
            (
                AGREED,
                "Members identified nine regional priorities (I to IX) to focus capacity-building efforts.",
            ),
            (
                AGREED,
                "Recommend the Bali Process Policy Guides on Identification and Protection of Victims of Trafficking for adoption at the May 2015 AHG SOM.",
            ),
        ],
    )
    m["tip-forum-2016"] = _meeting(
        "Bali Process Following the Money Forum",
        Meeting.Kind.FORUM,
        D(2016, 5, 16),
        "Asia/Bangkok",
        "Bangkok, Thailand",
        group=tip,
        last_day=D(2016, 5, 17),
        participants_total=88,
        member_countries_total=30,
        organisations_total=5,
        objectives="Use anti-money laundering and asset recovery tools to disrupt the illicit profits of trafficking networks.",
    )
    _agenda(
        m["tip-forum-2016"],
        [
            OPENING,
            ("Case studies: tracing the proceeds of trafficking", 120),
            ("Anti-money laundering and asset recovery frameworks", 120),
            ("International crime cooperation", 90),
            ("Recommendations for future action", 60),
        ],
    )
    _outcomes(
        m["tip-forum-2016"],
        [
            (
                RECOMMENDATION,
                "Disrupting the financial incentive for trafficking matters: members need strong anti-money laundering and asset recovery frameworks.",
            ),
            (
                RECOMMENDATION,
                "Analyse the business models used to launder the proceeds of trafficking, and compile data on members' capability to disrupt illicit profits.",
            ),
            (
                RECOMMENDATION,
                "Develop regional guidance on criminalising money laundering and the proceeds of crime and its nexus with trafficking.",
            ),
            (
                RECOMMENDATION,
                "Develop a regional training module on disrupting the financial incentives for trafficking.",
            ),
            (
                RECOMMENDATION,
                "Encourage participation in ARIN-AP, the Regional Asset Forfeiture Conference and ARLEMP training.",
            ),
            (
                RECOMMENDATION,
                "Encourage WG-DCN to use follow-the-money techniques against criminal networks.",
            ),
        ],
    )
    m["tip-second-2016"] = _meeting(
        "Second meeting of WG-TIP",
        Meeting.Kind.WORKING_GROUP,
        D(2016, 5, 18),
        "Asia/Bangkok",
        "Bangkok, Thailand",
        group=tip,
        back_to_back_with=m["tip-forum-2016"],
    )
    _agenda(
        m["tip-second-2016"],
        [
            OPENING,
            ("Progress on the Forward Work Plan", 90),
            ("Dialogue with the private sector and NGOs", 90),
            ("Updating the Forward Work Plan", 60),
        ],
    )
    _outcomes(
        m["tip-second-2016"],
        [
            (AGREED, "Members updated the Forward Work Plan 2015-17."),
            (AGREED, "Members began a dialogue with the private sector and NGOs."),
            (
                AGREED,
                "Members agreed that Australia and Indonesia continue to co-chair the Working Group.",
            ),
        ],
    )
    # Not in the source documents: a recent annual meeting at which nominations for the
    # next co-chair rotation were invited, and the next one, still being prepared.
    m["tip-annual-2026"] = _meeting(
        "WG-TIP annual meeting 2026",
        Meeting.Kind.WORKING_GROUP,
        D(2026, 9, 16),
        "Asia/Bangkok",
        "Bangkok, Thailand",
        group=tip,
    )
    _agenda(
        m["tip-annual-2026"],
        [OPENING, ("Forward Work Plan 2024-2026: progress", 90), ("Nominations for co-chair", 30)],
    )
    _outcomes(
        m["tip-annual-2026"],
        [
            (AGREED, "Members took note of progress on the Forward Work Plan 2024-2026."),
            (
                AGREED,
                "Members invited nominations for seat 1 of the co-chairs, which Australia "
                "holds until 5 August 2027.",
            ),
            (
                RECOMMENDATION,
                "The co-chairs recommend that the next Forward Work Plan be drafted for "
                "discussion at the annual meeting in 2027.",
            ),
        ],
    )
    m["tip-annual-2027"] = _meeting(
        "WG-TIP annual meeting 2027",
        Meeting.Kind.WORKING_GROUP,
        D(2027, 3, 17),
        "Asia/Bangkok",
        "Bangkok, Thailand",
        group=tip,
        objectives="Review the Forward Work Plan 2024-2026 and prepare its successor.",
    )
    _agenda(
        m["tip-annual-2027"],
        [
            OPENING,
            ("Trends in trafficking in the region", 60),
            ("Forward Work Plan 2024-2026: final review", 90),
            ("Towards the next Forward Work Plan", 90),
        ],
    )
    return m


SOM_2012_ATTENDANCE = [
    "afghanistan",
    "australia",
    "bangladesh",
    "indonesia",
    "malaysia",
    "maldives",
    "myanmar",
    "new-zealand",
    "pakistan",
    "philippines",
    "sri-lanka",
    "thailand",
    "viet-nam",
    "unhcr",
    "iom",
]
SOM_2012_OBSERVERS = ["canada", "unodc"]
# WG-TIP's second meeting, back to back with the Forum: the members that took part, as
# the demo records them (the seeds give the Forum's counts, not this meeting's list).
TIP_SECOND_2016_ATTENDANCE = [
    "australia",
    "indonesia",
    "malaysia",
    "new-zealand",
    "philippines",
    "sri-lanka",
    "thailand",
    "viet-nam",
    "iom",
    "unhcr",
]


def load_participation(meetings: dict[str, Meeting], members: dict[str, Member]) -> None:
    """Who attended the Sixth SOM and WG-TIP's second meeting, and who is invited to
    WG-TIP's next meeting."""
    som = meetings["som-2012"]
    for slug in SOM_2012_ATTENDANCE + SOM_2012_OBSERVERS if som else []:
        ensure(
            Attendance,
            {"meeting": som, "member": members[slug], "person": None},
            as_observer=slug in SOM_2012_OBSERVERS,
        )
    second = meetings["tip-second-2016"]
    for slug in TIP_SECOND_2016_ATTENDANCE if second else []:
        ensure(Attendance, {"meeting": second, "member": members[slug], "person": None})
    # Canada, a Bali Process observer, took part in the 2026 annual meeting as one.
    annual = meetings["tip-annual-2026"]
    if annual:
        ensure(
            Invitation,
            {"meeting": annual, "member": members["canada"], "person": None},
            as_observer=True,
            response=Invitation.Response.ACCEPTED,
        )
    upcoming = meetings["tip-annual-2027"]
    for slug in ["australia", "indonesia", "thailand", "sri-lanka", "canada"] if upcoming else []:
        ensure(
            Invitation,
            {"meeting": upcoming, "member": members[slug], "person": None},
            as_observer=members[slug].is_observer,
        )


def load_personal_invitations(meetings: dict[str, Meeting]) -> None:
    """Thailand has no focal point in WG-TIP: its expert is invited by name to the next
    meeting, and answers for himself."""
    from portal.accounts.models import User

    upcoming = meetings["tip-annual-2027"]
    existed, expert = find(User, username="expert.th")
    if upcoming and expert:
        ensure(Invitation, {"meeting": upcoming, "member": None, "person": expert})


FORUM_STATEMENT = """Bali Process: Following the Money Forum, Bangkok, 16-17 May 2016
Co-chairs' statement (summary)

The Office of the Attorney-General of Thailand and the Australian Attorney-General's
Department co-hosted the Forum, an event of the Working Group on Trafficking in Persons.
88 participants attended, from 30 Bali Process member countries and 5 international
organisations.

The co-chairs' recommendations for future action are recorded as the Forum's outcomes.
"""


# Papers of the 2026 annual meeting, by agenda position: one public, one for participants,
# so that a member's meeting pack holds both and an observer's the public one only.
ANNUAL_2026_PAPERS = [
    (
        1,
        "Concept note",
        Document.Access.PUBLIC,
        """<h1>WG-TIP annual meeting 2026: concept note</h1>
<p>The annual meeting of the Working Group on Trafficking in Persons takes stock of the
Forward Work Plan 2024-2026 in its last year and invites nominations for the next co-chair
rotation.</p>
<h2>Objectives</h2>
<ul><li>Review progress on each action of the Forward Work Plan 2024-2026.</li>
<li>Agree how the next Forward Work Plan will be drafted.</li>
<li>Invite nominations for seat 1 of the co-chairs.</li></ul>""",
    ),
    (
        2,
        "Progress on the Forward Work Plan 2024-2026",
        Document.Access.PARTICIPANTS,
        """<h1>Forward Work Plan 2024-2026: progress by action</h1>
<p>Prepared by the Regional Support Office for the working group's members.</p>
<p>Most actions are ongoing. Members leading actions are invited to update their
progress in the portal before the meeting, so that the annual report shows the status
of each action as it stood at the end of the year.</p>""",
    ),
]


def _paper_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<html lang='en'><body>{html}</body></html>").write_pdf()


def load_papers(meetings: dict[str, Meeting], author) -> None:
    """The Forum's statement as a paper every participant may read, and the papers of the
    2026 annual meeting."""
    annual = meetings["tip-annual-2026"]
    for position, title, access, html in ANNUAL_2026_PAPERS if annual else []:
        existed, _ = find(Document, meeting=annual, title=title)
        if existed:
            continue
        papers.document_add(
            annual,
            title=title,
            access=access,
            upload=SimpleUploadedFile(
                f"{title.lower().replace(' ', '-')}.pdf", _paper_pdf(html), "application/pdf"
            ),
            uploaded_by=author,
            agenda_item=annual.agenda_items.filter(position=position).first(),
        )
    forum = meetings["tip-forum-2016"]
    title = "Co-chairs' statement"
    existed, _ = find(Document, meeting=forum, title=title)
    if existed or forum is None:
        return
    papers.document_add(
        forum,
        title=title,
        access=Document.Access.PARTICIPANTS,
        upload=SimpleUploadedFile(
            "co-chairs-statement.txt", FORUM_STATEMENT.encode(), content_type="text/plain"
        ),
        uploaded_by=author,
    )
