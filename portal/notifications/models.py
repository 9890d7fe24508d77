from django.conf import settings
from django.db import models


class Notification(models.Model):
    """Something a person was told: listed in the portal, and e-mailed unless they chose
    the portal only for its kind. The row is also the log of what was sent: one per person
    and key, so telling the same thing twice (a daily run repeated) tells nobody twice."""

    class Kind(models.TextChoices):
        APPROVAL_REQUESTED = "approval_requested", "Waiting for my approval"
        APPROVAL_DECIDED = "approval_decided", "Approved or sent back by the co-chairs"
        AGENDA = "agenda", "An agenda published or changed"
        MEETING_CHANGED = "meeting_changed", "A meeting's date or place changed"
        INVITATION = "invitation", "Invitations and their reminders"
        PROPOSAL_DECIDED = "proposal_decided", "A proposal accepted or declined"
        SILENCE_PROCEDURE = "silence_procedure", "Silence procedures opened, broken or concluded"
        TERM_ENDING = "term_ending", "A co-chair term ending with no successor"
        ACTION_STALE = "action_stale", "An action with no update for six months"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # What was told, and about which state of it: "term-ending:12", "reminder:40:2026-12-01".
    key = models.CharField(max_length=200)
    subject = models.CharField(max_length=300)
    text = models.TextField(blank=True)
    # The page where it is dealt with, as a path within the portal.
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "key"], name="notification_once_per_key")
        ]
        indexes = [
            # The header's unread count and the list of a person's notifications.
            models.Index(fields=["person", "read_at"], name="notification_unread"),
        ]

    def __str__(self):
        return f"{self.subject} (to {self.person})"


class NotificationPreference(models.Model):
    """How a person wants to be told of one kind of notification; without a row, by
    e-mail and in the portal."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=Notification.Kind.choices)
    by_email = models.BooleanField("also by e-mail", default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self):
        how = "e-mail and portal" if self.by_email else "portal only"
        return f"{self.person}: {self.get_kind_display()} by {how}"
