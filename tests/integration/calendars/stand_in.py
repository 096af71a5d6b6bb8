"""Local stand-ins of Google (token endpoint + Calendar API, plain HTTP) and Microsoft (identity
platform + Graph, HTTPS with a throwaway certificate), each in a thread of the test process.

They behave as the real services do where LeaveBot depends on it: Google keeps deleted events
(status ``cancelled``) so that inserting a used id answers 409; Graph answers a POST whose
``transactionId`` it has seen with the event already made. ``fail_next`` makes the next API calls
answer an error (500, 429 with ``Retry-After``...), ``forbidden`` makes a mailbox answer 403.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from google.auth import jwt
from google.auth.exceptions import GoogleAuthError

TENANT = "tenant-1"
CLIENT_ID = "client-1"
CLIENT_SECRET = "s3cret"


@dataclass
class Calls:
    """What a stand-in saw and holds; guarded by ``lock`` as handlers run in threads."""

    events: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    api_calls: list[tuple[str, str]] = field(default_factory=list)
    token_calls: int = 0
    failures: list[tuple[int, str | None]] = field(default_factory=list)
    forbidden: set[str] = field(default_factory=set)
    no_out_of_office: set[str] = field(default_factory=set)
    #: API calls to carry out whose answer is then lost (502), as when a connection drops.
    lose_answers: int = 0
    #: Seconds each API call takes.
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, *statuses: int, retry_after: str | None = None) -> None:
        with self.lock:
            self.failures.extend((status, retry_after) for status in statuses)

    def live(self, user: str) -> list[dict[str, Any]]:
        with self.lock:
            return [e for (u, _), e in self.events.items() if u == user and e.get("status") != "cancelled"]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    lost = False

    def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        if self.lost:
            status, body = 502, {"error": {"code": 502, "message": "answer lost"}}
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self) -> None:
        self.server.route(self, "GET")

    def do_POST(self) -> None:
        self.server.route(self, "POST")

    def do_PUT(self) -> None:
        self.server.route(self, "PUT")

    def do_PATCH(self) -> None:
        self.server.route(self, "PATCH")

    def do_DELETE(self) -> None:
        self.server.route(self, "DELETE")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    calls: Calls

    def route(self, handler: _Handler, method: str) -> None:
        raise NotImplementedError

    def injected_failure(self, handler: _Handler) -> bool:
        time.sleep(self.calls.delay)
        with self.calls.lock:
            if self.calls.lose_answers:
                self.calls.lose_answers -= 1
                handler.lost = True
            failure = self.calls.failures.pop(0) if self.calls.failures else None
        if failure is None:
            return False
        status, after = failure
        handler._send(status, {"error": {"code": status, "message": "stand-in failure"}},
                      {"Retry-After": after} if after else None)
        return True


class GoogleStandIn(_Server):
    """``/token`` (JWT bearer grant, signature checked) and ``/calendar/v3/calendars/primary/events``."""

    def __init__(self, public_pem: bytes) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.calls = Calls()
        self.public_pem = public_pem

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def route(self, handler: _Handler, method: str) -> None:
        path = urlsplit(handler.path).path
        if path == "/token" and method == "POST":
            form = parse_qs(handler._body().decode())
            # google-auth always names Google's endpoint as the audience, whatever the token_uri.
            try:
                claims = jwt.decode(form["assertion"][0], certs=self.public_pem,
                                    audience="https://oauth2.googleapis.com/token")
            except GoogleAuthError:  # as Google answers a key it does not know
                handler._send(400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
                return
            with self.calls.lock:
                self.calls.token_calls += 1
            handler._send(200, {"access_token": f"g-{claims['sub']}", "expires_in": 3600, "token_type": "Bearer"})
            return
        prefix = "/calendar/v3/calendars/primary/events"
        auth = handler.headers.get("Authorization", "")
        if not path.startswith(prefix) or not auth.startswith("Bearer g-"):
            handler._send(401, {"error": {"code": 401, "message": "unauthenticated"}})
            return
        user = auth.removeprefix("Bearer g-")
        with self.calls.lock:
            self.calls.api_calls.append((method, path))
        if self.injected_failure(handler):
            return
        if user in self.calls.forbidden:
            handler._send(403, {"error": {"code": 403, "message": "Not allowed", "errors": [{"reason": "forbidden"}]}})
            return
        event_id = unquote(path[len(prefix) + 1:]) if len(path) > len(prefix) else None
        body = json.loads(handler._body() or b"null")
        with self.calls.lock:
            self._calendar(handler, method, user, event_id, body)

    def _calendar(self, handler: _Handler, method: str, user: str, event_id: str | None, body: Any) -> None:
        events = self.calls.events
        if body and body.get("eventType") == "outOfOffice" and user in self.calls.no_out_of_office:
            handler._send(400, {"error": {"code": 400, "message": "outOfOffice not supported"}})
            return
        if method == "POST":
            if (user, body["id"]) in events:
                handler._send(409, {"error": {"code": 409, "message": "The requested identifier already exists."}})
                return
            events[(user, body["id"])] = {**body, "status": "confirmed"}
            handler._send(200, events[(user, body["id"])])
        elif method == "PUT" and event_id:
            if (user, event_id) not in events:
                handler._send(404, {"error": {"code": 404, "message": "Not Found"}})
                return
            events[(user, event_id)] = {**body, "id": event_id, "status": "confirmed"}
            handler._send(200, events[(user, event_id)])
        elif method == "DELETE" and event_id:
            event = events.get((user, event_id))
            if event is None or event["status"] == "cancelled":
                handler._send(410, {"error": {"code": 410, "message": "Resource has been deleted"}})
                return
            event["status"] = "cancelled"
            handler._send(204)
        else:
            handler._send(405)


class MicrosoftStandIn(_Server):
    """The identity platform (OpenID discovery, client-credentials token) and Graph's user events."""

    def __init__(self, cert_file: Path, key_file: Path) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.calls = Calls()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        self.socket = context.wrap_socket(self.socket, server_side=True)

    @property
    def url(self) -> str:
        return f"https://localhost:{self.server_address[1]}"

    def route(self, handler: _Handler, method: str) -> None:
        path = urlsplit(handler.path).path
        if path == f"/{TENANT}/v2.0/.well-known/openid-configuration":
            base = f"{self.url}/{TENANT}"
            handler._send(200, {"token_endpoint": f"{base}/oauth2/v2.0/token", "issuer": f"{base}/v2.0",
                                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize"})
            return
        if path == f"/{TENANT}/oauth2/v2.0/token" and method == "POST":
            form = parse_qs(handler._body().decode())
            with self.calls.lock:
                self.calls.token_calls += 1
            if form.get("client_secret") != [CLIENT_SECRET]:
                handler._send(401, {"error": "invalid_client", "error_description": "bad secret"})
                return
            handler._send(200, {"access_token": "m-token", "expires_in": 3600, "token_type": "Bearer"})
            return
        if not path.startswith("/v1.0/users/") or handler.headers.get("Authorization") != "Bearer m-token":
            handler._send(401, {"error": {"code": "InvalidAuthenticationToken", "message": "no"}})
            return
        with self.calls.lock:
            self.calls.api_calls.append((method, path))
        if self.injected_failure(handler):
            return
        parts = [unquote(p) for p in path.split("/")[3:]]  # user, "events", [id]
        user, event_id = parts[0], parts[2] if len(parts) > 2 else None
        if user in self.calls.forbidden:
            handler._send(403, {"error": {"code": "ErrorAccessDenied", "message": "Access is denied."}})
            return
        body = json.loads(handler._body() or b"null")
        with self.calls.lock:
            self._graph(handler, method, user, event_id, body)

    def _graph(self, handler: _Handler, method: str, user: str, event_id: str | None, body: Any) -> None:
        events = self.calls.events
        if method == "POST":
            same = [e for (u, _), e in events.items() if u == user and e.get("transactionId") == body.get(
                "transactionId")]
            if same:
                handler._send(201, same[0])
                return
            new_id = "AAMk" + uuid.uuid4().hex
            events[(user, new_id)] = {**body, "id": new_id}
            handler._send(201, events[(user, new_id)])
        elif method == "PATCH" and event_id:
            if (user, event_id) not in events:
                handler._send(404, {"error": {"code": "ErrorItemNotFound", "message": "not found"}})
                return
            events[(user, event_id)].update(body)
            handler._send(200, events[(user, event_id)])
        elif method == "DELETE" and event_id:
            if events.pop((user, event_id), None) is None:
                handler._send(404, {"error": {"code": "ErrorItemNotFound", "message": "not found"}})
                return
            handler._send(204)
        else:
            handler._send(405)


def serve(server: _Server) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def service_account_file(directory: Path, key: rsa.RSAPrivateKey, token_uri: str) -> Path:
    """A service-account JSON as Google issues it, with a throwaway key and our token endpoint."""
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    path = directory / "service-account.json"
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "leave-test", "private_key_id": "k1", "private_key": pem,
        "client_email": "leavebot@leave-test.iam.gserviceaccount.com", "client_id": "1", "token_uri": token_uri,
    }))
    return path


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for localhost and 127.0.0.1 that is its own authority, and its key."""
    key = rsa_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "stand-in.pem", directory / "stand-in.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file
