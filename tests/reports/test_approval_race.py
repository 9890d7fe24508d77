"""Two co-chairs approving at the same moment, in two real database connections."""

import time

import pytest

from reports import services
from reports.models import Report
from tests.factories import SecretariatFactory, WorkingGroupFactory, co_chair
from tests.races import at_once, needs_row_locks


@pytest.mark.django_db(transaction=True)
def test_two_co_chairs_approving_at_the_same_moment_make_exactly_one_approved_version(
    monkeypatch,
):
    needs_row_locks()
    group = WorkingGroupFactory()
    chairs = [co_chair(group), co_chair(group)]
    report = services.report_start(group, Report.Kind.ANNUAL, 2016)
    report = services.report_submit(report, SecretariatFactory())
    content_hash = services.current_content_hash(report)

    # Widen the window between reading the approvals and committing, so that without the
    # row lock each decision would read the approvals before the other's is committed.
    all_approved = services._all_approved

    def slowly(*args):
        answer = all_approved(*args)
        time.sleep(0.5)
        return answer

    monkeypatch.setattr(services, "_all_approved", slowly)

    def decide(person):
        services.report_decide(
            Report.objects.get(pk=report.pk),
            person=person,
            decision="approved",
            content_hash=content_hash,
        )

    at_once(decide, chairs)

    report.refresh_from_db()
    assert report.status == Report.Status.APPROVED
    assert report.approvals.count() == 2
    statuses = [h.status for h in report.history.order_by("history_date", "history_id")]
    changes = [(a, b) for a, b in zip(statuses, statuses[1:], strict=False) if a != b]
    assert changes.count((Report.Status.SUBMITTED, Report.Status.APPROVED)) == 1
    assert report.render_jobs.count() == 1
