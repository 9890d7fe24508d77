from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.management.commands import _archive


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup`: check every file against its manifest, then "
        "replace the database's rows and the media files with the backup's. A portal that "
        "already holds data is left alone unless --replace is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="A folder written by `backup`.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace what this portal holds now (its rows and media files are lost).",
        )

    def handle(self, *args, folder, replace, **options):
        manifest = _archive.read_manifest(folder)
        held = _archive.what_is_there()
        if held and not replace:
            raise CommandError(
                "This portal is not empty (it holds "
                + ", ".join(held)
                + "); nothing was restored. Give --replace to replace it with the backup."
            )
        _archive.restore(folder, manifest)
        rows = sum(manifest["rows"].values())
        size = sum(entry["size"] for entry in manifest["files"].values())
        self.stdout.write(
            f"Restored the backup made at {manifest['made_at']}: {rows} rows of "
            f"{len(manifest['rows'])} models and {len(manifest['files'])} media files "
            f"({size} bytes), each file checked against its SHA-256."
        )
        by_app: dict[str, int] = {}
        for label, count in manifest["rows"].items():
            by_app[label.split(".")[0]] = by_app.get(label.split(".")[0], 0) + count
        for app, count in sorted(by_app.items()):
            if count:
                self.stdout.write(f"  {app}: {count} rows")
        if options["verbosity"] > 1:
            for label, count in sorted(manifest["rows"].items()):
                self.stdout.write(f"  {label}: {count}")
