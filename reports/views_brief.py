"""The oral-update brief's speaking points: the secretariat edits every point before the
brief goes to the co-chairs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from portal import permissions
from portal.forms import add_service_errors
from reports import assembly, brief, services
from reports.forms import RedraftForm, SpeakingPointFormSet, SpeakingPointsForm
from reports.models import Report


def _brief(request, where: dict) -> Report:
    """The brief addressed by the URL, for the secretariat to change, or 404."""
    report = permissions.get_report_for_user(request.user, **where, to_change=True)
    if report.kind != Report.Kind.BRIEF:
        raise Http404("No such page")
    return report


def _points_url(report: Report) -> str:
    return reverse("brief_points", kwargs=report.url_kwargs())


def _rows(report: Report) -> list[dict]:
    """The points as the form shows them, and one empty point to add in each part."""
    points = brief.points_of(report)
    rows = []
    for section in brief.SECTIONS:
        rows += [p for p in points if p["section"] == section]
        rows.append({"section": section, "text": "", "included": True})
    return rows


def _groups(formset) -> list[tuple[str, list]]:
    """The formset's points grouped by the part of the brief they belong to, in order."""
    groups: dict[str, list] = {}
    for form in formset.forms:
        section = form["section"].value()
        groups.setdefault(section if section in brief.SECTIONS else "", []).append(form)
    return [(brief.SECTIONS.get(key, "Other points"), forms) for key, forms in groups.items()]


@login_required
def brief_points(request, **where):
    report = _brief(request, where)
    data = request.POST if request.method == "POST" else None
    form = SpeakingPointsForm(data, edits=report)
    formset = SpeakingPointFormSet(data, initial=_rows(report), prefix="points")
    if data is not None and form.is_valid() and formset.is_valid():
        points = [
            {key: row[key] for key in ("section", "text", "included")}
            for row in formset.cleaned_data
        ]
        try:
            services.brief_points_save(report, points, version=form.version)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved the speaking points of {report}.")
            return redirect("report_detail", **report.url_kwargs())
    content = assembly.report_content(report)
    context = {
        "report": report,
        "form": form,
        "formset": formset,
        "groups": _groups(formset),
        "redraft_form": RedraftForm(edits=report),
        "speaking_time": brief.speaking_time(content),
        "is_drafted": not report.speaking_points,
        "max_length": brief.MAX_POINT_LENGTH,
    }
    return render(request, "reports/brief_points.html", context)


@login_required
@require_POST
def brief_points_redraft(request, **where):
    """Set the edited points aside and draft them again from the portal's data."""
    report = _brief(request, where)
    form = RedraftForm(request.POST, edits=report)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(_points_url(report))
    try:
        services.brief_points_redraft(report, version=form.version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The speaking points are drafted again from the portal's data.")
    return redirect(_points_url(report))
