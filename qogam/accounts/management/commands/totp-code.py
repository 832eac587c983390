import time

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from qogam.accounts.models import User
from qogam.accounts.services import DEMO_DEVICE_NAME


class Command(BaseCommand):
    help = (
        "Print the current two-factor code of a demo user, for demo sign-ins. Works only for a device "
        f'named "{DEMO_DEVICE_NAME}", as the demo generator creates; refuses every real device.'
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        devices = list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id"))
        if not devices:
            raise CommandError(f"user {username!r} has no two-factor device")
        device = next((d for d in devices if d.name == DEMO_DEVICE_NAME), None)
        if device is None:
            raise CommandError(
                f"refusing: the two-factor device of {username!r} is not a demo device "
                f'(only devices named "{DEMO_DEVICE_NAME}" can have their codes printed)'
            )
        now = time.time()
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
        remaining = device.step - int(now - device.t0) % device.step
        self.stdout.write(f"{code:0{device.digits}d}")
        self.stderr.write(f"valid for about {remaining} more seconds")
