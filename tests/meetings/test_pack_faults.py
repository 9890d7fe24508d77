"""Meeting packs survive faults as report renderings do: a worker killed while it puts a
pack together, and a queue flushed under the packs, end with each pack made once.

Real Redis, worker and beat processes on the test database (PostgreSQL), as in
tests/reports/test_faults.py, whose stack this borrows.
"""

import os
import signal
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from meetings import agenda, pack, papers
from meetings.models import Document, MeetingPack
from tests.factories import MeetingFactory, WorkingGroupFactory, participant
from tests.meetings.test_meeting_pack import paper_pdf
from tests.processes import wait_until
from tests.reports.test_faults import figures, stack  # noqa: F401  (the fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


def long_meeting(papers_count: int = 12, pages: int = 30):
    """A meeting with a published agenda and many long papers, so that putting its pack
    together takes long enough to be killed in the middle."""
    group = WorkingGroupFactory()
    meeting = MeetingFactory(kind="working_group", group=group, body="")
    item = agenda.item_add(meeting, title="Trends in trafficking")
    agenda.agenda_publish(meeting)
    content = paper_pdf("A long paper", pages=pages)
    for n in range(papers_count):
        papers.document_add(
            meeting,
            title=f"Paper {n + 1}",
            access=Document.Access.PARTICIPANTS,
            upload=SimpleUploadedFile(f"paper-{n + 1}.pdf", content),
            uploaded_by=None,
            agenda_item=item,
        )
    return meeting, participant(group)


def pack_files(running) -> list:
    folder = running.media / "meetings" / "packs"
    return sorted(folder.iterdir()) if folder.exists() else []


def wait_for_pack(running, made: MeetingPack, seconds: float, what: str) -> MeetingPack:
    def ready():
        return MeetingPack.objects.get(pk=made.pk).status == MeetingPack.Status.SUCCEEDED

    try:
        wait_until(ready, seconds, what)
    except AssertionError as error:
        state = MeetingPack.objects.get(pk=made.pk)
        raise AssertionError(f"{error}: {state.status} {state.error}\n{running.logs()}") from None
    return MeetingPack.objects.get(pk=made.pk)


def test_a_pack_whose_worker_is_killed_midway_is_made_once(stack, figures):  # noqa: F811
    meeting, reader = long_meeting()
    first = stack.worker("a", "-P", "solo")
    with stack.sending():
        made = pack.pack_request(meeting, reader)
    wait_until(
        lambda: MeetingPack.objects.get(pk=made.pk).status == MeetingPack.Status.RUNNING,
        60,
        "the pack being put together",
    )
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    killed_at = time.monotonic()
    assert MeetingPack.objects.get(pk=made.pk).status == MeetingPack.Status.RUNNING
    stack.worker("b", "-P", "solo")
    stack.beat()
    made = wait_for_pack(stack, made, 120, "the pack of the killed worker being made")
    seconds = time.monotonic() - killed_at
    assert made.attempts == 2  # the killed run and the one that finished
    assert made.parts_done == made.parts_total == 13
    assert pack_files(stack) == [stack.media / made.pdf.name]
    figures(
        f"SIGKILL of the worker putting a pack together: made once (attempt {made.attempts}), "
        f"{len(pack_files(stack))} file, {seconds:.0f} s after the kill"
    )


def test_packs_queued_then_redis_flushed_are_all_made_once(stack, figures):  # noqa: F811
    meeting, _ = long_meeting(papers_count=2, pages=2)
    readers = [participant(meeting.group) for _ in range(5)]
    with stack.sending():
        packs = [pack.pack_request(meeting, reader) for reader in readers]
    assert stack.waiting() == 5
    stack.redis.flushdb()
    flushed = time.monotonic()
    stack.worker("a", "-P", "solo")
    stack.beat()
    made = [wait_for_pack(stack, p, 120, "the lost packs being made") for p in packs]
    seconds = time.monotonic() - flushed
    assert {p.attempts for p in made} == {1}
    assert len(pack_files(stack)) == 5
    figures(f"5 packs queued, Redis flushed: {len(made)} made once each, in {seconds:.0f} s")
