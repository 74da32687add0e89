"""Entry module for `dramatiq mozaika.worker`: sets Django up, which installs the broker
and imports every app's actors."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mozaika.settings")
django.setup()
