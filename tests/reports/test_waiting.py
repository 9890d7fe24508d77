import html

import pytest
from django.urls import reverse

from portal.accounts.models import User
from reports import services
from reports.models import Report

pytestmark = pytest.mark.django_db


def home(client, username):
    client.force_login(User.objects.get(username=username))
    return html.unescape(client.get(reverse("home")).content.decode())


def test_reports_waiting_show_on_the_secretariats_and_each_co_chairs_home(
    client, demo, django_assert_max_num_queries
):
    title = "WG-TIP: Annual report to the Steering Group 2025"
    assert f"{title}" in home(client, "secretariat")
    assert "0 of 2 co-chairs approved" in home(client, "secretariat")
    assert title in home(client, "cochair.au")
    assert title not in home(client, "expert.th")

    report = Report.objects.get(year=2025)
    services.report_decide(
        report,
        person=User.objects.get(username="cochair.au"),
        decision="approved",
        content_hash=services.current_content_hash(report),
    )
    assert title not in home(client, "cochair.au")  # decided: no longer waiting for them
    assert title in home(client, "cochair.id")
    assert "1 of 2 co-chairs approved" in home(client, "secretariat")
    client.force_login(User.objects.get(username="secretariat"))
    # The secretariat's home has a panel for each thing waiting (tests/portal/test_homes.py),
    # the texts under silence and the public statements waiting for the co-chairs among them.
    with django_assert_max_num_queries(18):
        client.get(reverse("home"))
