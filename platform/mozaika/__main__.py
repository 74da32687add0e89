"""`python -m mozaika COMMAND`: Django's management commands with Mozaika's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mozaika.site.settings")
    if sys.argv[1:2] == ["serve"]:
        # The settings then wait for an earlier `serve` of the same data folder to have stopped.
        os.environ["MOZAIKA_SERVE"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(["mozaika", *sys.argv[1:]])


if __name__ == "__main__":
    main()
