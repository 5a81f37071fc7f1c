"""The Visma Connect sign-in page the sandbox serves at /connect/authorize.

Plain HTML and CSS (no script), so any real browser can use it and `play_browser`
can parse it: one form, hidden `sign_in` id, user, password, a company (tenant)
choice as radio buttons, and Approve / Deny buttons that submit `action=approve|deny`.
The companies are all visible at once because picking the wrong one (the customer
portal tenant) is a real cause of 401s from the ERP API.
"""

from __future__ import annotations

from html import escape

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
    "openid": "Know who you are",
    "profile": "See your name",
    "email": "See your email address",
    "offline_access": "Stay connected without signing in again",
    "vismanet_erp_interactive_api:read": "Read customers, items and invoices in Visma.net ERP",
    "vismanet_erp_interactive_api:create": "Create customers, items and invoices",
    "vismanet_erp_interactive_api:update": "Change customers, items and invoices",
    "vismanet_erp_interactive_api:delete": "Delete records in Visma.net ERP",
    "visma.net.erp.salesorder:read": "Read sales orders",
    "visma.net.erp.salesorder:write": "Create and change sales orders",
}


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
) -> str:
    """`chosen` keeps the company the user picked when the page comes back with an error."""
    if chosen not in {tid for tid, _, _ in tenants}:
        chosen = tenants[0][0] if tenants else None
    companies = "".join(
        f'<label class="company"><input type="radio" name="tenant" value="{escape(tid)}"'
        f"{' checked' if tid == chosen else ''}><span>{escape(name)}"
        f"<small>{escape(kind)}</small></span></label>"
        for tid, name, kind in tenants
    )
    scope_list = "".join(
        f'<li title="{escape(s)}">{escape(SCOPE_WORDS.get(s, s))}</li>' for s in scopes
    )
    error_html = f'<div class="error" role="alert">{escape(error)}</div>' if error else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in - Visma Connect (sandbox)</title>
<style>{_STYLE}</style>
</head>
<body>
<div class="bar">visma <b>connect</b><span class="sandbox">SANDBOX</span></div>
<main>
<h1>Sign in</h1>
<p class="lead"><strong>vismadesk</strong> wants to use Visma.net ERP on your behalf.</p>
{error_html}
<form method="post" action="authorize">
<input type="hidden" name="sign_in" value="{escape(sign_in_id)}">
<label for="username">Email</label>
<input id="username" name="username" type="email" autocomplete="username" value="{escape(user)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password">
<div class="hint" data-demo-user="{escape(demo_user)}"
 data-demo-password="{escape(demo_password)}">
Demo account: {escape(demo_user)} / {escape(demo_password)}</div>
<fieldset><legend>Company</legend>{companies}</fieldset>
<div class="scopes">vismadesk asks to:<ul>{scope_list}</ul></div>
<div class="buttons">
<button class="approve" type="submit" name="action" value="approve">Approve</button>
<button class="deny" type="submit" name="action" value="deny">Deny</button>
</div>
</form>
<div class="client">Client ID: {escape(client_id)}</div>
</main>
</body>
</html>
"""


def render_error(title: str, detail: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)} - Visma Connect (sandbox)</title>
<style>{_STYLE}</style></head>
<body><div class="bar">visma <b>connect</b><span class="sandbox">SANDBOX</span></div>
<main><h1>{escape(title)}</h1><div class="error" role="alert">{escape(detail)}</div></main>
</body></html>
"""
