"""How an authenticator app is shown to the person setting it up, and its current code."""

import time
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The app's set-up address as an SVG QR code, drawn with a path (no script, no style)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="unicode")
    label = escape("The set-up key as a QR image, to scan with your authenticator app")
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))


def secret_groups(device: TOTPDevice) -> list[str]:
    """The secret as an app asks for it when typed in, in groups of four letters."""
    secret = b32encode(device.bin_key).decode()
    return [secret[i : i + 4] for i in range(0, len(secret), 4)]


def current_code(device: TOTPDevice) -> str:
    """The code the app shows now; the next one once the current one has been used, since
    each code works once."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"
