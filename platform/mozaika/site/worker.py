"""Entry module for `dramatiq mozaika.site.worker`: sets Django up, which installs the broker
and imports every app's actors."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mozaika.site.settings")
django.setup()
