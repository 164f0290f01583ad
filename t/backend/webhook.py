#!/usr/bin/python3
"""A webhook receiver for the delivery tests: a real HTTP server on the
loopback that checks each request's Standard Webhooks signature on its own
(HMAC-SHA256 with the shared secret, Ed25519 with PyNaCl) and records it.

    webhook.py PORT LOG [--secret FILE ...] [--fail N] [--status CODE]
               [--retry-after S] [--delay S] [--close N] [--early N]

--fail N       the first N requests get --status (default 500)
--retry-after  sent with those failures
--delay S      wait S seconds before answering (each request, or with
               --slow N the first N)
--close N      the first N requests: close the connection without answer
--early N      the first N requests: answer 200 before reading the body,
               then wait two seconds and close
--tls CERT KEY serve https

Each request is one JSON line in LOG: id, timestamp, signature_ok, status
answered, and the body.
"""

import argparse
import base64
import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from nacl.signing import SigningKey
from nacl.exceptions import BadSignatureError

args = None
lock = threading.Lock()
count = 0


def verify(secret, msg_id, ts, body, header):
    content = msg_id.encode() + b"." + ts.encode() + b"." + body
    for sig in header.split():
        version, _, value = sig.partition(",")
        raw = base64.b64decode(value)
        if secret.startswith("whsec_") and version == "v1":
            key = base64.b64decode(secret[6:])
            want = hmac.new(key, content, hashlib.sha256).digest()
            if hmac.compare_digest(raw, want):
                return True
        if secret.startswith("whsk_") and version == "v1a":
            seed = base64.b64decode(secret[5:])[:32]
            vk = SigningKey(seed).verify_key
            try:
                vk.verify(content, raw)
                return True
            except BadSignatureError:
                pass
    return False


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_POST(self):
        global count
        length = int(self.headers.get("Content-Length", "0"))
        with lock:
            count += 1
            n = count
        if n <= args.early:
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.wfile.flush()
            time.sleep(2)
            self.close_connection = True
            with lock, open(args.log, "a") as f:
                f.write(json.dumps({"id": self.headers.get("webhook-id", ""),
                                    "status": "early", "n": n}) + "\n")
            return
        body = self.rfile.read(length)
        if args.delay and (args.slow == 0 or n <= args.slow):
            time.sleep(args.delay)
        if n <= args.close:
            self.close_connection = True
            self.connection.close()
            status = 0
        else:
            status = args.status if n <= args.fail else 200
        msg_id = self.headers.get("webhook-id", "")
        ts = self.headers.get("webhook-timestamp", "")
        sig = self.headers.get("webhook-signature", "")
        ok = any(verify(s, msg_id, ts, body, sig)
                 for s in args.secret_value) if args.secret_value else None
        with lock, open(args.log, "a") as f:
            f.write(json.dumps({"id": msg_id, "timestamp": ts,
                                "signature_ok": ok, "status": status,
                                "n": n, "body": body.decode("utf-8",
                                                            "replace")})
                    + "\n")
        if status == 0:
            return
        self.send_response(status)
        if status != 200 and args.retry_after is not None:
            self.send_header("Retry-After", str(args.retry_after))
        self.send_header("Content-Length", "0")
        self.end_headers()


def main():
    global args
    p = argparse.ArgumentParser()
    p.add_argument("port", type=int)
    p.add_argument("log")
    p.add_argument("--secret", action="append", default=[])
    p.add_argument("--fail", type=int, default=0)
    p.add_argument("--status", type=int, default=500)
    p.add_argument("--retry-after", type=int)
    p.add_argument("--delay", type=float, default=0)
    p.add_argument("--slow", type=int, default=0)
    p.add_argument("--close", type=int, default=0)
    p.add_argument("--early", type=int, default=0)
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    args = p.parse_args()
    args.secret_value = []
    for path in args.secret:
        with open(path) as f:
            args.secret_value.append(f.read().strip())
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    if args.tls:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls[0], args.tls[1])
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
