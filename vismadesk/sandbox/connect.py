"""Visma Connect over HTTP: discovery, the sign-in page, token, revocation, userinfo.

Errors follow RFC 6749: from the token endpoint a 400 (401 for a client that
authenticated with a Basic header) with `{"error", "error_description"}`; from the
authorize endpoint a redirect carrying `error` and `state`, except for an unknown
client or redirect URI, which are shown to the user and never redirected.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route, Router

from vismadesk.sandbox import signin_page
from vismadesk.sandbox.core import Core, json_response, service_base
from vismadesk.sandbox.oauth import (
    INTERACTIVE_SCOPES,
    SERVICE_SCOPES,
    BearerError,
    OAuthError,
    SignIn,
)
from vismadesk.sandbox.signin_page import page_language, render_error, render_sign_in

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _redirect_with(uri: str, params: dict[str, str | None]) -> RedirectResponse:
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(k, v) for k, v in params.items() if v is not None]
    return RedirectResponse(urlunsplit(parts._replace(query=urlencode(query))), status_code=302)


def _token_error(e: OAuthError) -> JSONResponse:
    headers = dict(NO_STORE)
    if e.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="visma-connect"'
    return json_response(e.body(), e.status, headers)


def http_error(status: int, path: str) -> Response:
    verb = "does not take this method" if status == 405 else "does not exist"
    return json_response(
        {"error": "invalid_request", "error_description": f"{path} {verb}"}, status, NO_STORE
    )


def _basic_auth(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        raw = base64.b64decode(header[6:].strip()).decode()
    except (binascii.Error, UnicodeDecodeError):
        return ("", "")
    client_id, _, secret = raw.partition(":")
    return unquote(client_id), unquote(secret)


class VismaConnect:
    def __init__(self, core: Core) -> None:
        self.oauth = core.oauth
        self.creds = core.creds

    def router(self) -> Router:
        return Router(
            routes=[
                Route("/.well-known/openid-configuration", self.discovery, methods=["GET"]),
                Route("/.well-known/openid-configuration/jwks", self.jwks, methods=["GET"]),
                Route("/connect/authorize", self.authorize, methods=["GET"]),
                Route("/connect/authorize", self.submit, methods=["POST"]),
                Route("/connect/token", self.token, methods=["POST"]),
                Route("/connect/revocation", self.revocation, methods=["POST"]),
                Route("/connect/userinfo", self.userinfo, methods=["GET", "POST"]),
                Route("/connect/endsession", self.endsession, methods=["GET"]),
            ]
        )

    def tenants(self) -> list[tuple[str, str, str]]:
        """(tenant id, company, what kind of tenant); the first is preselected."""
        return [
            (self.creds.tenant_id, "Van Dam Installatietechniek B.V.", "Company - Visma.net ERP"),
            (
                self.creds.customer_tenant_id,
                "Van Dam Installatietechniek B.V.",
                "Customer portal - not the ERP company",
            ),
        ]

    async def discovery(self, request: Request) -> Response:
        base = service_base(request, "visma_connect")
        return json_response(
            {
                "issuer": base,
                "authorization_endpoint": f"{base}/connect/authorize",
                "token_endpoint": f"{base}/connect/token",
                "userinfo_endpoint": f"{base}/connect/userinfo",
                "end_session_endpoint": f"{base}/connect/endsession",
                "revocation_endpoint": f"{base}/connect/revocation",
                "jwks_uri": f"{base}/.well-known/openid-configuration/jwks",
                "scopes_supported": sorted(INTERACTIVE_SCOPES | SERVICE_SCOPES),
                "response_types_supported": ["code"],
                "response_modes_supported": ["query"],
                "grant_types_supported": [
                    "authorization_code",
                    "refresh_token",
                    "client_credentials",
                ],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_post",
                    "client_secret_basic",
                    "none",
                ],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        )

    async def jwks(self, request: Request) -> Response:
        return json_response({"keys": []})

    def page(
        self,
        sign_in: SignIn,
        user: str = "",
        error: str | None = None,
        tenant: str | None = None,
        lang: str = "en",
    ) -> HTMLResponse:
        html = render_sign_in(
            lang="nl" if lang == "nl" else "en",
            sign_in_id=sign_in.id,
            client_id=sign_in.client_id,
            scopes=sign_in.scopes,
            tenants=self.tenants(),
            user=user,
            demo_user=self.creds.user,
            demo_password=self.creds.password,
            error=error,
            chosen=tenant,
        )
        return HTMLResponse(html, headers=NO_STORE)

    async def authorize(self, request: Request) -> Response:
        params = dict(request.query_params)
        lang = page_language(params.get("ui_locales"), request.headers.get("accept-language"))
        try:
            self.oauth.check_client_and_redirect(
                params.get("client_id"), params.get("redirect_uri")
            )
        except OAuthError as e:
            return HTMLResponse(render_error(signin_page.REJECTED, e.description, lang), 400)
        try:
            sign_in = self.oauth.begin(params)
        except OAuthError as e:
            return _redirect_with(
                params["redirect_uri"],
                {
                    "error": e.error,
                    "error_description": e.description,
                    "state": params.get("state"),
                },
            )
        return self.page(sign_in, lang=lang)

    async def submit(self, request: Request) -> Response:
        form = await request.form()
        lang = page_language(
            str(form.get("ui_locales", "")), request.headers.get("accept-language")
        )
        sign_in = self.oauth.sign_in(str(form.get("sign_in", "")))
        if sign_in is None:
            return HTMLResponse(
                render_error(signin_page.EXPIRED, signin_page.EXPIRED_DETAIL, lang), 400
            )
        action = str(form.get("action", ""))
        if action == "deny":
            self.oauth.finish(sign_in.id)
            return _redirect_with(
                sign_in.redirect_uri,
                {
                    "error": "access_denied",
                    "error_description": "The user denied the request",
                    "state": sign_in.state,
                },
            )
        tenant = str(form.get("tenant", ""))
        if action != "approve":
            return self.page(
                sign_in, error=signin_page.CHOOSE_APPROVE_OR_DENY, tenant=tenant, lang=lang
            )
        user = str(form.get("username", "")).strip()
        if (
            user.lower() != self.creds.user.lower()
            or str(form.get("password", "")) != self.creds.password
        ):
            return self.page(
                sign_in, user=user, error=signin_page.WRONG_PASSWORD, tenant=tenant, lang=lang
            )
        if tenant not in {t for t, _, _ in self.tenants()}:
            return self.page(sign_in, user=user, error=signin_page.CHOOSE_COMPANY, lang=lang)
        self.oauth.finish(sign_in.id)
        code = self.oauth.issue_code(sign_in, self.creds.user, tenant)
        return _redirect_with(sign_in.redirect_uri, {"code": code, "state": sign_in.state})

    async def token(self, request: Request) -> Response:
        try:
            form = await request.form()
        except Exception:  # a body that is not form data at all
            return _token_error(OAuthError("invalid_request", "Body must be form-urlencoded"))
        fields = {k: str(v) for k, v in form.items()}
        basic = _basic_auth(request)
        client_id = basic[0] if basic else fields.get("client_id")
        secret = basic[1] if basic else fields.get("client_secret")
        grant = fields.get("grant_type")
        try:
            if not grant:
                raise OAuthError("invalid_request", "grant_type is missing")
            if grant not in {"authorization_code", "refresh_token", "client_credentials"}:
                raise OAuthError("unsupported_grant_type", f"grant_type '{grant}' is not supported")
            self.oauth.authenticate_client(
                client_id,
                secret,
                secret_required=grant == "client_credentials",
                basic=basic is not None,
            )
            assert client_id is not None
            if grant == "authorization_code":
                body = self.oauth.exchange_code(
                    fields.get("code"),
                    fields.get("redirect_uri"),
                    fields.get("code_verifier"),
                    client_id,
                )
            elif grant == "refresh_token":
                body = self.oauth.use_refresh_token(
                    fields.get("refresh_token"), client_id, fields.get("scope")
                )
            else:
                body = self.oauth.client_credentials(fields.get("tenant_id"), fields.get("scope"))
        except OAuthError as e:
            return _token_error(e)
        return json_response(body, 200, NO_STORE)

    async def revocation(self, request: Request) -> Response:
        form = await request.form()
        fields = {k: str(v) for k, v in form.items()}
        basic = _basic_auth(request)
        try:
            self.oauth.authenticate_client(
                basic[0] if basic else fields.get("client_id"),
                basic[1] if basic else fields.get("client_secret"),
                secret_required=False,
                basic=basic is not None,
            )
            if not fields.get("token"):
                raise OAuthError("invalid_request", "token is missing")
        except OAuthError as e:
            return _token_error(e)
        # RFC 7009 §2.2: an unknown token is answered with 200 all the same.
        self.oauth.revoke(fields["token"])
        return Response(status_code=200)

    async def userinfo(self, request: Request) -> Response:
        try:
            return json_response(self.oauth.userinfo(request.headers.get("authorization")))
        except BearerError as e:
            return Response(
                status_code=e.status, headers={"WWW-Authenticate": e.www_authenticate()}
            )

    async def endsession(self, request: Request) -> Response:
        target = request.query_params.get("post_logout_redirect_uri")
        if target and (urlsplit(target).hostname or "") in {"127.0.0.1", "localhost", "::1"}:
            return RedirectResponse(target, status_code=302)
        lang = page_language(None, request.headers.get("accept-language"))
        return HTMLResponse(
            render_error(signin_page.SIGNED_OUT, signin_page.SIGNED_OUT_DETAIL, lang)
        )
