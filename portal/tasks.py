"""Background work of the portal as a whole; each task is a thin wrapper around services."""

from celery import shared_task


@shared_task
def requeue_stale_jobs() -> dict[str, int]:
    """Beat's one sweep over every kind of job: renderings, meeting packs, printings.

    Whether anything waits in the broker is asked once, before sweeping: one sweep for
    all kinds leaves no other sweep's message in the queue to make it look busy, so a job
    whose message was lost is found on the next sweep however many kinds there are.
    """
    from meetings import pack
    from portal import celery
    from portal.printing import services as printing
    from reports import services as reports

    idle = celery.waiting_in_queue() == 0
    return {
        "renderings": len(reports.render_requeue_stale(broker_idle=idle)),
        "meeting packs": len(pack.pack_requeue_stale(broker_idle=idle)),
        "printings": len(printing.printing_requeue_stale(broker_idle=idle)),
    }
