"""Test settings: the real settings, with the embedded runtime kept apart from `make run`'s
(its own PostgreSQL, Redis and archive under `.mozaika/test/`) unless servers are configured."""

import os
from pathlib import Path

os.environ.setdefault("MOZAIKA_DATA_DIR", str(Path(__file__).resolve().parents[1] / ".mozaika" / "test"))

from mozaika.settings import *  # noqa: F403
