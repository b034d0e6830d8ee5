"""A local HTTP server for URL-source tests: no internet, and no traceback when a client gives up."""

from __future__ import annotations

import http.server
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a slow handler may still be sleeping when the test ends

    def handle_error(self, request, client_address) -> None:
        """A client that gave up (the fetcher's deadline) is expected: no traceback on stderr."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serving(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[int]:
    """Serve ``handler`` on 127.0.0.1 in a thread; yields the port."""
    httpd = QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()
