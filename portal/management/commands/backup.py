from pathlib import Path

from django.core.management.base import BaseCommand

from portal.management.commands import _archive


class Command(BaseCommand):
    help = (
        "Back up the portal into an empty folder: every row of every model (history, "
        "people and their password hashes included) and every media file, with a manifest "
        "of their SHA-256. `restore` reads it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="An empty or new folder.")

    def handle(self, *args, folder, **options):
        manifest = _archive.backup(folder)
        rows = sum(manifest["rows"].values())
        size = sum(entry["size"] for entry in manifest["files"].values())
        self.stdout.write(
            f"Backed up {rows} rows of {len(manifest['rows'])} models and "
            f"{len(manifest['files'])} media files ({size} bytes) into {folder}."
        )
