"""The server-rendered pages of the authorization endpoint, in Chinese with English: plain HTML, escaped.

Every value that came from a request is passed through ``html.escape``; the pages load nothing from
elsewhere and forbid framing (see the headers in ``authorize.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape

from ishenzhen.identity.accounts.models import Party
from ishenzhen.identity.scopes import DESCRIPTIONS

__all__ = [
    "OAUTH_FIELDS",
    "consent_page",
    "error_page",
    "login_page",
    "party_page",
    "raise_level_notice",
    "signed_out_page",
    "unmet_page",
]

OAUTH_FIELDS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "prompt",
    "max_age",
    "login_hint",
    "acr_values",
)

_STYLE = (
    "body{font-family:system-ui,'PingFang SC','Microsoft YaHei',sans-serif;max-width:26rem;margin:2rem auto;"
    "padding:0 1rem;color:#1f2328}h1{font-size:1.4rem}h2{font-size:1.05rem;margin:1.6rem 0 0;padding-top:.8rem;"
    "border-top:1px solid #d0d7de}.en{color:#57606a;font-size:.9em}label{display:block;"
    "margin:.8rem 0 .2rem}input[type=text],input[type=password],input[type=tel]{width:100%;padding:.5rem;"
    "box-sizing:border-box}button{margin-top:1rem;padding:.5rem 1rem}.error{color:#cf222e}.notice{color:#1a7f37}"
)


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>"
    )


def _hidden(params: Mapping[str, str], csrf: str) -> str:
    fields = [f'<input type="hidden" name="csrf" value="{escape(csrf)}">']
    fields += [
        f'<input type="hidden" name="{name}" value="{escape(params[name])}">'
        for name in OAUTH_FIELDS
        if params.get(name)
    ]
    return "".join(fields)


def error_page(detail: str) -> str:
    return _page(
        "无法登录 Cannot sign in",
        "<h1>无法继续登录 <span class=en>Cannot continue signing in</span></h1>"
        f"<p class=error>{escape(detail)}</p>"
        "<p>请返回应用重试。<span class=en>Go back to the app and try again.</span></p>",
    )


def login_page(
    params: Mapping[str, str],
    csrf: str,
    client_name: str,
    *,
    mobile: str = "",
    error: str | None = None,
    notice: str | None = None,
) -> str:
    hidden = _hidden(params, csrf)
    message = f"<p class=error role=alert>{escape(error)}</p>" if error else ""
    message += f"<p class=notice role=status>{escape(notice)}</p>" if notice else ""

    def mobile_field(field_id: str) -> str:  # each form has its own field: ids are unique on a page
        return (
            f"<label for={field_id}>手机号码 <span class=en>Mobile number</span></label>"
            f'<input type=tel id={field_id} name=mobile value="{escape(mobile)}" autocomplete=username required>'
        )

    return _page(
        "i深圳 登录 Sign in",
        f"<h1>登录 i深圳 <span class=en>Sign in to i Shenzhen</span></h1>"
        f"<p>{escape(client_name)} 请求访问您的账户。<span class=en>{escape(client_name)} asks to use your account.</span></p>"
        f"{message}"
        "<h2>密码登录 <span class=en>With a password</span></h2>"
        f'<form method=post action="/oauth/authorize">{hidden}<input type=hidden name=action value=password>'
        f"{mobile_field('mobile')}"
        "<label for=password>密码 <span class=en>Password</span></label>"
        "<input type=password id=password name=password autocomplete=current-password required>"
        "<button type=submit>登录 <span class=en>Sign in</span></button></form>"
        "<h2>短信验证码登录 <span class=en>With an SMS code</span></h2>"
        f'<form method=post action="/oauth/authorize">{hidden}{mobile_field("sms_mobile")}'
        "<label for=sms_code>短信验证码 <span class=en>SMS code</span></label>"
        "<input type=text id=sms_code name=sms_code inputmode=numeric autocomplete=one-time-code>"
        "<button type=submit name=action value=send_sms formnovalidate>发送验证码 <span class=en>Send code</span></button> "
        "<button type=submit name=action value=sms>验证码登录 <span class=en>Sign in with code</span></button></form>",
    )


def party_page(params: Mapping[str, str], csrf: str, name: str, parties: Iterable[Party]) -> str:
    options = (
        "<label><input type=radio name=party value=self checked> 本人 <span class=en>Myself</span></label>"
    )
    for party in parties:
        role = "法定代表人 Legal representative" if party.role == "legal_representative" else "经办人 Agent"
        options += (
            f'<label><input type=radio name=party value="{escape(party.credit_code)}"> {escape(party.name)} '
            f"<span class=en>{escape(role)}</span></label>"
        )
    return _page(
        "选择办事身份 Choose who you act for",
        f"<h1>选择办事身份 <span class=en>Choose who you act for</span></h1><p>{escape(name)}</p>"
        f'<form method=post action="/oauth/authorize">{_hidden(params, csrf)}'
        f"<input type=hidden name=action value=party>{options}"
        "<button type=submit>继续 <span class=en>Continue</span></button></form>",
    )


def signed_out_page() -> str:
    return _page("已退出 Signed out", "<h1>您已退出登录 <span class=en>You are signed out</span></h1>")


def _scope_items(scopes: Iterable[str]) -> str:
    items = ""
    for scope in scopes:
        zh, en = DESCRIPTIONS.get(scope, (scope, scope))
        items += f"<li>{escape(zh)} <span class=en>{escape(en)}</span> <code>{escape(scope)}</code></li>"
    return f"<ul>{items}</ul>"


def consent_page(
    params: Mapping[str, str], csrf: str, client_name: str, scopes: Iterable[str], party: str | None
) -> str:
    keep = f'<input type="hidden" name="party" value="{escape(party)}">' if party else ""
    return _page(
        "授权确认 Allow access?",
        f"<h1>授权确认 <span class=en>Allow access?</span></h1>"
        f"<p><strong>{escape(client_name)}</strong> 不是 i深圳 官方应用，它请求：<span class=en>is not an i Shenzhen "
        f"app. It asks to:</span></p>{_scope_items(scopes)}"
        "<p>您可以随时在 i深圳 App 中撤销授权。<span class=en>You can withdraw this later in the app.</span></p>"
        f'<form method=post action="/oauth/authorize">{_hidden(params, csrf)}{keep}'
        "<input type=hidden name=action value=consent>"
        "<button type=submit name=decision value=allow>同意 <span class=en>Allow</span></button> "
        "<button type=submit name=decision value=deny>拒绝 <span class=en>Deny</span></button></form>",
    )


# How to reach each level, for the page shown when a client asks for more than the account has.
RAISE_LEVEL = {
    2: (
        "此服务需要实名认证（L2）：请在 i深圳 App「我的 → 实名认证」核验姓名和身份证号码后重新登录。",
        "This service needs a verified real name (L2): verify your name and resident ID number in the "
        "i Shenzhen app (Me → Real-name verification), then sign in again.",
    ),
    3: (
        "此服务需要刷脸认证（L3）：请先完成实名认证，再在 i深圳 App「我的 → 刷脸认证」完成人脸核验后重新登录。",
        "This service needs a face check (L3): verify your real name first, then take the face check in the "
        "i Shenzhen app (Me → Face check), and sign in again.",
    ),
}


def raise_level_notice(level: int) -> str:
    zh, en = RAISE_LEVEL[level]
    return f"{zh} {en}"


def unmet_page(params: Mapping[str, str], csrf: str, level: int) -> str:
    zh, en = RAISE_LEVEL[level]
    return _page(
        "认证等级不足 Higher assurance needed",
        f"<h1>认证等级不足 <span class=en>Higher assurance needed</span></h1>"
        f"<p class=error role=alert>{escape(zh)}<br><span class=en>{escape(en)}</span></p>"
        f'<form method=post action="/oauth/authorize">{_hidden(params, csrf)}'
        "<input type=hidden name=action value=unmet>"
        "<button type=submit>返回应用 <span class=en>Back to the app</span></button></form>",
    )
