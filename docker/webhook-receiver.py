# A webhook receiver for the compose stack: prints every delivery (headers that matter and the
# body) and answers 200. GET /readyz answers 200 for the health check.
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            shown = json.dumps(json.loads(body))
        except ValueError:
            shown = body.decode("utf-8", "replace")
        print(f"webhook {self.path} id={self.headers.get('webhook-id')} {shown}", flush=True)
        self.send_response(200)
        self.end_headers()

    def do_GET(self):
        self.send_response(200 if self.path == "/readyz" else 404)
        self.end_headers()

    def log_message(self, *args):
        pass  # one line per webhook above is enough


ThreadingHTTPServer(("0.0.0.0", 9000), Receiver).serve_forever()
