"""Mozaika's database backend: django-tenants' PostgreSQL backend, setting the search path only
when the schema changes (see `base.py`)."""
