"""The framework's floor for `bench/request_path.py`: Django and django-ninja with bearer auth
answering one JSON object, with no tenancy and no database. What Mozaika adds to a request is
measured against this, served by the same gunicorn configuration."""
