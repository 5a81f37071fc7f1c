"""The Visma Connect sign-in page the sandbox serves at /connect/authorize.

Plain HTML and CSS (no script), so any real browser can use it and `play_browser`
can parse it: one form, hidden `sign_in` id, user, password, a company (tenant)
choice as radio buttons, and Approve / Deny buttons that submit `action=approve|deny`.
The companies are all visible at once because picking the wrong one (the customer
portal tenant) is a real cause of 401s from the ERP API.

The page speaks the language the program asks for (`ui_locales`, as OpenID Connect
has it) or else the browser's (Accept-Language): Dutch or English, as the real
Visma Connect page does.
"""

from __future__ import annotations

from html import escape

from vismadesk.i18n import N_, Language, gettext

_STYLE = """
* { box-sizing: border-box; }
body { margin: 0; font-family: "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       background: #eef1f5; color: #1b2733; }
.bar { background: #1a2b4c; color: #fff; padding: 14px 28px; font-size: 18px; }
.bar b { color: #7fd0ff; }
.sandbox { float: right; font-size: 12px; background: #f5a623; color: #1b2733;
           padding: 3px 8px; border-radius: 10px; }
main { max-width: 440px; margin: 24px auto; background: #fff; border-radius: 8px;
       box-shadow: 0 2px 12px rgba(0,0,0,.12); padding: 24px 36px 28px; }
h1 { font-size: 22px; margin: 0 0 6px; }
p.lead { margin: 0 0 10px; color: #52606d; font-size: 14px; }
label { display: block; font-size: 13px; font-weight: 600; margin: 12px 0 5px; }
input, select { width: 100%; padding: 9px 12px; border: 1px solid #b8c2cc;
                border-radius: 4px; font-size: 15px; background: #fff; }
fieldset { border: 0; padding: 0; margin: 14px 0 0; }
legend { font-size: 13px; font-weight: 600; margin: 0 0 5px; padding: 0; }
.company { display: flex; gap: 10px; align-items: flex-start; margin: 0 0 6px;
           padding: 7px 12px; border: 1px solid #b8c2cc; border-radius: 4px;
           font-weight: 400; cursor: pointer; }
.company:has(input:checked) { border-color: #1a73e8; background: #f0f6ff; }
.company input { width: auto; margin: 3px 0 0; }
.company span { display: block; font-size: 14px; }
.company small { display: block; color: #7b8794; font-size: 12px; margin-top: 2px; }
.scopes { margin: 12px 0 0; padding: 8px 14px; background: #f5f7fa; border-radius: 4px;
          font-size: 13px; color: #52606d; }
.scopes ul { margin: 4px 0 0; padding-left: 18px; }
.scopes li { margin: 1px 0; }
.client { font-size: 11px; color: #7b8794; margin-top: 14px; text-align: center; }
.error { background: #fde8e8; color: #9b1c1c; padding: 10px 12px; border-radius: 4px;
         font-size: 14px; margin-bottom: 12px; }
.hint { font-size: 12px; color: #7b8794; margin-top: 6px; }
/* Approve comes first in the form, so Enter approves; shown on the right. */
.buttons { display: flex; flex-direction: row-reverse; gap: 12px; margin-top: 18px; }
button { flex: 1; padding: 11px; font-size: 15px; border-radius: 4px; cursor: pointer;
         border: 1px solid #1a2b4c; }
button.approve { background: #1a73e8; border-color: #1a73e8; color: #fff; }
button.deny { background: #fff; color: #1a2b4c; }
"""


# What each scope lets the program do, in words a planner understands.
SCOPE_WORDS = {
    "openid": N_("Know who you are"),
    "profile": N_("See your name"),
    "email": N_("See your email address"),
    "offline_access": N_("Stay connected without signing in again"),
    "vismanet_erp_interactive_api:read": N_("Read customers, items and invoices in Visma.net ERP"),
    "vismanet_erp_interactive_api:create": N_("Create customers, items and invoices"),
    "vismanet_erp_interactive_api:update": N_("Change customers, items and invoices"),
    "vismanet_erp_interactive_api:delete": N_("Delete records in Visma.net ERP"),
    "visma.net.erp.salesorder:read": N_("Read sales orders"),
    "visma.net.erp.salesorder:write": N_("Create and change sales orders"),
}

# What the sign-in page answers a wrong or incomplete form (the connect routes pick one).
CHOOSE_APPROVE_OR_DENY = N_("Choose Approve or Deny.")
WRONG_PASSWORD = N_("Wrong email address or password.")
CHOOSE_COMPANY = N_("Choose a company.")
REJECTED = N_("Sign-in request rejected")
EXPIRED = N_("Sign-in expired")
EXPIRED_DETAIL = N_("This sign-in request is unknown or expired; start again.")
SIGNED_OUT = N_("Signed out")
SIGNED_OUT_DETAIL = N_("You are signed out of Visma Connect.")

# The page's own words (marked here: a text inside an f-string is not seen by extraction).
PAGE_WORDS = {
    "title": N_("Sign in - Visma Connect (sandbox)"),
    "heading": N_("Sign in"),
    "email": N_("Email"),
    "password": N_("Password"),
    "company": N_("Company"),
    "asks": N_("vismadesk asks to:"),
    "approve": N_("Approve"),
    "deny": N_("Deny"),
    "client": N_("Client ID: {client_id}"),
}


def page_language(ui_locales: str | None, accept_language: str | None) -> Language:
    """The page's language: the first of `ui_locales` (space separated, as OpenID Connect
    has it), then of the browser's Accept-Language, that is Dutch or English."""
    for wanted in (ui_locales or "").split() + _accepted(accept_language):
        head = wanted.strip().lower().replace("_", "-").split("-")[0]
        if head == "nl":
            return "nl"
        if head == "en":
            return "en"
    return "en"


def _accepted(header: str | None) -> list[str]:
    """Accept-Language's tags, most wanted first ("nl-NL,nl;q=0.9,en;q=0.8")."""
    tags = []
    for i, part in enumerate((header or "").split(",")):
        tag, _sep, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        if tag and tag != "*":
            tags.append((-weight, i, tag))
    return [tag for _w, _i, tag in sorted(tags)]


def render_sign_in(
    *,
    sign_in_id: str,
    client_id: str,
    scopes: tuple[str, ...],
    tenants: list[tuple[str, str, str]],
    user: str,
    demo_user: str,
    demo_password: str,
    error: str | None = None,
    chosen: str | None = None,
    lang: Language = "en",
) -> str:
    """`chosen` keeps the company the user picked when the page comes back with an error;
    `error` is one of the texts above (in English: it is shown in `lang`)."""

    def t(text: str) -> str:
        return escape(gettext(text, lang=lang))

    w = {key: t(text) for key, text in PAGE_WORDS.items()}

    if chosen not in {tid for tid, _, _ in tenants}:
        chosen = tenants[0][0] if tenants else None
    companies = "".join(
        f'<label class="company"><input type="radio" name="tenant" value="{escape(tid)}"'
        f"{' checked' if tid == chosen else ''}><span>{escape(name)}"
        f"<small>{escape(kind)}</small></span></label>"
        for tid, name, kind in tenants
    )
    scope_list = "".join(
        f'<li title="{escape(s)}">{t(SCOPE_WORDS[s]) if s in SCOPE_WORDS else escape(s)}</li>'
        for s in scopes
    )
    error_html = f'<div class="error" role="alert">{t(error)}</div>' if error else ""
    lead = t(N_("{app} wants to use Visma.net ERP on your behalf.")).format(
        app="<strong>vismadesk</strong>"
    )
    demo_account = t(N_("Demo account: {user} / {password}")).format(
        user=escape(demo_user), password=escape(demo_password)
    )
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{w["title"]}</title>
<style>{_STYLE}</style>
</head>
<body>
<div class="bar">visma <b>connect</b><span class="sandbox">SANDBOX</span></div>
<main>
<h1>{w["heading"]}</h1>
<p class="lead">{lead}</p>
{error_html}
<form method="post" action="authorize">
<input type="hidden" name="sign_in" value="{escape(sign_in_id)}">
<input type="hidden" name="ui_locales" value="{lang}">
<label for="username">{w["email"]}</label>
<input id="username" name="username" type="email" autocomplete="username" value="{escape(user)}">
<label for="password">{w["password"]}</label>
<input id="password" name="password" type="password" autocomplete="current-password">
<div class="hint" data-demo-user="{escape(demo_user)}"
 data-demo-password="{escape(demo_password)}">
{demo_account}</div>
<fieldset><legend>{w["company"]}</legend>{companies}</fieldset>
<div class="scopes">{w["asks"]}<ul>{scope_list}</ul></div>
<div class="buttons">
<button class="approve" type="submit" name="action" value="approve">{w["approve"]}</button>
<button class="deny" type="submit" name="action" value="deny">{w["deny"]}</button>
</div>
</form>
<div class="client">{w["client"].format(client_id=escape(client_id))}</div>
</main>
</body>
</html>
"""


def render_error(title: str, detail: str, lang: Language = "en") -> str:
    """`title` and `detail`: texts above, or words of the request (shown as they are)."""
    head = escape(gettext(title, lang=lang))
    sandbox = escape(gettext(N_("Visma Connect (sandbox)"), lang=lang))
    shown = escape(gettext(detail, lang=lang))
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{head} - {sandbox}</title>
<style>{_STYLE}</style></head>
<body><div class="bar">visma <b>connect</b><span class="sandbox">SANDBOX</span></div>
<main><h1>{head}</h1><div class="error" role="alert">{shown}</div></main>
</body></html>
"""
