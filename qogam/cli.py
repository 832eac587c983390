"""The `qogam` console command: Django's manage.py, installed."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qogam.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["qogam", *sys.argv[1:]])


if __name__ == "__main__":
    main()
