"""Test settings: the real settings, with the embedded runtime kept apart from `make run`'s
(its own PostgreSQL, Redis and archive under `.mozaika/test/`) unless servers are configured."""

import os
import uuid
from pathlib import Path

os.environ.setdefault("MOZAIKA_DATA_DIR", str(Path(__file__).resolve().parents[1] / ".mozaika" / "test"))
# This run's own queues on the (possibly shared) broker: messages the tests send are never
# consumed by another run's workers, nor an earlier run's by this run's.
os.environ.setdefault("BROKER_QUEUE_PREFIX", f"run{uuid.uuid4().hex[:10]}.")

from mozaika.site.settings import *  # noqa: F403

# Each test defines its own calls under the same codes: no call rules kept between requests
# (`tests/aggregation/test_calls.py` tests the cache with its own setting).
CALL_CACHE_SECONDS = 0.0
# Webhook receivers in the tests listen on 127.0.0.1 over plain http.
WEBHOOK_ALLOW_LOOPBACK = True

# In-process tests serve static files from the apps' folders, nothing collected: WhiteNoise looks
# them up per request and does not warn about a STATIC_ROOT no `collectstatic` has filled.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
