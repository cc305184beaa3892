"""A small but real OpenID Connect provider on loopback for the single sign-on tests: discovery,
authorize (authorization code with PKCE S256), token (client secret, code verifier, one use per code),
JWKS and userinfo (Bearer), ID tokens signed RS256 with a key made for the run."""

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "helpdesk-test"
CLIENT_SECRET = "s3cret-for-tests"  # noqa: S105 (a test provider's client secret)


class Provider:
    """Who signs in next (`claims` for userinfo, `id_claims` added to the ID token), and what came in."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(4)
        self.claims: dict = {}
        self.id_claims: dict = {}
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.requests: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Provider":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def authorize(self, query: dict) -> str:
        """The browser's visit: the user is signed in at the provider; back to the client with a code."""
        code = secrets.token_urlsafe(16)
        self.codes[code] = query
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"

    def token(self, form: dict) -> tuple[int, dict]:
        asked = self.codes.pop(form.get("code", ""), None)
        if asked is None or form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return 400, {"error": "invalid_grant"}
        challenge = base64.urlsafe_b64encode(hashlib.sha256(form["code_verifier"].encode()).digest()).rstrip(b"=")
        if challenge.decode() != asked["code_challenge"] or form.get("redirect_uri") != asked["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        access = secrets.token_urlsafe(16)
        self.tokens[access] = dict(self.claims)
        now = int(time.time())
        id_token = {"iss": self.issuer, "sub": self.claims.get("sub"), "aud": CLIENT_ID, "iat": now, "exp": now + 300}
        id_token.update(nonce=asked["nonce"], **self.id_claims)
        signed = jwt.encode(id_token, self.key, algorithm="RS256", headers={"kid": self.kid})
        return 200, {"access_token": access, "token_type": "Bearer", "id_token": signed, "expires_in": 300}

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: dict | None = None, location: str | None = None) -> None:
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                data = json.dumps(body or {}).encode()
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                provider.requests.append(url.path)
                if url.path == "/.well-known/openid-configuration":
                    self._send(200, provider.discovery())
                elif url.path == "/jwks":
                    self._send(200, provider.jwks())
                elif url.path == "/authorize":
                    query = {k: v[0] for k, v in parse_qs(url.query).items()}
                    self._send(302, location=provider.authorize(query))
                elif url.path == "/userinfo":
                    bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    claims = provider.tokens.get(bearer)
                    self._send(200, claims) if claims is not None else self._send(401, {"error": "invalid_token"})
                else:
                    self._send(404)

            def do_POST(self):
                provider.requests.append(self.path)
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                self._send(*provider.token(form)) if self.path == "/token" else self._send(404)

        return Handler
