"""Password rules Django does not ship."""

from django.core.exceptions import ValidationError


class MaximumLengthValidator:
    """Refuse a password longer than ``max_length`` characters: a longer one adds nothing
    a person would type, and hashing a very long one costs the server time."""

    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                f"This password is too long: it may have at most {self.max_length} characters.",
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self):
        return f"Your password may have at most {self.max_length} characters."
