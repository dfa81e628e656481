"""SMS transports for tests, at the edge of the world: they record instead of sending.

``MemorySmsTransport`` keeps messages in a list, for tests that run tasks in-process.
``FileSmsTransport`` writes one file per message into ``$TEST_SMS_DIR``, for the real
worker subprocess; two control files there steer it: ``fail-once`` makes the next send
fail (and is consumed), ``hang`` makes the next send stop for good before sending
(renamed ``hanging`` so the test knows the worker is inside the send).
"""

import json
import os
import time
import uuid
from pathlib import Path

from notifications.transports import SmsTransport, TransportError

sent: list[dict] = []


class MemorySmsTransport(SmsTransport):
    fail_next = 0

    def send(self, *, to: str, text: str, reference: str) -> str:
        if MemorySmsTransport.fail_next:
            MemorySmsTransport.fail_next -= 1
            raise TransportError("gateway unavailable")
        sent.append({"to": to, "text": text, "reference": reference})
        return f"memory-{len(sent)}"


class FileSmsTransport(SmsTransport):
    def send(self, *, to: str, text: str, reference: str) -> str:
        folder = Path(os.environ["TEST_SMS_DIR"])
        try:
            (folder / "fail-once").unlink()
        except FileNotFoundError:
            pass
        else:
            raise TransportError("gateway unavailable")
        try:
            (folder / "hang").rename(folder / "hanging")
        except FileNotFoundError:
            pass
        else:
            time.sleep(3600)  # until the test kills this worker
        name = f"{reference}-{uuid.uuid4().hex}.json"
        (folder / name).write_text(json.dumps({"to": to, "text": text, "reference": reference}))
        return name
