"""A real SMTP server for Kring's tests (aiosmtpd), run by kring_testkit::SmtpServer.

Usage: python smtp_sink.py DIR. Listens on a free port of 127.0.0.1 and prints
"PORT <n>" once it accepts connections. Each message it accepts becomes
DIR/<n>.rcpt (envelope recipients, one a line) and DIR/<n>.eml (the raw data),
each written under another name first and renamed, the .eml last, so a reader
never sees half a message. A recipient whose local part holds "refuse" is
answered 550, one holding "later" 451 (permanent and transient refusals),
repeating the address as Postfix does. With SINK_DELAY_MS set, each message
is accepted that long after its data arrived, as a distant server would.

It stops, removing DIR, when its standard input closes (the test process that
started it ended, however it ended) or when its parent is gone.
"""

import asyncio
import itertools
import os
import shutil
import signal
import sys

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.numbers = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if "refuse" in local:
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        if "later" in local:
            return f"451 4.3.0 <{address}>: Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        delay = float(os.environ.get("SINK_DELAY_MS", "0")) / 1000
        if delay > 0:
            await asyncio.sleep(delay)
        n = next(self.numbers)
        raw = envelope.original_content or envelope.content
        for suffix, data in ((".rcpt", "\n".join(envelope.rcpt_tos).encode()), (".eml", raw)):
            final = os.path.join(self.directory, f"{n:06}{suffix}")
            with open(final + ".part", "wb") as f:
                f.write(data)
            os.rename(final + ".part", final)
        return "250 Message accepted for delivery"


async def main(directory):
    loop = asyncio.get_running_loop()
    handler = Sink(directory)
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="kring-test-smtp"), host="127.0.0.1", port=0
    )
    print("PORT", server.sockets[0].getsockname()[1], flush=True)

    done = asyncio.Event()
    loop.add_reader(sys.stdin.fileno(), lambda: os.read(sys.stdin.fileno(), 4096) or done.set())
    loop.add_signal_handler(signal.SIGTERM, done.set)
    parent = os.getppid()

    async def watch_parent():
        while os.getppid() == parent:
            await asyncio.sleep(1)
        done.set()

    watcher = asyncio.create_task(watch_parent())
    await done.wait()
    watcher.cancel()
    server.close()


if __name__ == "__main__":
    try:
        asyncio.run(main(sys.argv[1]))
    finally:
        shutil.rmtree(sys.argv[1], ignore_errors=True)
