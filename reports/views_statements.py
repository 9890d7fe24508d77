"""The pages of a group's public statements: drafted by the secretariat, approved by the
co-chairs, read by anyone once published."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from portal import permissions
from portal.forms import SingleLineCharField, add_service_errors
from portal.text import COMMENT_MAX_LENGTH, LONG_TEXT_MAX_LENGTH
from reports import selectors, statements
from reports.models import PublicStatement, StatementApproval
from reports.narrative import render_markdown


class StatementForm(forms.Form):
    title = SingleLineCharField(max_length=300)
    text = forms.CharField(
        max_length=LONG_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Markdown. This is the text published on the group's public page.",
    )
    meeting = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="About the meeting",
        help_text="If the statement is about one of the group's meetings. For a meeting "
        "held under the Chatham House Rule, the portal warns of any speaker, participant or "
        "affiliation the statement names.",
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = group.meetings.order_by("-starts_at")


class SubmitForm(forms.Form):
    names_confirmed = forms.BooleanField(required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=StatementApproval.Decision.choices)
    content_hash = forms.CharField(max_length=64)
    comment = forms.CharField(required=False, max_length=COMMENT_MAX_LENGTH)


def _detail(statement: PublicStatement):
    return redirect("statement_detail", statement.group.slug, statement.pk)


@login_required
def statement_create(request, slug):
    group = permissions.get_group_for_user(request.user, slug, to_change=True)
    form = StatementForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            statement = statements.statement_save(
                None, group=group, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved the draft statement.")
            return _detail(statement)
    return render(
        request, "reports/statement_edit.html", {"form": form, "group": group, "statement": None}
    )


@login_required
def statement_edit(request, slug, statement_id):
    statement = permissions.get_statement_for_user(request.user, slug, statement_id, to_change=True)
    initial = {"title": statement.title, "text": statement.text, "meeting": statement.meeting}
    form = StatementForm(request.POST or None, initial=initial, group=statement.group)
    if request.method == "POST" and form.is_valid():
        try:
            statements.statement_save(
                statement, group=statement.group, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved the statement.")
            return _detail(statement)
    context = {"form": form, "group": statement.group, "statement": statement}
    return render(request, "reports/statement_edit.html", context)


@login_required
def statement_detail(request, slug, statement_id):
    statement = permissions.get_statement_for_user(request.user, slug, statement_id)
    content_hash = statements.statement_content_hash(statement)
    approver = permissions.statement_approver_member(request.user, statement)
    decided = approver and selectors.standing_statement_decision(statement, approver, content_hash)
    can_change = permissions.can_change_statement(request.user, statement)
    editable = can_change and statement.status in statements.EDITABLE
    approvals = statement.approvals.select_related("member", "person")
    context = {
        "statement": statement,
        "group": statement.group,
        "text": render_markdown(statement.text),
        "content_hash": content_hash,
        "approvals": selectors.approval_rows(
            approvals, content_hash, statement.approved_content_hash
        ),
        "approvers": list(statement.approvers.order_by("name")),
        "can_change": editable,
        "flagged": statements.statement_names_flagged(statement) if editable else [],
        # Offered only while this co-chair has no standing decision on this content.
        "approver": approver if not decided else None,
        "decided": decided,
    }
    return render(request, "reports/statement_detail.html", context)


@login_required
@require_POST
def statement_submit(request, slug, statement_id):
    statement = permissions.get_statement_for_user(request.user, slug, statement_id, to_change=True)
    form = SubmitForm(request.POST)
    form.is_valid()
    try:
        statements.statement_submit(
            statement,
            by=request.user,
            names_confirmed=form.cleaned_data.get("names_confirmed", False),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Submitted to the co-chairs for approval.")
    return _detail(statement)


@login_required
@require_POST
def statement_decide(request, slug, statement_id):
    statement = permissions.get_statement_for_user(request.user, slug, statement_id)
    if permissions.statement_approver_member(request.user, statement) is None:
        raise Http404("No such page")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        # The comment is the one field a co-chair types: its error (too long) says what to fix.
        messages.error(
            request,
            " ".join(form.errors.get("comment", ["Approve the statement or send it back."])),
        )
        return _detail(statement)
    try:
        approval = statements.statement_decide(statement, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if approval.decision == StatementApproval.Decision.SENT_BACK:
            messages.success(request, "You sent the statement back to the secretariat.")
        elif approval.statement.is_published:
            messages.success(request, "You approved the statement: it is now published.")
        else:
            messages.success(request, "You approved the statement.")
    return _detail(statement)


@require_safe
def statement_public(request, slug, statement_id):
    """A published statement, readable without signing in."""
    statement = permissions.get_public_statement(slug, statement_id)
    context = {
        "statement": statement,
        "group": statement.group,
        "text": render_markdown(statement.text),
    }
    return render(request, "reports/statement_public.html", context)
