"""The address of a report's page, whichever kind of report it is."""

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def report_url(name: str, report, job_id=None) -> str:
    """``{% report_url 'report_edit' report %}``; job pages also take the job's id."""
    kwargs = report.url_kwargs()
    if job_id is not None:
        kwargs["job_id"] = job_id
    return reverse(name, kwargs=kwargs)
