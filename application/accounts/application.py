"""Teams, dashboard users and API credentials."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit
from uuid import UUID

from email_validator import EmailNotValidError, validate_email
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError

from application.accounts.key_cache import KeyCache, KeyGrant
from application.accounts.passwords import hash_password, verify_password
from application.positions import last_position
from application.transcoder import TOPIC as TRANSCODER
from domain.accounts.credential import Credential
from domain.accounts.customer import Customer
from domain.accounts.roles import Role
from domain.accounts.user import User
from domain.errors import Conflict, InvalidInput, NotAllowed
from domain.ids import credential_id_for_key_hash, user_id_for_email
from domain.team.team import Team
from domain.text import check_storable

SECRET_KEY_PREFIX = "sk_"
PUBLIC_KEY_PREFIX = "pk_"
_KEY_BYTES = 24  # 192 random bits
MAX_NAME = 100
MAX_ORIGINS = 50


class AuthenticationFailed(Exception):
    pass


class CredentialNotFound(Exception):
    pass


class LinkNotFound(Exception):
    """An emailed link's token (an invitation's, a password reset's) that names nothing: answered 404."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class IssuedCredential:
    credential: Credential
    secret_key: str


def normalize_email(email: str) -> str:
    try:
        return validate_email(check_storable("email", email), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidInput(f"email is not valid: {exc}") from None


def check_name(field: str, value: str) -> str:
    value = value.strip()
    if not value or len(value) > MAX_NAME:
        raise InvalidInput(f"{field} must be 1 to {MAX_NAME} characters long")
    return check_storable(field, value)


def normalize_origin(origin: str) -> str:
    try:
        parts = urlsplit(origin.strip())
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        raise InvalidInput(f"allowed origin {origin!r} is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"allowed origin {origin!r} must look like https://app.example.com")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise InvalidInput(f"allowed origin {origin!r} must be a scheme, host and optional port only")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}{port}"


def _origins(allowed_origins: list[str]) -> list[str]:
    if len(allowed_origins) > MAX_ORIGINS:
        raise InvalidInput(f"at most {MAX_ORIGINS} allowed origins")
    return list(dict.fromkeys(normalize_origin(o) for o in allowed_origins))


class AccountsApplication(Application[UUID]):
    name = "Accounts"
    env = {"TRANSCODER_TOPIC": TRANSCODER}  # noqa: RUF012 - the library reads it as a class attribute

    def __init__(self, env: dict[str, str] | None = None, *, key_hash_secret: bytes) -> None:
        super().__init__(env)
        self._key_hash_secret = key_hash_secret
        self._granted_keys = KeyCache()

    # --- users and teams -------------------------------------------------

    def sign_up(self, email: str, password: str, name: str, team: str) -> tuple[User, Customer]:
        email = normalize_email(email)
        name = check_name("name", name)
        team = check_name("team", team)
        password_hash = hash_password(password)
        customer = Customer(name=team)
        # The first user of a team is its admin.
        user = User(
            email=email,
            name=name,
            customer_id=customer.id,
            role=Role.ADMIN.value,
            password_hash=password_hash,
        )
        founded = Team(customer_id=customer.id, members={str(user.id): Role.ADMIN.value})
        try:
            self.save(customer, user, founded)
        except IntegrityError:
            raise Conflict("an account with this email already exists") from None
        return user, customer

    def log_in(self, email: str, password: str) -> User:
        try:
            user = self.repository.get(user_id_for_email(normalize_email(email)))
        except (AggregateNotFoundError, InvalidInput):
            user = None
        if not verify_password(password, user.password_hash if user else None) or (user and not user.active):
            raise AuthenticationFailed
        assert user is not None
        return user

    def user(self, user_id: UUID) -> User | None:
        try:
            return self.repository.get(user_id)
        except AggregateNotFoundError:
            return None

    def customer(self, customer_id: UUID) -> Customer:
        return self.repository.get(customer_id)

    def change_password(self, user_id: UUID, current: str, new: str) -> User:
        user = self.repository.get(user_id)
        if not verify_password(current, user.password_hash):
            raise NotAllowed("the current password is not correct")
        user.change_password(hash_password(new))
        self.save(user)
        return user

    # --- API credentials -------------------------------------------------

    def key_hash(self, secret_key: str) -> str:
        return hmac.new(self._key_hash_secret, secret_key.encode(), hashlib.sha256).hexdigest()

    def issue_credential(self, issuer: User, name: str, allowed_origins: list[str]) -> IssuedCredential:
        if issuer.role != Role.ADMIN.value:
            raise NotAllowed("only an admin can create credentials")
        name = check_name("name", name)
        origins = _origins(allowed_origins)
        secret_key = SECRET_KEY_PREFIX + secrets.token_urlsafe(_KEY_BYTES)
        credential = Credential(
            customer_id=issuer.customer_id,
            name=name,
            public_key=PUBLIC_KEY_PREFIX + secrets.token_urlsafe(_KEY_BYTES),
            secret_key_hash=self.key_hash(secret_key),
            allowed_origins=origins,
            issued_by=issuer.id,
        )
        self.save(credential)
        return IssuedCredential(credential, secret_key)

    def credential_for_secret_key(self, secret_key: str) -> Credential | None:
        try:
            credential = self.repository.get(credential_id_for_key_hash(self.key_hash(secret_key)))
        except AggregateNotFoundError:
            return None
        # The id is derived from the hash; compare the hash too so a collision cannot authenticate.
        if not hmac.compare_digest(credential.secret_key_hash, self.key_hash(secret_key)):
            return None
        return credential

    def grant_for_secret_key(self, secret_key: str) -> KeyGrant | None:
        """Who a usable secret key acts for; None for an unknown, disabled or revoked key."""
        key_hash = self.key_hash(secret_key)
        grant = self._granted_keys.get(key_hash)
        if grant is not None:
            return grant
        credential = self.credential_for_secret_key(secret_key)
        if credential is None or not credential.usable:
            return None
        grant = KeyGrant(credential.customer_id, credential.id)
        self._granted_keys.put(key_hash, grant)
        return grant

    def cached_grant(self, secret_key: str) -> KeyGrant | None:
        """The remembered grant only: never touches the database (safe on the event loop)."""
        return self._granted_keys.get(self.key_hash(secret_key))

    def credential(self, credential_id: UUID) -> Credential | None:
        try:
            return self.repository.get(credential_id)
        except AggregateNotFoundError:
            return None

    def _team_credential(self, customer_id: UUID, credential_id: UUID) -> Credential:
        credential = self.credential(credential_id)
        if credential is None or credential.customer_id != customer_id or credential.revoked:
            raise CredentialNotFound
        return credential

    def edit_credential(
        self,
        customer_id: UUID,
        credential_id: UUID,
        *,
        name: str | None = None,
        allowed_origins: list[str] | None = None,
        enabled: bool | None = None,
    ) -> tuple[Credential, int]:
        """Renames it, sets the origins its browser key allows, enables or disables it: every change checked
        before any is recorded. The credential, and the position to read it at."""
        credential = self._team_credential(customer_id, credential_id)
        if name is not None:
            credential.rename(check_name("name", name))
        if allowed_origins is not None:
            credential.allow_origins(_origins(allowed_origins))
        if enabled is not None:
            credential.enable() if enabled else credential.disable()
        position = last_position(self.save(credential))
        self._granted_keys.forget(credential.secret_key_hash)
        return credential, position

    def revoke_credential(self, customer_id: UUID, credential_id: UUID) -> int:
        credential = self._team_credential(customer_id, credential_id)
        credential.revoke()
        position = last_position(self.save(credential))
        self._granted_keys.forget(credential.secret_key_hash)
        return position
