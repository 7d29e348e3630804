"""API credentials: issue (the secret key is shown once), list, enable/disable, revoke."""

from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from api.accounts.schemas import (
    CredentialIn,
    CredentialOut,
    CredentialPatchIn,
    IssuedCredentialOut,
    credential_out,
)
from api.auth import Caller
from api.errors import NotFound, responses
from api.guards import account_change
from api.system.openapi import SESSION
from api.team.activity import RequestActivity
from application.accounts.application import AccountsApplication, CredentialNotFound, IssuedCredential
from domain.accounts.credential import Credential
from domain.errors import InvalidInput
from domain.team.activity import Kind
from domain.times import to_micros
from projections.accounts.queries.credentials import list_credentials
from projections.read_models import ACCOUNTS, ReadModels


def _row(credential: Credential) -> dict[str, Any]:
    return {
        "credential_id": credential.id,
        "name": credential.name,
        "public_key": credential.public_key,
        "enabled": credential.enabled,
        "allowed_origins": credential.allowed_origins,
        "created_at": to_micros(credential.created_on),
    }


_SHOWN = {"name": "name", "allowed_origins": "allowedOrigins", "enabled": "enabled"}  # as the API names them


def _credential_id(raw: str) -> UUID:
    try:
        return UUID(raw)
    except ValueError:
        raise NotFound("Credential not found") from None


def issue_credential(
    accounts: AccountsApplication, activity: RequestActivity, caller: Caller, name: str, origins: list[str]
) -> IssuedCredential:
    """A new key pair, logged (the API's and the dashboard's way): its secret key is in the answer only."""
    issuer = accounts.user(caller.user_id) if caller.user_id else None
    assert issuer is not None
    issued = accounts.issue_credential(issuer, name, origins)
    detail = {"publicKey": issued.credential.public_key, "allowedOrigins": issued.credential.allowed_origins}
    activity.note(Kind.CREDENTIAL_CREATED, issued.credential.name, detail)
    return issued


def edit_credential(
    accounts: AccountsApplication, activity: RequestActivity, caller: Caller, raw_id: str, changes: dict[str, Any]
) -> tuple[Credential, int]:
    """Rename it, set its origins, enable or disable it (python names in `changes`), logged if anything changed;
    the credential and the position to read it at."""
    try:
        credential, position = accounts.edit_credential(caller.customer_id, _credential_id(raw_id), **changes)
    except CredentialNotFound:
        raise NotFound("Credential not found") from None
    if position:
        activity.note(Kind.CREDENTIAL_CHANGED, credential.name, {_SHOWN[f]: getattr(credential, f) for f in changes})
    return credential, position


def revoke_credential(accounts: AccountsApplication, activity: RequestActivity, caller: Caller, raw_id: str) -> int:
    """Revoke it for good, logged; the position to read it at."""
    found = _credential_id(raw_id)
    try:
        position = accounts.revoke_credential(caller.customer_id, found)
    except CredentialNotFound:
        raise NotFound("Credential not found") from None
    revoked = accounts.credential(found)
    assert revoked is not None
    activity.note(Kind.CREDENTIAL_REVOKED, revoked.name, {"publicKey": revoked.public_key})
    return position


class CredentialController(Controller):
    """A team's API keys, managed from the dashboard: every change is an account change."""

    path = "/api/credentials"
    security = [{SESSION: []}]  # noqa: RUF012

    @post(status_code=201, sync_to_thread=True, guards=[account_change], responses=responses(400, 401, 403, 429))
    def issue(
        self,
        caller: NamedDependency[Caller],
        accounts: NamedDependency[AccountsApplication],
        activity: NamedDependency[RequestActivity],
        data: JSONBody[CredentialIn],
    ) -> IssuedCredentialOut:
        """A new API key pair: the secret key is in this answer only."""
        issued = issue_credential(accounts, activity, caller, data.name, data.allowed_origins)
        public = credential_out(_row(issued.credential))
        return IssuedCredentialOut(
            **{f: getattr(public, f) for f in CredentialOut.__struct_fields__}, secret_key=issued.secret_key
        )

    @get(sync_to_thread=True, responses=responses(401, 403, 429))
    def list_credentials(
        self, caller: NamedDependency[Caller], read_models: NamedDependency[ReadModels]
    ) -> list[CredentialOut]:
        with read_models.current(ACCOUNTS) as conn:
            return [credential_out(r) for r in list_credentials(conn, caller.customer_id)]

    @patch(
        "/{credential_id:str}",
        sync_to_thread=True,
        guards=[account_change],
        responses=responses(400, 401, 403, 404, 429),
    )
    def edit(
        self,
        caller: NamedDependency[Caller],
        accounts: NamedDependency[AccountsApplication],
        read_models: NamedDependency[ReadModels],
        activity: NamedDependency[RequestActivity],
        credential_id: FromPath[str],
        data: JSONBody[CredentialPatchIn],
    ) -> CredentialOut:
        """Rename it, set the origins its browser key allows, enable or disable it; any of the three."""
        changes = {f: getattr(data, f) for f in ("name", "allowed_origins", "enabled")}
        changes = {f: v for f, v in changes.items() if v is not msgspec.UNSET}
        if not changes:
            raise InvalidInput("Send name, allowedOrigins, enabled, or several of them")
        credential, position = edit_credential(accounts, activity, caller, credential_id, changes)
        # The list and the browser key's origins show the change from now on.
        with read_models.at_least(ACCOUNTS, position) as conn:
            rows = list_credentials(conn, caller.customer_id)
        return credential_out(next(r for r in rows if r["credential_id"] == credential.id))

    @delete(
        "/{credential_id:str}",
        status_code=204,
        sync_to_thread=True,
        guards=[account_change],
        responses=responses(400, 401, 403, 404, 429),
    )
    def revoke(
        self,
        caller: NamedDependency[Caller],
        accounts: NamedDependency[AccountsApplication],
        read_models: NamedDependency[ReadModels],
        activity: NamedDependency[RequestActivity],
        credential_id: FromPath[str],
    ) -> None:
        read_models.reach(ACCOUNTS, revoke_credential(accounts, activity, caller, credential_id))
