"""Walks every URL pattern of the portal: nothing is reachable that should not be."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from groups import services as group_services
from meetings import agenda, calendar, papers
from meetings import pack as meeting_pack
from meetings.models import Invitation, MeetingPack, Outcome
from portal.notifications.models import Notification
from portal.notifications.services import notify
from reports import statements
from reports.models import RenderJob, Report
from tests.factories import (
    ActionFactory,
    CoChairTermFactory,
    MeetingFactory,
    MemberFactory,
    NominationFactory,
    SecretariatFactory,
    TermsOfReferenceFactory,
    WorkingGroupFactory,
    WorkPlanFactory,
    approved_outcome_record,
    participant,
)
from workplans import services as workplan_services
from workplans.models import Proposal

pytestmark = pytest.mark.django_db

# Pages anyone may open without signing in.
PUBLIC = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "healthz",
    # The container's liveness check: the process answers, nothing else is read.
    "livez",
    # A personal calendar feed: its secret token is the key, no sign-in.
    "calendar_feed",
    # A group's public page: only what it has made public (portal.permissions).
    "group_public",
    # A published statement and the Atom feeds of published statements.
    "statement_public",
    "group_statements_feed",
    "statements_feed",
}
# Pages that act only on POST.
POST_ONLY = {
    "logout",
    "nomination_close",
    "invitation_answer",
    "invitations_remind",
    "attendance_from_answers",
    "outcome_delete",
    "attendance_remove",
    "agenda_item_move",
    "agenda_item_delete",
    "speaker_remove",
    "agenda_publish",
    "meeting_pack_request",
    "action_update_post",
    "action_renumber",
    "action_discontinue",
    "action_list_selected",
    "work_plan_revision_adopt",
    "action_propose",
    "initiative_propose",
    "proposal_accept",
    "proposal_decline",
    "attachment_remove",
    "report_start",
    "report_submit",
    "report_decide",
    "report_mark",
    "report_render",
    "report_job_retry",
    "report_new_version",
    "outcome_record_start",
    "brief_points_redraft",
    "statement_submit",
    "statement_decide",
    "silence_break",
    "silence_procedure_withdraw",
    "notifications_read_all",
    "recovery_codes_new",
    "two_factor_off",
}
# The code page of the second factor: a session that has passed it goes on to the home page.
PASSED_ONLY_ONCE = {"two_factor_verify"}
# A person's own notification: opening it leads its owner to its page; 404 for anyone else.
OWN_ONLY = {"notification_open"}
# Pages a member opens only once the agenda is published (the agendas here are drafts).
PUBLISHED_AGENDA_ONLY = {"agenda_pdf", "meeting_pack_request", "meeting_pack", "meeting_pack_pdf"}
# Pages for those invited to the meeting or recorded at it (the list of participants that
# names the delegates): 404 for the group's other members; the public list is for them all.
ATTENDANCE_ONLY = {"participants_list", "participants_list_csv", "participants_list_pdf"}
# Breaking silence is for a member's focal point in the group: 404 for its experts.
FOCAL_POINT_ONLY = {"silence_break"}
# Pages where the secretariat changes a group or a meeting (or, for an invitation, the
# invited answer it; for a progress update, the members leading or funding the action post
# it): 404 for everyone else, even the group's members.
SECRETARIAT_ONLY = {
    # Reports: the secretariat drafts and renders; the co-chairs decide.
    "report_start",
    "report_edit",
    "report_submit",
    "report_decide",
    "report_mark",
    "report_render",
    "report_job_retry",
    "report_new_version",
    "outcome_record_start",
    "brief_points",
    "brief_points_redraft",
    # Public statements: the secretariat drafts; the co-chairs decide while one waits.
    "statement_create",
    "statement_edit",
    "statement_submit",
    "statement_decide",
    # Silence procedures: the secretariat circulates and withdraws for the co-chairs.
    "silence_procedure_create",
    "silence_procedure_withdraw",
    "agenda_edit",
    "agenda_item_edit",
    "agenda_item_move",
    "agenda_item_delete",
    "speaker_remove",
    "agenda_publish",
    "meeting_edit",
    "meeting_invitations",
    "invite_group",
    "invitations_remind",
    "attendance_from_answers",
    "meeting_outcomes",
    "attendance_remove",
    "document_create",
    "document_version_create",
    "outcome_delete",
    "invitation_answer",
    "term_create",
    "term_edit",
    "nomination_create",
    "nomination_decide",
    "nomination_close",
    "outcome_action",
    "action_update_post",
    "action_create",
    "action_edit",
    "action_renumber",
    "action_discontinue",
    "action_list_selected",
    "work_plan_import",
    "work_plan_revision_adopt",
    # A plan's own forms: the secretariat's, and its co-chairs' while it is a draft.
    "work_plan_create",
    "work_plan_edit",
    "work_plan_adopt",
    "work_plan_supersede",
    # Members propose; the secretariat and the group's co-chairs decide.
    "proposal_accept",
    "proposal_decline",
    # A plan's attachments: whoever reads the plan reads them; the secretariat keeps them.
    "attachment_create",
    "attachment_remove",
    # Who signed in and who saw restricted material: the secretariat's alone.
    "access_log",
}


def named_patterns(resolver=None, prefix=""):
    """(name, pattern) of every named URL outside the admin, which has its own gate."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            yield from named_patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry.name, prefix + str(entry.pattern)


@pytest.fixture
def world():
    """A visible group, a hidden group and a clearance group, each with everything inside."""
    objects = {}
    for key, clearance in [("own", False), ("other", False), ("cleared", True)]:
        group = WorkingGroupFactory(clearance_required=clearance)
        objects[key] = {
            "group": group,
            "tor": TermsOfReferenceFactory(group=group),
            "member": MemberFactory(),
            "term": CoChairTermFactory(group=group),
            "nomination": NominationFactory(group=group),
            "meeting": MeetingFactory(kind="working_group", group=group, body=""),
        }
        meeting = objects[key]["meeting"]
        objects[key]["invitation"] = Invitation.objects.create(
            meeting=meeting, member=MemberFactory()
        )
        objects[key]["outcome"] = Outcome.objects.create(meeting=meeting, number=1, text="Agreed.")
        objects[key]["plan"] = WorkPlanFactory(group=group)
        objects[key]["action"] = ActionFactory(plan=objects[key]["plan"], number=1)
        objects[key]["revision"] = workplan_services.revision_adopt(
            objects[key]["plan"], label="Adopted", adopted_on=datetime.date(2016, 5, 18)
        )
        objects[key]["item"] = agenda.item_add(meeting, title="Opening")
        objects[key]["speaker"] = agenda.speaker_add(objects[key]["item"], name="A speaker")
        objects[key]["report"] = report = Report.objects.create(
            group=group,
            kind=Report.Kind.ANNUAL,
            year=2016,
            status=Report.Status.APPROVED,
            approved_at=timezone.now(),
            approved_content_hash="0" * 64,
            approved_pdf=ContentFile(b"%PDF-1.4 approved", name="approved.pdf"),
        )
        # A draft brief, whose speaking points the secretariat edits.
        Report.objects.create(group=group, kind=Report.Kind.BRIEF, year=2016)
        objects[key]["job"] = RenderJob.objects.create(
            report=report,
            content_hash="0" * 64,
            status=RenderJob.Status.SUCCEEDED,
            pdf=ContentFile(b"%PDF-1.4 rendered", name="rendered.pdf"),
        )
        objects[key]["record"] = record = approved_outcome_record(
            meeting, approved_pdf=ContentFile(b"%PDF-1.4 approved", name="approved.pdf")
        )
        objects[key]["record_job"] = RenderJob.objects.create(
            report=record,
            content_hash="0" * 64,
            status=RenderJob.Status.SUCCEEDED,
            pdf=ContentFile(b"%PDF-1.4 rendered", name="rendered.pdf"),
        )
        objects[key]["feed"] = calendar.feed_create(proposer := participant(group))
        # As proposal_make leaves it (the walk's proposer holds no clearance to make one).
        objects[key]["proposal"] = Proposal.objects.create(
            plan=objects[key]["plan"],
            action=objects[key]["action"],
            member=proposer.affiliation,
            kind=Proposal.Kind.LEAD,
            proposed_by=proposer,
        )
        objects[key]["document"] = papers.document_add(
            meeting,
            title="Concept note",
            access="participants",
            upload=SimpleUploadedFile("Concept note.pdf", b"%PDF-1.4\n%%EOF\n"),
            uploaded_by=None,
        )
        objects[key]["attachment"] = workplan_services.attachment_add(
            objects[key]["plan"],
            label="Attachment A",
            title="Regional priorities",
            upload=SimpleUploadedFile("Priorities.pdf", b"%PDF-1.4\n%%EOF\n"),
            uploaded_by=None,
        )
        # A published statement, which the group's members read, and a draft to edit.
        objects[key]["statement"] = statements.statement_publish_by_silence(
            statements.statement_save(
                None, group=group, by=None, title="Statement", text="Agreed."
            ),
            on=timezone.now(),
        )
        objects[key]["draft_statement"] = statements.statement_save(
            None, group=group, by=None, title="Draft statement", text="Drafted."
        )
        # A text under silence, which the group's members read.
        objects[key]["silence"] = group_services.silence_procedure_circulate(
            group,
            subject="text",
            title="A text under silence",
            text="Agreed.",
            deadline=timezone.now() + datetime.timedelta(days=4),
            deadline_time_zone="Asia/Bangkok",
            by=SecretariatFactory(),
        )
        # Another person's notification, made as the services make them.
        (objects[key]["notification"],) = notify(
            [participant(group)],
            Notification.Kind.AGENDA,
            key=f"walk:{key}",
            template="meetings/email/agenda_published",
            context={"meeting": meeting},
            link=f"/meetings/{meeting.pk}/",
        )
        # Another person's meeting pack: nobody else ever opens it.
        objects[key]["pack"] = MeetingPack.objects.create(
            meeting=meeting, reader=participant(group), contents_hash="0" * 64
        )
    return objects


def kwargs_for(pattern: str, things: dict) -> dict:
    """URL arguments that point at the objects of one group."""
    values = {
        "slug": things["group"].slug,
        "version": things["tor"].version,
        "term_id": things["term"].pk,
        "meeting_id": things["meeting"].pk,
        "invitation_id": things["invitation"].pk,
        "outcome_id": things["outcome"].pk,
        "nomination_id": things["nomination"].pk,
        "feed_token": things["feed"].token,
        "document_id": things["document"].pk,
        "item_id": things["item"].pk,
        "speaker_id": things["speaker"].pk,
        "number": 1,
        "kind": "annual",
        "year": 2016,
        "job_id": things["job"].pk,
        "pack_id": things["pack"].pk,
        "group_slug": things["group"].slug,
        "plan_slug": things["plan"].slug,
        "revision": things["revision"].number,
        "proposal_id": things["proposal"].pk,
        "attachment_id": things["attachment"].pk,
        "statement_id": things["statement"].pk,
        "procedure_id": things["silence"].pk,
        "notification_id": things["notification"].pk,
        "uidb64": "MQ",
        "token": "set-password",
    }
    if pattern.startswith("members/"):
        values["slug"] = things["member"].slug
    if "/outcome-record/" in pattern:
        values["job_id"] = things["record_job"].pk
    if "/speaking-points/" in pattern:
        values["kind"] = "brief"
    if pattern.endswith("/statements/<int:statement_id>/edit/"):
        values["statement_id"] = things["draft_statement"].pk
    names = re.findall(r"<(?:\w+:)?(\w+)>", pattern)
    return {name: values[name] for name in names}


def test_every_pattern_is_known_to_this_walk():
    names = {name for name, _ in named_patterns()}
    assert "group_detail" in names and "member_list" in names
    # A new pattern must decide here whether it is public.
    assert names >= PUBLIC and names >= POST_ONLY


def test_anonymous_visitor_is_sent_to_sign_in_everywhere_but_public_pages(client, world):
    for name, pattern in named_patterns():
        url = reverse(name, kwargs=kwargs_for(pattern, world["own"]))
        response = client.post(url) if name in POST_ONLY else client.get(url)
        if name in PUBLIC:
            assert response.status_code in (200, 302), url
            if response.status_code == 302:
                assert not response.url.startswith(reverse("login")), url
            else:
                _assert_title_is_plain_text(response, url)
        else:
            assert response.status_code == 302, url
            assert response.url.startswith(reverse("login")), url


def test_group_pages_of_another_group_and_of_a_clearance_group_answer_404(client, world):
    person = participant(world["own"]["group"])
    participant(
        world["cleared"]["group"], member=person.affiliation, username="x-" + person.username
    )
    client.force_login(person)
    checked = 0
    for name, pattern in named_patterns():
        if not pattern.startswith(("groups/<", "meetings/<")):
            continue
        send = client.post if name in POST_ONLY else client.get
        own = send(reverse(name, kwargs=kwargs_for(pattern, world["own"])))
        hidden_from_member = (
            SECRETARIAT_ONLY | PUBLISHED_AGENDA_ONLY | ATTENDANCE_ONLY | FOCAL_POINT_ONLY
        )
        assert own.status_code == (404 if name in hidden_from_member else 200), name
        for hidden in ("other", "cleared"):
            url = reverse(name, kwargs=kwargs_for(pattern, world[hidden]))
            assert send(url).status_code == 404, url
        checked += 1
    assert checked >= 9


def test_secretariat_opens_every_signed_in_page(client, world):
    secretary = SecretariatFactory()
    client.force_login(secretary)
    # A meeting pack is only ever its reader's: the secretary's own, made as the job does.
    asked = meeting_pack.pack_request(world["cleared"]["meeting"], secretary)
    world["cleared"]["pack"] = meeting_pack.pack_run(asked.pk)
    # Another person's notification is theirs alone, even for the secretariat.
    url = reverse("notification_open", args=[world["cleared"]["notification"].pk])
    assert client.get(url).status_code == 404
    (world["cleared"]["notification"],) = notify(
        [secretary],
        Notification.Kind.AGENDA,
        key="walk:secretary",
        template="meetings/email/agenda_published",
        context={"meeting": world["cleared"]["meeting"]},
        link=reverse("meeting_detail", args=[world["cleared"]["meeting"].pk]),
    )
    for name, pattern in named_patterns():
        if name in PUBLIC | POST_ONLY:
            continue
        url = reverse(name, kwargs=kwargs_for(pattern, world["cleared"]))
        response = client.get(url)
        if name in OWN_ONLY:
            assert response.status_code == 302, url
            assert response.url == reverse("meeting_detail", args=[world["cleared"]["meeting"].pk])
            continue
        if name in PASSED_ONLY_ONCE:
            assert response.status_code == 302, url
            assert response.url == reverse("home")
            continue
        assert response.status_code == 200, url
        _assert_title_is_plain_text(response, url)


def _assert_title_is_plain_text(response, url):
    """A page's title is what a tab, a bookmark and a screen reader announce: words only."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert title is not None, url
    assert "<" not in title.group(1) and title.group(1).strip(), (url, title.group(1))


def test_back_office_is_for_the_secretariat_only(client, world):
    expert = participant(world["own"]["group"], is_staff=True)
    client.force_login(expert)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response.url
    client.force_login(SecretariatFactory())
    for url in [
        reverse("admin:index"),
        reverse("admin:groups_workinggroup_changelist"),
        reverse("admin:groups_workinggroup_history", args=[world["own"]["group"].pk]),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:meetings_meeting_changelist"),
    ]:
        assert client.get(url).status_code == 200, url


def test_back_office_lists_and_adds_every_model_for_the_secretariat(client, world, rf):
    from django.contrib import admin

    secretary = SecretariatFactory()
    client.force_login(secretary)
    request = rf.get("/")
    request.user = secretary
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        views = ["changelist"] + (["add"] if model_admin.has_add_permission(request) else [])
        for view in views:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}")
            assert client.get(url).status_code == 200, url


# The policy every page is served with: the portal's own files only, no inline code.
STRICT_POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}
# Pages a browser or proxy may keep a copy of (Cache-Control: public): none for now, so
# that a public page never outlives its withdrawal in someone's cache.
CACHEABLE = set()


def test_every_page_is_served_with_the_strict_headers(client, world):
    """As the secretariat and as a visitor: the policy, no caching of anything restricted."""
    client.force_login(SecretariatFactory())
    for name, pattern in named_patterns():
        url = reverse(name, kwargs=kwargs_for(pattern, world["cleared"]))
        _assert_strict_headers(client.get(url), url, cacheable=False)
    client.logout()
    for name, pattern in named_patterns():
        url = reverse(name, kwargs=kwargs_for(pattern, world["own"]))
        _assert_strict_headers(client.get(url), url, cacheable=name in CACHEABLE)


def _assert_strict_headers(response, url, *, cacheable):
    policy = response.get("Content-Security-Policy", "")
    directives = {
        part.split()[0]: set(part.split()[1:]) for part in policy.split(";") if part.strip()
    }
    for directive, sources in STRICT_POLICY.items():
        assert directives.get(directive) == sources, (url, directive, policy)
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, url
    features = response.get("Permissions-Policy", "")
    assert {"camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"} <= {
        feature.strip() for feature in features.split(",")
    }, (url, features)
    assert response.get("X-Content-Type-Options") == "nosniff", url
    assert response.get("Referrer-Policy") == "same-origin", url
    assert response.get("X-Frame-Options") == "DENY", url
    cache = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    if not cacheable:
        assert "no-store" in cache and "public" not in cache, (url, cache)
        assert response.get("Pragma") == "no-cache", url
