"""A delivery as a Slack Block Kit card, for an incoming webhook (`{"text", "blocks"}`; Slack answers `ok`).

Slack reads `&`, `<` and `>` in mrkdwn as markup (`<url|label>` links, `<!channel>` mentions), so every
text that comes from a customer's users (identity ids, names, badge names) is escaped first."""

from typing import Any
from urllib.parse import quote

MAX_TEXT = 2900  # a section's text may hold 3000 characters
CATEGORIES = ("HUMANITY", "AUTHENTICITY", "UNIQUENESS", "BEHAVIOR")
TITLES = {
    "IDENTITY_SCORED": "Identity scored",
    "IDENTITY_BADGES_CHANGED": "Identity badges changed",
    "ESCALATION_OPENED": "Escalation opened",
    "ESCALATION_CLOSED": "Escalation closed",
    "TEST": "Test notification",
}


def escape(text: object) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _scores(data: dict[str, Any]) -> dict[str, Any]:
    """Category → score, from `scores` as a mapping or as [{category, value}], or from the escalation's snapshot."""
    found = data.get("scores")
    if found is None and isinstance(data.get("escalation"), dict):
        found = data["escalation"].get("scoreSnapshot", data["escalation"].get("scores"))
    if isinstance(found, list):
        found = {str(s.get("category", "")).upper(): s.get("value") for s in found if isinstance(s, dict)}
    if not isinstance(found, dict):
        return {}
    return {str(k).upper(): v for k, v in found.items()}


def _badge_names(badges: object) -> list[str]:
    if not isinstance(badges, list):
        return []
    return [str(b.get("name") or b.get("slug")) if isinstance(b, dict) else str(b) for b in badges]


def facts(data: dict[str, Any]) -> dict[str, Any]:
    """What a card and an email show, whatever the event: identity, severity, scores, badges."""
    escalation = data.get("escalation") if isinstance(data.get("escalation"), dict) else {}
    identity = (
        data.get("identityId") or data.get("identity") or escalation.get("identityId") or escalation.get("identity")
    )
    if isinstance(identity, dict):
        identity = identity.get("id")
    return {
        "identity": None if identity is None else str(identity),
        "severity": data.get("severity") or escalation.get("severity"),
        "rule": _rule_name(escalation) or data.get("ruleName"),
        "scores": _scores(data),
        "badges": _badge_names(data.get("badges", escalation.get("badges"))),
        "added": _badge_names(data.get("added")),
        "removed": _badge_names(data.get("removed")),
        "message": data.get("message"),
    }


def _rule_name(escalation: dict[str, Any]) -> str | None:
    """The escalation's rule as domain/alerting/payloads.py names it (a reference), or a plain name."""
    rule = escalation.get("escalationRule") or escalation.get("rule") or escalation.get("ruleName")
    if isinstance(rule, dict):
        return rule.get("label") or rule.get("slug")
    return None if rule is None else str(rule)


def identity_link(public_url: str, identity: str) -> str:
    return f"{public_url.rstrip('/')}/identities/{quote(identity, safe='')}"


def card(event: str, data: dict[str, Any], public_url: str) -> dict[str, Any]:
    f = facts(data)
    title = TITLES.get(event, event)
    headline = f"{title}: {f['identity']}" if f["identity"] else title
    lines = [f"*{escape(title)}*"]
    if f["severity"]:
        lines.append(f"*Severity:* {escape(f['severity'])}")
    if f["rule"]:
        lines.append(f"*Rule:* {escape(f['rule'])}")
    if f["identity"]:
        lines.append(f"*Identity:* <{identity_link(public_url, f['identity'])}|{escape(f['identity'])}>")
    if f["message"]:
        lines.append(escape(f["message"]))
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": headline[:150], "emoji": False}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:MAX_TEXT]}},
    ]
    if f["scores"]:
        blocks.append(
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": f"*{c.title()}*\n{escape(f['scores'].get(c, '–'))}"} for c in CATEGORIES
                ],
            }
        )
    badge_lines = []
    for label, key in (("Badges", "badges"), ("Added", "added"), ("Removed", "removed")):
        if f[key]:
            badge_lines.append(f"*{label}:* " + ", ".join(escape(b) for b in f[key]))
    if badge_lines:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(badge_lines)[:MAX_TEXT]}})
    if f["identity"]:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Open identity"},
                        "url": identity_link(public_url, f["identity"]),
                    }
                ],
            }
        )
    # The notification's fallback text (mobile pushes, screen readers) is read as mrkdwn too.
    return {"text": escape(headline), "blocks": blocks}
