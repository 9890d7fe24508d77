"""How long the demo's oral-update brief takes to assemble and to print.

DJANGO_SETTINGS_MODULE=portal.settings_test python bench/brief_render.py

Loads the demo on a throw-away SQLite database in a temporary folder, then, for WG-TIP's
brief of 2016 (two meetings, six recommendations, a ten-action plan, about two pages),
times over 10 runs, after one to warm up: the content (drafting the points from the
portal's data), the PDF, and both together as the render job does them. Prints the median
and the 95th percentile of each; the target is under a second for content and PDF.
"""

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
folder = tempfile.mkdtemp(prefix="portal-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"

import django  # noqa: E402

django.setup()

import pypdf  # noqa: E402
from django.core.management import call_command  # noqa: E402

from reports import assembly, brief, pdf  # noqa: E402
from reports.models import Report  # noqa: E402

RUNS = 10
TARGET_SECONDS = 1.0


def timed(work) -> list[float]:
    work()  # to warm up
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return times


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


if __name__ == "__main__":
    call_command("migrate", verbosity=0)
    call_command("load_demo", password="bench-password-1", stdout=io.StringIO())
    report = Report.objects.select_related("group").get(
        group__slug="wg-tip", kind=Report.Kind.BRIEF, year=2016
    )
    # The points drafted from today's data, as the secretariat first sees them.
    report.status = Report.Status.DRAFT
    content = assembly.report_content(report)
    data = pdf.report_pdf(report, content)
    pages = len(pypdf.PdfReader(io.BytesIO(data)).pages)
    print(
        f"WG-TIP brief 2016: {len(content['points'])} points, {brief.speaking_time(content)}, "
        f"{pages} pages, {len(data):,} bytes"
    )
    results = {
        "content": timed(lambda: assembly.report_content(report)),
        "pdf": timed(lambda: pdf.report_pdf(report, content)),
        "content + pdf": timed(lambda: pdf.report_pdf(report, assembly.report_content(report))),
    }
    for name, times in results.items():
        print(
            f"{name:>14}: median {statistics.median(times) * 1000:7.1f} ms, "
            f"p95 {p95(times) * 1000:7.1f} ms ({RUNS} runs)"
        )
    both = statistics.median(results["content + pdf"])
    verdict = "within" if both < TARGET_SECONDS else "OVER"
    print(f"content + pdf: {verdict} the target of {TARGET_SECONDS:.0f} s")
    sys.exit(0 if both < TARGET_SECONDS else 1)
