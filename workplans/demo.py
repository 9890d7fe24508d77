"""Demo work plans: WG-TIP's Forward Work Plan 2015-17 with its two revisions and its
Attachment A (the regional priorities), WG-TIP's 2024-2026 plan, and WG-DCN's first plan."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string

from groups.models import Member, WorkingGroup
from meetings.models import Meeting
from portal import pdf
from portal.accounts.models import User
from portal.demo import ensure, find
from workplans import services
from workplans.models import (
    Action,
    Attachment,
    Objective,
    Proposal,
    RegionalPriority,
    WorkPlan,
)

D = datetime.date
S = Action.Status
I = Action.Initiative  # noqa: E741

# Set at WG-TIP's first meeting, 25 March 2015, as Attachment A of the plan lists them.
PRIORITIES = [
    (
        "I",
        "Prevention of trafficking, including safe migration pathways and awareness-raising to "
        "build resilience amongst vulnerable groups and prevent re-victimisation, including the "
        "involvement of civil society and recruitment agencies, where appropriate",
    ),
    (
        "II",
        "Criminalisation of trafficking in persons consistent with international standards, "
        "including that it is separate from migrant smuggling, has extraterritorial application "
        "and applies to transnational and domestic contexts",
    ),
    (
        "III",
        "Improved identification of trafficking, including through the promotion and use of "
        "established indicators",
    ),
    (
        "IV",
        "Greater assistance for and protection of victims of trafficking, including access to "
        "appropriate and effective remedies (such as compensation) and the special role of "
        "victims as witnesses in criminal justice proceedings",
    ),
    (
        "V",
        "Effective international crime cooperation mechanisms to support prosecution of "
        "trafficking, such as ensuring extradition and mutual assistance apply to trafficking "
        "offences",
    ),
    (
        "VI",
        "Targeting the financial incentives for trafficking through strong anti-money laundering "
        "and proceeds of crime legislation and confiscation and seizure of proceeds of crime, as "
        "applicable",
    ),
    (
        "VII",
        "Focusing on specific forms of trafficking which are of particular concern for the "
        "region, including, but not limited to: labour trafficking, trafficking for the purposes "
        "of organ removal, forced marriages resulting in labour or sexual exploitation, and "
        "trafficking for sexual exploitation",
    ),
    (
        "VIII",
        "Strengthened national and regional data collection, sharing of information and "
        "evaluation related to trafficking in persons",
    ),
    (
        "IX",
        "Promoting the ratification and full implementation of relevant international "
        "instruments, such as the UN Convention against Transnational Organised Crime and its "
        "supplementing Protocol to Prevent, Suppress and Punish Trafficking in Persons",
    ),
]
# What earlier demo loads wrote, in short: a priority still reading so takes its full text
# (one a person has reworded keeps their words).
SHORT_PRIORITIES = {
    "I": "Prevention, including safe migration pathways and awareness-raising among vulnerable groups",
    "II": "Criminalisation of trafficking consistent with international standards, distinct from migrant smuggling",
    "III": "Better identification of trafficking, using established indicators",
    "IV": "Assistance for and protection of victims, including remedies and their role as witnesses",
    "V": "Effective international crime cooperation, such as extradition and mutual assistance",
    "VI": "Targeting the financial incentives through anti-money laundering and proceeds of crime laws",
    "VII": "Forms of trafficking of particular concern: labour, organ removal, forced marriage, sexual exploitation",
    "VIII": "National and regional data collection, information sharing and evaluation",
    "IX": "Ratification and implementation of UNTOC and its Trafficking in Persons Protocol",
}
BACKGROUND_2015_17 = (
    "The Working Group on Trafficking in Persons brings together experts on trafficking from "
    "Bali Process member countries and organisations, under the Ad Hoc Group. It promotes "
    "effective and coordinated approaches among members to prevent, investigate and "
    "prosecute trafficking and to protect and assist the people trafficked; members share "
    "their initiatives, the trends and issues they see, and find opportunities for "
    "cooperation and the capacity building they need.\n\n"
    "The Working Group was set up following the Fifth Bali Process Ministerial Conference of "
    "2 April 2013. Its Terms of Reference were endorsed at the Ad Hoc Group Senior Officials "
    "Meeting of 6 August 2014.\n\n"
    "It met for the first time on 25 March 2015 and agreed this Forward Work Plan, updated "
    "following its second meeting on 18 May 2016."
)
# What earlier demo loads wrote: a plan whose background still reads so takes the above.
SHORT_BACKGROUND_2015_17 = (
    "Agreed at the Working Group's first meeting on 25 March 2015 and updated following "
    "its second meeting on 18 May 2016."
)
ATTACHMENT_A = "Attachment A"
ATTACHMENT_A_TITLE = "Working Group on Trafficking in Persons – Regional Priorities"
ATTACHMENT_A_INTRO = (
    "At the first meeting of the Working Group on 25 March 2015, members identified the "
    "following priority issues for the region to assist in focusing capacity building efforts "
    "to combat trafficking in persons:"
)

# (number, description, 2016 status, 2016 note, target, initiative, priorities, strategy, leads)
ACTIONS_2016 = [
    (
        1,
        "Regularly share information and hold a dialogue on developments, issues and experience in implementing policy and legal responses to trafficking.",
        S.ONGOING,
        "Annual meetings held in 2015 and 2016; updates on developments and trends shared through newsletters to members by e-mail.",
        "",
        I.PARTNERSHIP,
        ["VIII"],
        True,
        [],
    ),
    (
        2,
        "Expand the promotion and use of the Bali Process Policy Guides by law and justice officials, through capacity-building training and other opportunities.",
        S.ONGOING,
        "The guides have been translated into 15 regional languages and launched in several member countries; members and the RSO delivered training linked to the guides in 2015/16, continuing in 2016/17.",
        "2016/17",
        I.CAPACITY_BUILDING,
        ["II", "III", "IV"],
        True,
        [],
    ),
    (
        3,
        "Recommend the Bali Process Policy Guides on Identification and Protection of Victims of Trafficking for adoption at the May 2015 AHG SOM.",
        S.COMPLETE,
        "The guides were endorsed at the May 2015 AHG SOM.",
        "2015",
        I.PUBLICATION,
        ["III", "IV"],
        False,
        [],
    ),
    (
        4,
        "Hold a regional symposium on labour trafficking to explore how far it affects Bali Process States and find avenues for cooperation on criminal justice responses.",
        S.COMPLETE,
        "The Regional Symposium on Labour Trafficking was held in March 2015: 117 participants, including from 35 member countries.",
        "2015",
        I.EVENT,
        ["VII"],
        False,
        [],
    ),
    (
        5,
        "Identify a list of priority trafficking issues for the region to focus capacity building, and hold a dialogue on thematic issues.",
        S.CONTINUING,
        "List of regional priorities at Attachment A.",
        "",
        I.RESEARCH,
        [],
        False,
        [],
    ),
    (
        6,
        "Hold a regional Following the Money Forum to strengthen members' anti-money laundering and asset recovery frameworks and disrupt the financial incentive for trafficking.",
        S.COMPLETE,
        "The Forum was held on 16-17 May 2016: 88 participants, including from 30 member countries.",
        "2016",
        I.EVENT,
        ["VI"],
        False,
        ["australia", "thailand"],
    ),
    (
        7,
        "Follow up the outcomes of the Following the Money Forum: analysis of business models, member country profiles, regional guidance, a regional training module and networks for information sharing.",
        S.FOR_ACTION,
        "Recommendations for future action are listed in the Forum's co-chairs' statement.",
        "2016/17",
        I.TRAINING,
        ["VI"],
        False,
        ["australia", "thailand"],
    ),
    (
        8,
        "Develop guidance tools, including indicators of trafficking for law and justice officials, complementing the Policy Guides.",
        S.FOR_ACTION,
        "Implementation of the updated Bali Process Strategy for Cooperation.",
        "2016/17",
        I.PUBLICATION,
        ["III"],
        True,
        [],
    ),
    (
        9,
        "Promote engagement with the private sector and NGOs to prevent trafficking and protect victims, including support for the proposed Bali Process Business Dialogue.",
        S.CONTINUING,
        "Dialogue with the private sector and NGOs began at the second meeting on 18 May 2016.",
        "2016/17",
        I.PARTNERSHIP,
        ["I"],
        True,
        [],
    ),
    (
        10,
        "Oversee the RSO in developing a Regional Strategic Roadmap on implementing international standards and good practice against trafficking.",
        S.FOR_ACTION,
        "Implementation of the updated Bali Process Strategy for Cooperation.",
        "2016/17",
        I.RESEARCH,
        ["IX"],
        True,
        [],
    ),
]

# The plan agreed at the first meeting: six actions, before the Forum and the Strategy update.
ACTIONS_2015 = {
    1: (S.FOR_ACTION, "Annual meeting and regular updates to members."),
    2: (S.FOR_ACTION, "Members and the RSO to deliver training linked to the guides."),
    3: (S.FOR_ACTION, "For the May 2015 AHG SOM."),
    4: (S.FOR_ACTION, "Planned for March 2015."),
    5: (S.FOR_ACTION, "To be agreed at the first meeting."),
    6: (S.FOR_ACTION, "Planned for 2016."),
}

FOCUS_AREAS_2024 = [
    "Enhancing information sharing on trafficking trends and related issues.",
    "Supporting the development and implementation of robust legal and policy frameworks.",
    "Fostering practical cross-border cooperation.",
    "Strengthening collaboration with multilateral and regional organisations addressing trafficking.",
    "Expanding engagement with the private sector and civil society, including through the Bali Process Government and Business Forum.",
]


def load_work_plans(
    groups: dict[str, WorkingGroup],
    members: dict[str, Member],
    meetings: dict[str, Meeting],
    author,
) -> None:
    tip, dcn = groups["wg-tip"], groups["wg-dcn"]
    priorities = {}
    for order, (numeral, text) in enumerate(PRIORITIES, start=1):
        priorities[numeral] = priority = ensure(
            RegionalPriority, {"group": tip, "numeral": numeral}, order=order, text=text
        )
        if priority is not None and priority.text == SHORT_PRIORITIES[numeral]:
            priority.text = text
            priority.save()

    existed, plan = find(WorkPlan, group=tip, slug="2015-17")
    if not existed:
        plan = _plan_2015_17(tip, priorities, members, meetings, author)
    if plan is not None:
        if plan.background == SHORT_BACKGROUND_2015_17:
            plan.background = BACKGROUND_2015_17
            plan.save()
        _attachment_a(plan, author)

    existed, current = find(WorkPlan, group=tip, slug="2024-2026")
    if not existed:
        current = WorkPlan.objects.create(
            group=tip,
            slug="2024-2026",
            title="Forward Work Plan 2024-2026",
            period="2024-2026",
            background=(
                "Builds on the 2022 two-year plan, in line with the 2023 Adelaide Strategy for "
                "Cooperation and the Terms of Reference. A living document, adjusted as "
                "priorities emerge."
            ),
            status=WorkPlan.Status.ADOPTED,
        )
    if current is not None:
        _plan_2024_2026(current, members, author)
        _proposals_2024_2026(current, members)

    existed, first = find(WorkPlan, group=dcn, slug="2014-16")
    if not existed:
        first = WorkPlan.objects.create(
            group=dcn,
            slug="2014-16",
            title="First Forward Work Plan",
            period="2014-16",
            background="Developed at the initial Roundtable in Bangkok on 24 September 2014.",
            adopted_at=meetings["dcn-roundtable-2014"],
            status=WorkPlan.Status.ADOPTED,
        )
    if first is not None:
        _plan_dcn_2014_16(first, meetings, author)


def _plan_2024_2026(current, members, author):
    for number, text in enumerate(FOCUS_AREAS_2024, start=1):
        ensure(Objective, {"plan": current, "number": number}, text=text)
    for number, (description, status, target, initiative, focus, leads) in enumerate(
        [
            (
                "Share information on trafficking trends at each annual meeting.",
                S.ONGOING,
                "2024-2026",
                I.PARTNERSHIP,
                1,
                ["indonesia"],
            ),
            (
                "Support members in reviewing trafficking legislation against international standards.",
                S.FOR_ACTION,
                "2025/26",
                I.CAPACITY_BUILDING,
                2,
                ["australia"],
            ),
            (
                "Engage the private sector through the Bali Process Government and Business Forum.",
                S.CONTINUING,
                "2024-2026",
                I.PARTNERSHIP,
                5,
                ["thailand"],
            ),
        ],
        start=1,
    ):
        ensure(
            Action,
            {"plan": current, "number": number},
            description=description,
            status=status,
            target_period=target,
            initiative=initiative,
            many={
                "objectives": current.objectives.filter(number=focus),
                "lead_members": [members[m] for m in leads],
            },
        )
    # Adopted once; later revisions are the secretariat's.
    if not current.revisions.exists():
        services.revision_adopt(
            current,
            label="Adopted by the Working Group",
            adopted_on=D(2024, 6, 1),
            adopted_by=author,
        )


def _proposals_2024_2026(current, members):
    """Indonesia's offer to fund action 2, awaiting the secretariat and the co-chairs."""
    action = current.actions.filter(number=2).first()
    if action is None:
        return
    _, proposer = find(User, username="cochair.id")
    ensure(
        Proposal,
        {"plan": current, "action": action, "member": members["indonesia"], "kind": "funder"},
        description="Indonesia would fund a regional workshop on reviewing legislation.",
        proposed_by=proposer,
    )


def _plan_dcn_2014_16(first, meetings, author):
    for number, (description, initiative) in enumerate(
        [
            (
                "Catalogue and map regional networks involved in people smuggling and trafficking.",
                I.RESEARCH,
            ),
            ("Run scenario-driven table-top exercises on investigations.", I.TRAINING),
            ("Issue regional alerts on transnational networks.", I.PUBLICATION),
        ],
        start=1,
    ):
        ensure(
            Action,
            {"plan": first, "number": number},
            description=description,
            initiative=initiative,
            status=S.FOR_ACTION,
            target_period="2015",
        )
    if not first.revisions.exists():
        services.revision_adopt(
            first,
            label="Agreed at the initial Roundtable",
            adopted_on=D(2014, 9, 24),
            adopted_at=meetings["dcn-roundtable-2014"],
            adopted_by=author,
        )


def _plan_2015_17(tip, priorities, members, meetings, author):
    """The plan and its two adopted revisions, written in one go: its history is the demo's."""
    plan = WorkPlan.objects.create(
        group=tip,
        slug="2015-17",
        title="Forward Work Plan 2015-17",
        period="2015-17",
        background=BACKGROUND_2015_17,
        adopted_at=meetings["tip-first-2015"],
    )
    plan.priorities.set([p for p in priorities.values() if p is not None])
    _first_revision(plan, priorities, members, meetings, author)
    _second_revision(plan, priorities, members, meetings, author)
    plan.status = WorkPlan.Status.SUPERSEDED
    plan.save()
    return plan


def _attachment_a(plan, author):
    """The list of regional priorities, as the plan's Attachment A, for action 5: made once
    (a person who removed it has removed it)."""
    existed, _ = find(Attachment, plan=plan, label=ATTACHMENT_A)
    if existed:
        return
    html = render_to_string(
        "workplans/demo_attachment_a.html",
        {
            "plan": plan,
            "label": ATTACHMENT_A,
            "title": ATTACHMENT_A_TITLE,
            "intro": ATTACHMENT_A_INTRO,
            "priorities": PRIORITIES,
        },
    )
    upload = SimpleUploadedFile(
        "Attachment A - Regional Priorities.pdf", pdf.html_to_pdf(html), "application/pdf"
    )
    services.attachment_add(
        plan,
        label=ATTACHMENT_A,
        title=ATTACHMENT_A_TITLE,
        upload=upload,
        uploaded_by=author,
        action=plan.actions.filter(number=5).first(),
    )


def _action(
    plan,
    number,
    priorities,
    members,
    description,
    status,
    note,
    target,
    initiative,
    prios,
    strategy,
    leads,
):
    # Only while the plan is being built: these are rows this very run created.
    action, _ = Action.objects.update_or_create(
        plan=plan,
        number=number,
        defaults={
            "description": description,
            "status": status,
            "status_note": note,
            "target_period": target,
            "initiative": initiative,
            "in_bali_process_strategy": strategy,
        },
    )
    action.priorities.set([priorities[p] for p in prios])
    action.lead_members.set([members[m] for m in leads])
    return action


def _first_revision(plan, priorities, members, meetings, author):
    for number, description, _, _, target, initiative, prios, _, leads in ACTIONS_2016:
        if number in ACTIONS_2015:
            status, note = ACTIONS_2015[number]
            _action(
                plan,
                number,
                priorities,
                members,
                description,
                status,
                note,
                target,
                initiative,
                prios,
                False,
                leads,
            )
    services.revision_adopt(
        plan,
        label="Agreed at the first meeting, 25 March 2015",
        adopted_on=D(2015, 3, 25),
        adopted_at=meetings["tip-first-2015"],
        adopted_by=author,
    )


def _second_revision(plan, priorities, members, meetings, author):
    for (
        number,
        description,
        status,
        note,
        target,
        initiative,
        prios,
        strategy,
        leads,
    ) in ACTIONS_2016:
        _action(
            plan,
            number,
            priorities,
            members,
            description,
            status,
            note,
            target,
            initiative,
            prios,
            strategy,
            leads,
        )
    forum = meetings["tip-forum-2016"]
    plan.actions.get(number=6).delivered_at.set([forum])
    plan.actions.get(number=4).delivered_at.set([meetings["tip-symposium-2015"]])
    seven = plan.actions.get(number=7)
    seven.from_outcome = forum.outcomes.get(number=2)
    seven.save()
    for outcome_number, reported_on in [(3, D(2016, 5, 17)), (4, D(2016, 5, 17))]:
        outcome = forum.outcomes.get(number=outcome_number)
        services.update_post(
            seven,
            text=outcome.text,
            author=author,
            reported_on=reported_on,
            from_outcome=outcome,
        )
    services.revision_adopt(
        plan,
        label="Updated following the second meeting, 18 May 2016",
        adopted_on=D(2016, 5, 18),
        adopted_at=meetings["tip-second-2016"],
        adopted_by=author,
    )
