"""Pages of the decisions a group takes between meetings by silence procedure."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from groups import forms, selectors, services, silence
from groups.models import Member, SilenceProcedure
from portal import permissions
from portal.forms import add_service_errors


def _prefill(form: forms.SilenceProcedureForm, group, query) -> dict:
    """The subject, title and text taken from the object named in the address, if any."""
    for name, subject in [
        ("work_plan", SilenceProcedure.Subject.WORK_PLAN_REVISION),
        ("statement", SilenceProcedure.Subject.STATEMENT),
        ("terms_of_reference", SilenceProcedure.Subject.TERMS_OF_REFERENCE),
        ("nomination", SilenceProcedure.Subject.NOMINATION),
    ]:
        value = query.get(name, "")
        chosen = form.fields[name].queryset.filter(pk=value).first() if value.isdigit() else None
        if chosen is not None:
            return {"subject": subject, name: chosen.pk, **_wording(group, name, chosen)}
    return {}


def _wording(group, name: str, chosen) -> dict:
    if name == "work_plan":
        return {
            "title": f"Revision of the {chosen.title}",
            "text": f"The co-chairs propose that {group.short_name} adopt the {chosen.title} "
            f"({chosen.period}), as it stands in the portal at the deadline, as its next "
            "revision.",
        }
    if name == "statement":
        return {"title": chosen.title, "text": chosen.text}
    if name == "terms_of_reference":
        return {
            "title": f"Terms of Reference, version {chosen.version}: {chosen.summary}",
            "text": chosen.text,
        }
    day = f"{chosen.for_term_from.day} {chosen.for_term_from:%B %Y}"
    return {
        "title": f"Nomination of {chosen.member} to co-chair from {day}",
        "text": f"The co-chairs propose that {group.short_name} put to the AHG Senior "
        f"Officials Meeting the nomination of {chosen.member} to co-chair the group from {day}.",
    }


@login_required
def silence_procedure_create(request, slug):
    group = permissions.get_group_for_user(request.user, slug)
    if not permissions.can_run_silence_procedure(request.user, group):
        raise Http404("No such page")
    form = forms.SilenceProcedureForm(request.POST or None, group=group)
    if request.method != "POST":
        form = forms.SilenceProcedureForm(initial=_prefill(form, group, request.GET), group=group)
    if request.method == "POST" and form.is_valid():
        try:
            procedure = services.silence_procedure_circulate(
                group, by=request.user, **form.circulation()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                f"Circulated under silence until "
                f"{silence.fmt(procedure.deadline, procedure.deadline_time_zone)}.",
            )
            return redirect("silence_procedure_detail", group.slug, procedure.pk)
    context = {"form": form, "group": group, "starts": _starting_points(form)}
    return render(request, "groups/silence_form.html", context)


def _starting_points(form) -> list[tuple[str, str, list]]:
    """The objects a procedure can be about, to start from one."""
    return [
        (name, form.fields[name].label, list(form.fields[name].queryset)) for name in form.LINKS
    ]


@login_required
def silence_procedure_detail(request, slug, procedure_id):
    procedure = permissions.get_silence_procedure_for_user(request.user, slug, procedure_id)
    members = _breaking_members(request.user, procedure)
    context = {
        "page": selectors.silence_procedure_page(procedure, request.user),
        "group": procedure.group,
        "break_form": forms.SilenceBreakForm(members=members) if members else None,
        "can_run": permissions.can_run_silence_procedure(request.user, procedure.group),
    }
    return render(request, "groups/silence_detail.html", context)


def _breaking_members(user, procedure) -> list[Member]:
    ids = permissions.silence_breaking_members(user, procedure)
    return list(Member.objects.filter(pk__in=sorted(ids)).order_by("name")) if ids else []


@login_required
@require_POST
def silence_break(request, slug, procedure_id):
    procedure = permissions.get_silence_procedure_for_user(request.user, slug, procedure_id)
    if not permissions.may_ask_to_break_silence(request.user, procedure):
        raise Http404("No such page")
    members = _breaking_members(request.user, procedure)
    if not members:
        messages.error(request, _why_not_breakable(procedure))
        return redirect("silence_procedure_detail", slug, procedure.pk)
    form = forms.SilenceBreakForm(request.POST, members=members)
    if form.is_valid():
        try:
            services.silence_break(
                procedure,
                member=form.chosen_member(),
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "Silence is broken; the co-chairs and the secretariat are told."
            )
            return redirect("silence_procedure_detail", slug, procedure.pk)
    context = {
        "page": selectors.silence_procedure_page(procedure, request.user),
        "group": procedure.group,
        "break_form": form,
        "can_run": permissions.can_run_silence_procedure(request.user, procedure.group),
    }
    return render(request, "groups/silence_detail.html", context)


def _why_not_breakable(procedure) -> str:
    if not procedure.is_under_silence:
        return f"This procedure is already concluded: {procedure.get_status_display().lower()}."
    if timezone.now() >= procedure.deadline:
        passed = silence.fmt(procedure.deadline, procedure.deadline_time_zone)
        return f"The deadline passed at {passed}: silence can no longer be broken."
    return "Silence can no longer be broken."


@login_required
@require_POST
def silence_procedure_withdraw(request, slug, procedure_id):
    procedure = permissions.get_silence_procedure_for_user(
        request.user, slug, procedure_id, to_change=True
    )
    try:
        services.silence_procedure_withdraw(procedure, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Withdrew “{procedure.title}”; nothing was adopted.")
    return redirect("silence_procedure_detail", slug, procedure.pk)
