"""Publishing: render what is dirty (or everything), write it atomically, keep the manifest.

- loop.py: the publish loop (claiming and settling outbox keys, following lists);
- pool.py: a big publish across processes;
- writes.py: one key in its locked transaction: rendered, written unless unchanged,
  recorded (and removed files recorded as gone);
- kinds.py: which module renders each kind of output (syndicate/outputs.py);
- feeds.py, sitemaps.py, pages.py: what goes into each kind of output;
- job.py, result.py: what a render reads and gives, what a publish did.
"""

from syndicate.caches import Caches
from syndicate.publish.loop import IDLE_HEARTBEAT, STALE_TEMP_SECONDS, Publisher
from syndicate.publish.result import PublishResult

__all__ = ["IDLE_HEARTBEAT", "STALE_TEMP_SECONDS", "Caches", "PublishResult", "Publisher"]
