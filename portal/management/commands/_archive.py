"""A portal's backup: every row of every model and every media file, in a folder.

The folder holds ``database.json`` (the rows, model by model, with their primary keys,
so that every reference, history entry and password hash comes back as it was),
``media/`` (a copy of every file in the portal's storage, MEDIA_ROOT or an object store)
and ``manifest.json``, written last: the migrations the
rows belong to, the number of rows per model, and the size and SHA-256 of
``database.json`` and of every media file. It is plain JSON read through Django's
serializers, so a backup made on SQLite restores on PostgreSQL and the other way round.
"""

import datetime
import hashlib
import json
import os
import posixpath
import shutil
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
DATABASE = "database.json"
MANIFEST = "manifest.json"
MEDIA = "media"
# Where restore puts the backup's files until the rows are in (a name uploads never get).
STAGING = ".restoring"
# Rows that `migrate` creates by itself: a portal holding only these is empty.
MADE_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, keeping the microseconds it would otherwise round away."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def all_models() -> list[type[models.Model]]:
    """Every concrete model with its own table, history and many-to-many tables included
    (many-to-many rows travel with the model that declares the field)."""
    return [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def files_under(root: Path) -> Iterator[Path]:
    """Every file under a folder, in a stable order."""
    if not root.is_dir():
        return
    for folder, dirs, names in os.walk(root):
        # A restore's files in waiting are not the portal's yet.
        dirs[:] = sorted(d for d in dirs if not (folder == str(root) and d == STAGING))
        for name in sorted(names):
            yield Path(folder) / name


def stored_files(folder: str = "") -> Iterator[str]:
    """The name of every file in the portal's storage, in a stable order."""
    try:
        folders, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(names):
        yield posixpath.join(folder, name)
    for name in sorted(folders):
        # A restore's files in waiting are not the portal's yet.
        if folder or name != STAGING:
            yield from stored_files(posixpath.join(folder, name))


def applied_migrations() -> list[str]:
    """The migrations applied to this database, as app.name."""
    recorder = MigrationRecorder(connection)
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def rows_of(model: type[models.Model]) -> list[dict]:
    """Every row of a model, as Django's serializers write it, in primary-key order."""
    queryset = model._base_manager.order_by(model._meta.pk.name)
    return serializers.serialize("python", queryset.iterator())


def row_counts() -> dict[str, int]:
    """The number of rows of every model."""
    return {model._meta.label_lower: model._base_manager.count() for model in all_models()}


# --- Backup ---------------------------------------------------------------------------------


def backup(folder: Path) -> dict:
    """Write a backup of the database and the media files into an empty folder."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise CommandError(f"{folder} is not an empty folder: a backup never overwrites one.")
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / DATABASE
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every table, while the portal goes on being used.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        migrations = applied_migrations()
        counts = {}
        with database.open("w", encoding="utf-8") as out:
            out.write("{")
            for i, model in enumerate(all_models()):
                rows = rows_of(model)
                counts[model._meta.label_lower] = len(rows)
                out.write("," if i else "")
                out.write(f"\n{json.dumps(model._meta.label_lower)}: ")
                json.dump(rows, out, cls=_Encoder, ensure_ascii=False)
            out.write("\n}\n")
    # Media after the rows: every file a row names was written before the row was.
    files = {}
    for name in stored_files():
        target = folder / MEDIA / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, target.open("wb") as out:
            shutil.copyfileobj(source, out, 1 << 20)
        files[name] = {"size": target.stat().st_size, "sha256": sha256_of(target)}
    manifest = {
        "format": FORMAT,
        "made_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database_vendor": connection.vendor,
        "migrations": migrations,
        "rows": counts,
        "database": {"size": database.stat().st_size, "sha256": sha256_of(database)},
        "files": files,
    }
    partial = folder / f"{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    partial.rename(folder / MANIFEST)
    return manifest


# --- Restore --------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict:
    """The backup's manifest, once every file it lists is there with its size and hash."""
    path = folder / MANIFEST
    if not path.is_file():
        raise CommandError(f"{folder} holds no {MANIFEST}: it is not a complete backup.")
    try:
        manifest = json.loads(path.read_text())
    except ValueError as error:
        raise CommandError(f"{path} is not readable JSON: {error}") from None
    if manifest.get("format") != FORMAT:
        raise CommandError(
            f"{path} is a backup of format {manifest.get('format')!r}, not {FORMAT}."
        )
    problems = []
    expected = {DATABASE: manifest["database"]} | {
        f"{MEDIA}/{name}": entry for name, entry in manifest["files"].items()
    }
    for name, entry in expected.items():
        path = folder / name
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif path.stat().st_size != entry["size"] or sha256_of(path) != entry["sha256"]:
            problems.append(f"{name} is not the file that was backed up (size or SHA-256)")
    listed = {f"{MEDIA}/{name}" for name in manifest["files"]}
    for path in files_under(folder / MEDIA):
        name = path.relative_to(folder).as_posix()
        if name not in listed:
            problems.append(f"{name} is not in the manifest")
    if problems:
        raise CommandError(
            "The backup is damaged; nothing was restored:\n  " + "\n  ".join(problems)
        )
    return manifest


def what_is_there() -> list[str]:
    """What the portal holds beyond what `migrate` creates, in words; empty when nothing."""
    by_app: dict[str, int] = {}
    for label, count in row_counts().items():
        if count and label not in MADE_BY_MIGRATE:
            app = label.split(".")[0]
            by_app[app] = by_app.get(app, 0) + count
    held = [f"{count} rows in {app}" for app, count in sorted(by_app.items())]
    media = sum(1 for _ in stored_files())
    if media:
        held.append(f"{media} media files")
    return held


def restore(folder: Path, manifest: dict) -> None:
    """Replace every row and every media file with the backup's, or change nothing."""
    here = applied_migrations()
    if manifest["migrations"] != here:
        missing = sorted(set(manifest["migrations"]) - set(here))
        extra = sorted(set(here) - set(manifest["migrations"]))
        raise CommandError(
            "The backup was made at other migrations than this portal's; nothing was restored. "
            + (f"Not applied here: {', '.join(missing)}. " if missing else "")
            + (f"Applied here only: {', '.join(extra)}." if extra else "")
        )
    with (folder / DATABASE).open(encoding="utf-8") as f:
        tables = json.load(f)
    known = {model._meta.label_lower for model in all_models()}
    unknown = sorted(set(tables) - known)
    if unknown:
        raise CommandError(f"The backup holds rows of models unknown here: {', '.join(unknown)}.")
    if isinstance(default_storage, FileSystemStorage):
        _restore_on_disk(folder, tables)
    else:
        _restore_into_store(folder, manifest, tables)


def _restore_on_disk(folder: Path, tables: dict[str, list[dict]]) -> None:
    """The rows, then the files moved into MEDIA_ROOT from a copy made beside them."""
    # The files are staged inside MEDIA_ROOT itself, which may be a mount point (a Docker
    # volume) that cannot be renamed: moving them into place is then a rename on one disk.
    media_root = Path(settings.MEDIA_ROOT)
    staged = media_root / STAGING
    shutil.rmtree(staged, ignore_errors=True)
    if (folder / MEDIA).is_dir():
        shutil.copytree(folder / MEDIA, staged)
    else:
        staged.mkdir(parents=True)
    try:
        _replace_rows(tables)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    # The rows are committed: the old files go, the backup's take their place.
    for entry in media_root.iterdir():
        if entry == staged:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for entry in staged.iterdir():
        entry.rename(media_root / entry.name)
    staged.rmdir()


def _restore_into_store(folder: Path, manifest: dict, tables: dict[str, list[dict]]) -> None:
    """The rows, then the files, in an object store: one has no folders to move into
    place, so the backup's files the store does not hold yet go in before the rows (no
    row of the portal names them), and those it holds under the same names after."""
    there = set(stored_files())
    wanted = manifest["files"]
    added = []
    try:
        for name in sorted(set(wanted) - there):
            _put(folder, name)
            added.append(name)
        _replace_rows(tables)
    except BaseException:
        for name in added:
            default_storage.delete(name)
        raise
    # The rows are committed: the old files go, the backup's take their place.
    for name in sorted(there):
        default_storage.delete(name)
        if name in wanted:
            _put(folder, name)


def _put(folder: Path, name: str) -> None:
    """Store one of the backup's files under the name it had."""
    with (folder / MEDIA / name).open("rb") as f:
        saved = default_storage.save(name, File(f, name=name))
    if saved != name:
        raise CommandError(f"{name} was stored as {saved}: the storage holds a file so named.")


@transaction.atomic
def _replace_rows(tables: dict[str, list[dict]]) -> None:
    """Empty every table and write the backup's rows, with their keys, in one transaction.

    Django creates foreign keys as deferred constraints on SQLite and PostgreSQL, so the
    order of the rows does not matter until the commit, when every one is checked.
    """
    flush = connection.ops.sql_flush(
        no_style(),
        connection.introspection.django_table_names(only_existing=True),
        reset_sequences=True,
        allow_cascade=True,
    )
    connection.ops.execute_sql_flush(flush)
    for rows in tables.values():
        for obj in serializers.deserialize("python", rows):
            # The history comes back from the backup: setting a row's many-to-many
            # values must not write a new history entry for it.
            obj.object.skip_history_when_saving = True
            obj.save()
    connection.check_constraints()
    sequences = connection.ops.sequence_reset_sql(no_style(), all_models())
    if sequences:
        with connection.cursor() as cursor:
            for sql in sequences:
                cursor.execute(sql)
