"""A local stand-in of the Bot Framework's OpenID metadata and signing keys, to mint valid tokens.

Teams signs every activity it sends a bot with a key the bot fetches from the Bot Framework's
OpenID metadata. This stand-in serves that metadata and the JWKS of one throwaway RSA key,
configured through the same endpoint settings a national cloud uses, so a test can send an
activity that the door's real token check lets in.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bot.teams import TeamsConfig

APP_ID = "6f1c2a0e-8d4b-4c1e-9a7f-0b2d3c4e5f60"
ISSUER = "https://api.botframework.test"
KEY_ID = "leavebot-test-key"


class OpenIdStandIn:
    """Serves ``.well-known/openidconfiguration`` and the JWKS of one throwaway key, in a thread
    (the SDK fetches them with blocking ``requests``)."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid=KEY_ID, use="sig", endorsements=["msteams"])
        keys = {"keys": [jwk]}
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body: dict[str, Any]
                if self.path.endswith("/openidconfiguration"):
                    body = {"issuer": ISSUER, "jwks_uri": f"{owner.url}/keys"}
                elif self.path.endswith("/keys"):
                    body = keys
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def config(self) -> TeamsConfig:
        return TeamsConfig(
            APP_ID=APP_ID,
            APP_PASSWORD="not-used-by-these-tests",
            TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL=f"{self.url}/v1/.well-known/openidconfiguration",
            TO_BOT_FROM_CHANNEL_TOKEN_ISSUER=ISSUER,
            TO_CHANNEL_FROM_BOT_OAUTH_SCOPE="https://api.botframework.com",
            TO_CHANNEL_FROM_BOT_LOGIN_URL=f"{self.url}/botframework.com",
        )

    def token(self, service_url: str, key: Any = None, **claims: Any) -> str:
        now = int(time.time())
        body = {"iss": ISSUER, "aud": APP_ID, "serviceurl": service_url, "nbf": now - 60, "iat": now - 60,
                "exp": now + 3600, **claims}
        return jwt.encode(body, key or self.key, algorithm="RS256", headers={"kid": KEY_ID})

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
