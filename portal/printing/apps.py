from django.apps import AppConfig


class PrintingConfig(AppConfig):
    """Printed documents made in the background and kept while their content stands."""

    name = "portal.printing"
    label = "printing"
    verbose_name = "Printed documents"
