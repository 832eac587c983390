import argparse
import math
import os
import shlex
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from qogam.accounts.models import Role
from qogam.core import audit
from qogam.demo import runner
from qogam.demo.context import DEFAULT_SEED, DemoContext
from qogam.demo.users import DEMO_PASSWORD, LOGINS


def positive_scale(value: str) -> float:
    try:
        scale = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number; give a positive number such as 0.05 or 1") from None
    if not math.isfinite(scale) or scale <= 0:
        raise argparse.ArgumentTypeError(f"{value} is not a positive number; give a number above 0, such as 0.05 or 1")
    return scale


class Command(BaseCommand):
    help = (
        "Migrate, generate demo data that looks like Kazakhstan (organisations, state bodies, one user per role) "
        "and serve it on http://127.0.0.1:8000. On a database that already holds the demo, only serve it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=positive_scale, default=1.0,
                            help="multiplier of the default volumes (1 = about 23,000 NGOs); positive, e.g. 0.05")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help=f"random seed; the same seed gives the same data (default {DEFAULT_SEED})")
        parser.add_argument("--reset", action="store_true",
                            help="wipe the organisations, state bodies and demo users first, then generate again")
        parser.add_argument("--no-serve", action="store_true", help="generate, but do not start the server")
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="address and port to serve on")

    def handle(self, *args, scale, seed, reset, no_serve, addrport, **options):
        started = time.monotonic()
        self.stdout.write("Preparing the database (migrate)…")
        call_command("migrate", verbosity=0, interactive=False)
        state = runner.demo_state()
        if not state.empty and not reset:
            if state.kind == "foreign":
                raise CommandError(
                    "The database already holds organisations, state bodies or demo users that `qogam demo` did not "
                    f"finish generating ({self._database()}). Delete the database file, or pass --reset to wipe "
                    "them and generate the demo again."
                )
            self.stdout.write(self.style.WARNING(
                f"The database already holds the demo (seed {state.details.get('seed')}, scale "
                f"{state.details.get('scale')}): serving it as it is. Pass --reset to generate it again."
            ))
        else:
            if not state.empty:
                self.stdout.write("Wiping the previous demo data (--reset)…")
                removed = runner.wipe()
                self.stdout.write("  removed: " + ", ".join(f"{n} from {label}" for label, n in removed.items()))
            ctx = DemoContext(seed=seed, scale=scale, today=timezone.localdate(), log=self.stdout.write)
            self.stdout.write(f"Generating the demo (scale {scale:g}, seed {seed})…")
            timings = runner.generate(ctx, progress=self.stdout.write)
            self.stdout.write("  timings: " + ", ".join(f"{label} {s:.1f} s" for label, s in timings.items()))
            result = audit.verify()
            if not result.ok:
                raise CommandError(f"The audit chain does not verify after the demo: {result.problem}")
            self.stdout.write(f"  audit chain verified: {result.checked} entries")
        self.stdout.write(self.style.SUCCESS(f"Ready in {time.monotonic() - started:.1f} s."))
        self._banner(addrport, serving=not no_serve)
        if not no_serve:
            # WhiteNoise serves the static files straight from the apps (WHITENOISE_USE_FINDERS), with
            # DEBUG off too; STATIC_ROOT only has to exist.
            os.makedirs(settings.STATIC_ROOT, exist_ok=True)
            # Background work (notices, exports) runs in a worker beside the server, as in production.
            worker = subprocess.Popen([sys.executable, "-m", "qogam.cli", "db_worker", "--no-reload", "-v", "0"])
            try:
                call_command("runserver", addrport, use_reloader=False)
            finally:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()

    def _database(self) -> str:
        db = settings.DATABASES["default"]
        if db["ENGINE"].endswith("sqlite3"):
            return f"SQLite file {db['NAME']}"
        return f"database {db.get('NAME')} on {db.get('HOST') or 'localhost'}"

    def _totp_command(self) -> str:
        env = "".join(f"{name}={shlex.quote(os.environ[name])} " for name in ("QOGAM_DATA_DIR",) if name in os.environ)
        program = sys.argv[0] if sys.argv and os.path.basename(sys.argv[0]) == "qogam" else "qogam"
        return f"{env}{shlex.quote(program)} totp-code <username>"

    def _banner(self, addrport: str, *, serving: bool) -> None:
        host, _, port = addrport.rpartition(":")
        url = f"http://{host or '127.0.0.1'}:{port or addrport}/"
        w = self.stdout.write
        w("")
        w("=" * 100)
        if serving:
            w(f"  Qogam demo: open {url}   (Kazakh first; switch to Russian or English at the top of any page)")
            w(f"  API: {url}api/docs/   Admin: {url}en/admin/")
        else:
            w("  Qogam demo data is ready. Serve it with `qogam demo` (it serves existing data) or `qogam runserver`.")
        w(f"  Data: {self._database()}")
        w("")
        w(f"  Demo logins. The password of every one is:  {DEMO_PASSWORD}")
        w(f"  {'username':<16} {'role':<28} {'2nd factor':<11} what to try")
        for login in LOGINS:
            w(f"  {login.username:<16} {str(Role(login.role).label):<28} {'TOTP' if login.needs_totp else '-':<11} "
              f"{login.try_this}")
        w("")
        w("  Staff roles sign in with a one-time code (TOTP). Get the current code of a demo user with:")
        w(f"      {self._totp_command()}")
        w("  for example for demo-analyst; the code changes every 30 seconds.")
        if serving:
            w("  Stop the server with Ctrl+C. Running the same command again serves the same data;")
            w("  pass --reset to generate it again.")
        w("=" * 100)
        w("")
