from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from reports import services
from reports.models import RenderJob, Report


class Command(BaseCommand):
    help = "Render a group's report to a PDF file, through the same service as the worker."

    def add_arguments(self, parser):
        parser.add_argument("group", help="the group's slug or short name, e.g. wg-tip")
        parser.add_argument("kind", choices=[Report.Kind.ANNUAL, Report.Kind.BRIEF])
        parser.add_argument("year", type=int)
        parser.add_argument("--out", required=True, help="where to write the PDF")

    def handle(self, *args, group, kind, year, out, **options):
        named = Q(group__slug=group) | Q(group__short_name=group)
        report = Report.objects.filter(named, kind=kind, year=year, meeting__isnull=True).first()
        if report is None:
            raise CommandError(f"No {kind} report for {group} in {year}.")
        job = services.render_run(services.render_job_create(report).pk)
        if job.status != RenderJob.Status.SUCCEEDED:
            raise CommandError(f"Rendering failed: {job.error}")
        with job.pdf.open("rb") as pdf:
            Path(out).write_bytes(pdf.read())
        self.stdout.write(f"Wrote {out} ({job.pdf.size} bytes, content {job.content_hash}).")
