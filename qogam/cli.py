"""The `qogam` console command: Django's manage.py, installed."""

import os
import sys


def cli_language(environ=os.environ) -> str:
    """The language of command output: QOGAM_LANGUAGE, else the locale (LC_ALL, LC_MESSAGES, LANG), else en."""
    for name in ("QOGAM_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = (environ.get(name) or "")[:2].lower()
        if value in ("kk", "ru", "en"):
            return value
    return "en"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qogam.settings")
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    from django.utils import translation

    translation.activate(cli_language())
    execute_from_command_line(["qogam", *sys.argv[1:]])


if __name__ == "__main__":
    main()
