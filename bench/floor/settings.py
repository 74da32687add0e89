"""Django with Mozaika's middleware stack, minus what needs a database, and nothing else."""

SECRET_KEY = "bench-floor-not-a-secret"  # noqa: S105  (a benchmark's throwaway app)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["django.contrib.contenttypes"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "bench.floor.app"
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
