"""Everything that changes a public statement: drafting, the Chatham House check, the
co-chairs' approval and publication.

A statement is approved as a report is: the co-chairs serving at submission become its
approvers, each decides on the exact content read (its hash), a decision stands only for
that content, and the statement is published once every approver approved the current
content. A co-chair who sends it back returns it to the secretariat, who edits it and
submits it again. A group may also adopt a statement by silence procedure, which
publishes it. A published statement never changes.
"""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from groups.models import Member
from groups.selectors import current_co_chair_terms
from portal import permissions
from portal.notifications.models import Notification
from portal.notifications.services import notify
from reports.models import PublicStatement, StatementApproval

EDITABLE = (PublicStatement.Status.DRAFT, PublicStatement.Status.SENT_BACK)


def statement_content_hash(statement: PublicStatement) -> str:
    """The SHA-256 of what a co-chair approves and the public reads: the title, the
    text and the meeting it is about."""
    from reports import assembly

    return assembly.content_hash(
        {"title": statement.title, "text": statement.text, "meeting": statement.meeting_id}
    )


def statement_url(statement: PublicStatement) -> str:
    """The statement's page in the portal (signed in)."""
    return reverse("statement_detail", args=[statement.group.slug, statement.pk])


def _locked(statement: PublicStatement) -> PublicStatement:
    return (
        PublicStatement.objects.select_for_update(of=("self",))
        .select_related("group", "meeting")
        .get(pk=statement.pk)
    )


# --- Drafting -------------------------------------------------------------------------


@transaction.atomic
def statement_save(
    statement: PublicStatement | None,
    *,
    group,
    by,
    title: str,
    text: str,
    meeting=None,
) -> PublicStatement:
    """Create a draft (``statement`` None) or save the secretariat's edit of one. Refused
    once submitted, until a co-chair sends it back, and for ever once published; a change
    withdraws every standing co-chair decision, which was on other content."""
    title, text = (title or "").strip(), (text or "").strip()
    errors = {}
    if not title:
        errors["title"] = "Give the statement a title."
    if not text:
        errors["text"] = "Write the statement's text."
    if meeting is not None and meeting.group_id != group.pk:
        errors["meeting"] = f"Choose a meeting of {group.short_name}."
    if errors:
        raise ValidationError(errors)
    if statement is None:
        statement = PublicStatement(group=group, created_by=by)
    else:
        statement = _locked(statement)
        if statement.group_id != group.pk:
            raise ValidationError("This statement is another group's.")
        if statement.is_published:
            raise ValidationError("A published statement can no longer be changed.")
        if statement.status not in EDITABLE:
            raise ValidationError(
                "The statement is with the co-chairs: it can be changed once one of them "
                "sends it back."
            )
        if (statement.title, statement.text, statement.meeting_id) == (
            title,
            text,
            getattr(meeting, "pk", None),
        ):
            return statement
    statement.title, statement.text, statement.meeting = title, text, meeting
    statement._history_user = by
    statement.save()
    _withdraw_standing(statement)
    return statement


def _withdraw_standing(statement: PublicStatement) -> None:
    """Decisions stand for the content they were given on: after a change, none stands
    (not even one on an earlier text the change happens to restore)."""
    now = timezone.now()
    for approval in statement.approvals.filter(withdrawn_at__isnull=True):
        approval.withdrawn_at = now
        approval.save(update_fields=["withdrawn_at"])


# --- The Chatham House check ------------------------------------------------------------


def _folded(text: str) -> str:
    """The text without accents, in one case, its white space as single spaces: how two
    spellings of one name compare."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def _names_at_meeting(meeting) -> list[str]:
    """Who the meeting's outputs must not attribute anything to: the speakers of its agenda
    items, the people invited or recorded as attending, and their affiliations."""
    from meetings.models import Attendance, Invitation, Speaker
    from portal.accounts.models import User

    names: list[str] = []
    members: set[int] = set()
    people: set[int] = set()
    for speaker in Speaker.objects.filter(item__meeting=meeting):
        names += [speaker.name, speaker.affiliation]
        if speaker.person_id:
            people.add(speaker.person_id)
    for invitation in Invitation.objects.filter(meeting=meeting).prefetch_related("delegates"):
        if invitation.member_id:
            members.add(invitation.member_id)
        if invitation.person_id:
            people.add(invitation.person_id)
        people.update(d.pk for d in invitation.delegates.all())
    for member_id, person_id in Attendance.objects.filter(meeting=meeting).values_list(
        "member", "person"
    ):
        members.add(member_id)
        if person_id:
            people.add(person_id)
    for person in User.objects.filter(pk__in=sorted(people)):
        names += [person.get_full_name(), person.last_name]
        if person.affiliation_id:
            members.add(person.affiliation_id)
    for name, short_name in Member.objects.filter(pk__in=sorted(members)).values_list(
        "name", "short_name"
    ):
        names += [name, short_name]
    return names


def statement_names_flagged(statement: PublicStatement) -> list[str]:
    """The names of speakers, participants and their affiliations that the statement's
    title or text mentions, when it is about a meeting under the Chatham House Rule (which
    lets no output attribute a statement to them); whole words, whatever the case or
    accents. Empty for any other statement."""
    meeting = statement.meeting
    if meeting is None or not meeting.chatham_house:
        return []
    written = _folded(f"{statement.title}\n{statement.text}")
    found: dict[str, str] = {}
    for name in _names_at_meeting(meeting):
        folded = _folded(name)
        # A single letter (an initial) would match too many words to be worth a warning.
        if len(folded) < 2 or folded in found:
            continue
        if re.search(rf"(?<!\w){re.escape(folded)}(?!\w)", written):
            found[folded] = " ".join(name.split())
    return sorted(found.values(), key=_folded)


# --- Submission and the co-chairs' decisions ---------------------------------------------


@transaction.atomic
def statement_submit(
    statement: PublicStatement, *, by, names_confirmed: bool = False
) -> PublicStatement:
    """Send a draft (or a statement sent back) to the co-chairs serving today, who become
    its approvers. A statement about a Chatham House meeting that names a speaker, a
    participant or an affiliation goes only once the secretariat confirmed the names may
    be published; the names confirmed are kept with who confirmed them."""
    statement = _locked(statement)
    if statement.status not in EDITABLE:
        raise ValidationError("Only a draft or a statement sent back can be submitted.")
    flagged = statement_names_flagged(statement)
    if flagged and not names_confirmed:
        raise ValidationError(
            {
                "names_confirmed": (
                    f"{statement.meeting.title} was held under the Chatham House Rule, and the "
                    f"statement names {', '.join(flagged)}. Remove the names, or confirm "
                    "that they may be published."
                )
            }
        )
    serving = current_co_chair_terms().filter(group=statement.group_id).values("member")
    approvers = list(Member.objects.filter(pk__in=serving))
    if not approvers:
        raise ValidationError("The group has no serving co-chair to approve the statement.")
    statement.names_confirmed = flagged
    statement.names_confirmed_by = by if flagged else None
    statement.status = PublicStatement.Status.SUBMITTED
    statement.submitted_at = timezone.now()
    statement._history_user = by
    statement.save()
    statement.approvers.set(approvers)
    notify(
        permissions.statement_recipients(statement),
        Notification.Kind.APPROVAL_REQUESTED,
        key=f"statement-submitted:{statement.pk}:{statement.submitted_at.isoformat()}",
        template="reports/email/statement_submitted",
        context={"statement": statement, "group": statement.group},
        link=statement_url(statement),
    )
    return statement


def statement_decide(
    statement: PublicStatement,
    *,
    by,
    decision: str,
    content_hash: str,
    comment: str = "",
) -> StatementApproval:
    """Record a co-chair's decision on the exact content read; sending it back returns it
    to the secretariat; the last approval needed publishes it."""
    with transaction.atomic():
        # The row lock makes two decisions arriving together wait for one another.
        statement = _locked(statement)
        member = permissions.statement_approver_member(by, statement)
        if member is None:
            raise ValidationError("Only the statement's co-chairs decide on it, while it waits.")
        standing = statement.approvals.filter(member=member, withdrawn_at__isnull=True)
        repeated = standing.filter(decision=decision, content_hash=content_hash).first()
        if repeated and decision == StatementApproval.Decision.APPROVED:
            return repeated  # the same approval sent twice changes nothing
        if decision not in StatementApproval.Decision.values:
            raise ValidationError({"decision": "Approve the statement or send it back."})
        current = statement_content_hash(statement)
        if content_hash != current:
            raise ValidationError(
                {"content_hash": "The statement changed since you read it: read it again."}
            )
        comment = (comment or "").strip()
        if decision == StatementApproval.Decision.SENT_BACK and not comment:
            raise ValidationError({"comment": "Say why you send the statement back."})
        now = timezone.now()
        for earlier in standing:
            earlier.withdrawn_at = now
            earlier.save(update_fields=["withdrawn_at"])
        approval = StatementApproval.objects.create(
            statement=statement,
            member=member,
            person=by,
            decision=decision,
            content_hash=content_hash,
            comment=comment,
        )
        if decision == StatementApproval.Decision.SENT_BACK:
            statement.status = PublicStatement.Status.SENT_BACK
            statement._history_user = by
            statement.save()
            _tell_secretariat(statement, approval, key=f"statement-sent-back:{approval.pk}")
        elif _all_approved(statement, current):
            _publish(statement, on=now, content_hash=current, by=by)
            _tell_secretariat(statement, approval, key=f"statement-published:{statement.pk}")
    return approval


def _all_approved(statement: PublicStatement, content_hash: str) -> bool:
    needed = set(statement.approvers.values_list("pk", flat=True))
    given = set(
        statement.approvals.filter(
            withdrawn_at__isnull=True,
            decision=StatementApproval.Decision.APPROVED,
            content_hash=content_hash,
        ).values_list("member", flat=True)
    )
    return bool(needed) and needed <= given


def _publish(statement: PublicStatement, *, on, content_hash: str, by=None) -> None:
    statement.status = PublicStatement.Status.PUBLISHED
    statement.published_at = on
    statement.approved_content_hash = content_hash
    statement._history_user = by
    statement.save()


def _tell_secretariat(statement: PublicStatement, approval: StatementApproval, *, key) -> None:
    notify(
        permissions.statement_decision_recipients(statement),
        Notification.Kind.APPROVAL_DECIDED,
        key=key,
        template="reports/email/statement_decided",
        context={"statement": statement, "group": statement.group, "approval": approval},
        link=statement_url(statement),
    )


@transaction.atomic
def statement_publish_by_silence(
    statement: PublicStatement, *, on: datetime.datetime, by=None
) -> PublicStatement:
    """Publish a statement the group adopted by silence procedure, as of `on` (the
    procedure's deadline); the hash kept is that of the content adopted. Publishing an
    already published statement changes nothing, so a procedure concluded twice does no
    harm."""
    statement = _locked(statement)
    if statement.is_published:
        return statement
    _publish(statement, on=on, content_hash=statement_content_hash(statement), by=by)
    return statement
