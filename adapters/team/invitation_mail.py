"""The email that carries an invitation's link: the only place its token is ever shown."""

import logging
from urllib.parse import urlencode

from adapters.alerting.mailer import Mailer

log = logging.getLogger(__name__)


class InvitationMail:
    def __init__(self, mailer: Mailer, public_url: str) -> None:
        self.mailer = mailer
        self.public_url = public_url.rstrip("/")

    def link(self, token: str) -> str:
        return f"{self.public_url}/accept-invitation?{urlencode({'token': token})}"

    def send(self, to: str, team: str, inviter: str, role: str, token: str) -> bool:
        """Whether the message went out (or, without SMTP, was written to the mail folder)."""
        text = (
            f"{inviter} invited you to join the team {team!r} on Dregs, as {role.lower()}.\n\n"
            f"Accept the invitation and choose your password here (the link works once, for 7 days):\n"
            f"{self.link(token)}\n\n"
            "If you did not expect this, ignore this email: nothing happens until the link is used.\n"
        )
        result = self.mailer.send(self.mailer.message([to], f"[Dregs] {inviter} invited you to {team}", text))
        if result.error:
            log.error("the invitation email to a new member of team %r could not be sent: %s", team, result.error)
        return not result.error
