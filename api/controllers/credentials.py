"""API credentials: issue (the secret key is shown once), list, enable/disable, revoke."""

from typing import Any
from uuid import UUID

from litestar import Request, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, RawBody

from api.auth import ACCOUNT_CHANGE, Caller, require_admin
from api.errors import NotFound
from api.http import container_of, decode_body
from api.schemas.accounts import (
    CredentialIn,
    CredentialOut,
    CredentialPatchIn,
    IssuedCredentialOut,
    credential_out,
)
from application.accounts.application import CredentialNotFound
from domain.accounts.credential import Credential
from projections.accounts.queries.credentials import list_credentials
from projections.read_models import ACCOUNTS
from projections.times import to_micros


def _row(credential: Credential) -> dict[str, Any]:
    return {
        "credential_id": credential.id,
        "name": credential.name,
        "public_key": credential.public_key,
        "enabled": credential.enabled,
        "allowed_origins": credential.allowed_origins,
        "created_at": to_micros(credential.created_on),
    }


def _credential_id(raw: str) -> UUID:
    try:
        return UUID(raw)
    except ValueError:
        raise NotFound("Credential not found") from None


@post("/api/credentials", status_code=201, sync_to_thread=True, dependencies=ACCOUNT_CHANGE)
def issue_credential_handler(
    request: Request[Any, Any, Any], user: NamedDependency[Caller], body: RawBody
) -> IssuedCredentialOut:
    container = container_of(request)
    data = decode_body(body, CredentialIn)
    issuer = container.accounts.user(user.user_id) if user.user_id else None
    assert issuer is not None
    issued = container.accounts.issue_credential(issuer, data.name, data.allowed_origins)
    public = credential_out(_row(issued.credential))
    return IssuedCredentialOut(
        **{f: getattr(public, f) for f in CredentialOut.__struct_fields__}, secret_key=issued.secret_key
    )


@get("/api/credentials", sync_to_thread=True)
def list_credentials_handler(request: Request[Any, Any, Any], user: NamedDependency[Caller]) -> list[CredentialOut]:
    container = container_of(request)
    with container.read_models.current(ACCOUNTS) as conn:
        return [credential_out(r) for r in list_credentials(conn, user.customer_id)]


@patch("/api/credentials/{credential_id:str}", sync_to_thread=True, dependencies=ACCOUNT_CHANGE)
def patch_credential_handler(
    request: Request[Any, Any, Any], user: NamedDependency[Caller], credential_id: FromPath[str], body: RawBody
) -> CredentialOut:
    require_admin(user)
    data = decode_body(body, CredentialPatchIn)
    try:
        credential = container_of(request).accounts.set_credential_enabled(
            user.customer_id, _credential_id(credential_id), data.enabled
        )
    except CredentialNotFound:
        raise NotFound("Credential not found") from None
    return credential_out(_row(credential))


@delete("/api/credentials/{credential_id:str}", status_code=204, sync_to_thread=True, dependencies=ACCOUNT_CHANGE)
def revoke_credential_handler(
    request: Request[Any, Any, Any], user: NamedDependency[Caller], credential_id: FromPath[str]
) -> None:
    require_admin(user)
    container = container_of(request)
    try:
        position = container.accounts.revoke_credential(user.customer_id, _credential_id(credential_id))
    except CredentialNotFound:
        raise NotFound("Credential not found") from None
    container.read_models.reach(ACCOUNTS, position)
