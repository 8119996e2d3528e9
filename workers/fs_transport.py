"""kombu's filesystem transport, made safe for several processes on one machine.

The embedded default's broker is a folder of message files (see celery_app).
kombu 5's filesystem transport has two races between processes, both seen in
our worker tests:

- `_put` creates the message file under its final name and only then locks
  and writes it, so a consumer listing the folder at that moment takes an empty
  file, fails to decode it and the worker dies ("Unrecoverable error:
  JSONDecodeError"). Here a message is written under a name no consumer looks
  at and renamed into place when complete (rename is atomic).
- `_get` claims a file by moving it to the system's temporary folder; across
  file systems that move is a copy and a delete, which two consumers can both
  do. Here a consumer claims a file by renaming it inside the queue folder,
  which exactly one of them can win, then reads and deletes it. A message that
  cannot be decoded is logged and set aside, never fatal.
"""

from __future__ import annotations

import logging
import os
import uuid
from queue import Empty
from time import monotonic
from typing import Any

from kombu.transport import filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

log = logging.getLogger(__name__)


class Channel(filesystem.Channel):  # type: ignore[misc]
    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".{name}.part")
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
            os.rename(partial, final)
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot add file {final!r} to directory") from exc

    def _get(self, queue: str) -> Any:
        wanted = f"{queue}.msg"
        folder = self.data_folder_in
        for name in sorted(os.listdir(folder)):
            if name.startswith(".") or name.partition(".")[2] != wanted:
                continue
            claimed = os.path.join(folder, f".{name}.{os.getpid()}.claimed")
            try:
                os.rename(os.path.join(folder, name), claimed)
            except OSError:
                continue  # another consumer took it
            try:
                with open(claimed, "rb") as f:
                    payload = f.read()
            except OSError as exc:
                raise filesystem.ChannelError(f"Cannot read file {claimed!r} from queue.") from exc
            try:
                message = loads(bytes_to_str(payload))
            except ValueError:
                log.error(
                    "undecodable message set aside",
                    extra={"fields": {"file": claimed, "bytes": len(payload)}},
                )
                os.rename(claimed, claimed[: -len(".claimed")] + ".bad")
                continue
            os.remove(claimed)
            return message
        raise Empty()


class Transport(filesystem.Transport):  # type: ignore[misc]
    Channel = Channel
