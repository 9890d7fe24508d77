import io
import os
import uuid
from unittest import mock

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session", autouse=True)
def object_store_bucket():
    """When the tests keep files in an S3-compatible store (STORAGE_S3_BUCKET set, as in
    CI's pass against an emulator), its bucket is there."""
    if not os.environ.get("STORAGE_S3_BUCKET"):
        return
    from botocore.exceptions import ClientError
    from django.core.files.storage import default_storage

    client = default_storage.connection.meta.client
    try:
        client.head_bucket(Bucket=default_storage.bucket_name)
    except ClientError:
        client.create_bucket(Bucket=default_storage.bucket_name)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded and generated files go to a temporary folder in every test: of the disk,
    or of the bucket when the files are kept in an object store."""
    settings.MEDIA_ROOT = tmp_path / "media"
    default = settings.STORAGES["default"]
    if "OPTIONS" in default and "bucket_name" in default["OPTIONS"]:
        options = default["OPTIONS"] | {"location": f"tests/{uuid.uuid4().hex}"}
        settings.STORAGES = settings.STORAGES | {"default": default | {"OPTIONS": options}}


@pytest.fixture
def demo(db):
    """The demo data as `make run` loads it."""
    call_command("load_demo", password="demo-password-1", stdout=io.StringIO())


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "password_only: client.force_login gives a session that has not passed a second factor",
    )


@pytest.fixture(autouse=True)
def second_factor_passed_at_force_login(request):
    """A session made by ``client.force_login`` or ``client.login`` has passed the second
    factor, as after the code page: the person gets an authenticator app and the session
    is marked with it by django-otp itself. Only tests that sign in through the form (or
    are marked ``password_only``) meet the second factor."""
    if request.node.get_closest_marker("password_only"):
        yield
        return
    from django.test import Client, RequestFactory
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    force_login = Client.force_login

    def mark_passed(client, user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="Test app")
        # What django_otp.login records once a code is accepted (Client's own sign-in
        # request has no user, so django-otp's sign-in hook cannot do it there).
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    def force_login_passed(self, user, backend=None):
        force_login(self, user, backend)
        mark_passed(self, user)

    def login_passed(self, **credentials):
        from django.contrib.auth import authenticate

        # django-axes needs the request that signs in.
        user = authenticate(RequestFactory().post("/accounts/login/"), **credentials)
        if user is None:
            return False
        self._login(user)
        mark_passed(self, user)
        return True

    # Not through the monkeypatch fixture, which a test may undo for its own patches.
    with (
        mock.patch.object(Client, "force_login", force_login_passed),
        mock.patch.object(Client, "login", login_passed),
    ):
        yield
