"""Forgotten passwords: a reset link by email (single-use, an hour), and the new password set with it, which
ends every session of the account at once."""

import hmac
import secrets
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from application.accounts.application import AccountsApplication, LinkNotFound, normalize_email
from application.accounts.passwords import hash_password
from domain.accounts.password_reset import LIFETIME_MICROS, PasswordReset
from domain.errors import Conflict, InvalidInput
from domain.ids import user_id_for_email

TOKEN_PREFIX = "pwr_"


@dataclass(frozen=True)
class ResetLink:
    email: str
    token: str  # to email to the address, and show no one else
    customer_id: UUID  # the team whose email limit the message counts against


def request_reset(accounts: AccountsApplication, email: str, now: int) -> ResetLink | None:
    """The link to email for an account that can sign in; None for any other address, which the caller answers
    exactly as it answers a known one (no one learns who has an account)."""
    try:
        email = normalize_email(email)
    except InvalidInput:
        return None
    user = accounts.user(user_id_for_email(email))
    if user is None or not user.active:
        return None
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    accounts.save(PasswordReset(user_id=user.id, token_hash=accounts.key_hash(token), expires_at=now + LIFETIME_MICROS))
    return ResetLink(user.email, token, user.customer_id)


def reset_password(accounts: AccountsApplication, token: str, new_password: str, now: int) -> UUID:
    """Sets the new password; the account's id."""
    token_hash = accounts.key_hash(token)
    try:
        reset: PasswordReset = accounts.repository.get(PasswordReset.create_id(token_hash))
    except AggregateNotFoundError:
        raise LinkNotFound("This reset link is not valid") from None
    if not isinstance(reset, PasswordReset) or not hmac.compare_digest(reset.token_hash, token_hash):
        raise LinkNotFound("This reset link is not valid")
    password_hash = hash_password(new_password)
    user = accounts.user(reset.user_id)
    if user is None or not user.active:
        raise Conflict("This account can no longer sign in")
    reset.use(now)
    user.change_password(password_hash)
    try:
        accounts.save(reset, user)
    except IntegrityError:
        raise Conflict("This reset link was already used: ask for a new one") from None
    return user.id
