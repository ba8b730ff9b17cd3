import os
import sys


def main() -> None:
    """The `huiguang` console command: Django's management commands with our settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huiguang.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
