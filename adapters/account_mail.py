"""The emails that carry a person's single-use links, an invitation's or a password reset's: the only place
their tokens are ever shown. They count against the team's email limit, with its email channels' messages."""

import logging
from urllib.parse import urlencode
from uuid import UUID

from adapters.alerting.delivery_limits import DeliveryRateLimits
from adapters.alerting.mailer import Mailer
from application.alerting.deliveries import EMAIL_RULE

log = logging.getLogger(__name__)


class AccountMail:
    def __init__(self, mailer: Mailer, public_url: str, limits: DeliveryRateLimits) -> None:
        self.mailer = mailer
        self.public_url = public_url.rstrip("/")
        self.limits = limits

    def wait_to_send(self, customer_id: UUID) -> float | None:
        """Count one email of the team's; the seconds to wait instead when the team is over its email limit."""
        return self.limits.over(EMAIL_RULE, str(customer_id))

    def _link(self, page: str, token: str) -> str:
        return f"{self.public_url}/{page}?{urlencode({'token': token})}"

    def _send(self, to: str, subject: str, text: str) -> bool:
        """Whether the message went out (or, without SMTP, was written to the mail folder)."""
        result = self.mailer.send(self.mailer.message([to], subject, text))
        if result.error:
            log.error("an account email (%s) could not be sent: %s", subject, result.error)
        return not result.error

    def invitation(self, to: str, team: str, inviter: str, role: str, token: str) -> bool:
        text = (
            f"{inviter} invited you to join the team {team!r} on Dregs, as {role.lower()}.\n\n"
            f"Accept the invitation and choose your password here (the link works once, for 7 days):\n"
            f"{self._link('accept-invitation', token)}\n\n"
            "If you did not expect this, ignore this email: nothing happens until the link is used.\n"
        )
        return self._send(to, f"[Dregs] {inviter} invited you to {team}", text)

    def password_reset(self, to: str, token: str) -> bool:
        text = (
            "Someone asked to reset the password of your Dregs account.\n\n"
            f"Choose a new password here (the link works once, for an hour; every session of yours then ends):\n"
            f"{self._link('reset-password', token)}\n\n"
            "If it was not you, ignore this email: your password stays as it is.\n"
        )
        return self._send(to, "[Dregs] Reset your password", text)
