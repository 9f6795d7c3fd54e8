"""A minimal keep-alive HTTP server for the benchmark, run in its own process.

It answers every ``POST /<name>`` with the bytes of ``<name>_response.json``
from the fixtures directory (``/states`` and ``/list``), so the client side of
a call can be timed without the server competing for the same GIL. It prints
its port on the first line of stdout and serves until stdin closes.

    python bench/server.py FIXTURES_RESPONSES_DIR
"""

import sys
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator


def make_handler(bodies):
    """A request handler class that answers from ``bodies`` ({path: bytes})."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body leave in one write, so Nagle's algorithm and delayed ACKs cannot add 40 ms.
        wbufsize = 1 << 16
        disable_nagle_algorithm = True

        def log_message(self, *args):
            pass  # one line per request would dominate the server's time

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            body = bodies.get(self.path)
            status = 200 if body is not None else 404
            body = body if body is not None else b'{"error": "not found"}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST

    return Handler


@contextmanager
def serving(handler_class) -> Iterator[ThreadingHTTPServer]:
    """A server on a free loopback port, answering with ``handler_class`` in daemon threads until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    server.daemon_threads = True
    # A short poll so that shutdown() returns at once rather than after the default half second.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def main(responses_dir: str) -> None:
    folder = Path(responses_dir)
    bodies = {"/" + name: (folder / ("%s_response.json" % name)).read_bytes() for name in ("states", "list")}
    with serving(make_handler(bodies)) as server:
        print(server.server_port, flush=True)
        sys.stdin.read()  # the benchmark closes our stdin when it is done


if __name__ == "__main__":
    main(sys.argv[1])
