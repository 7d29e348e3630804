from litestar import Router

from api.accounts.account import AccountController, SessionController
from api.accounts.credentials import CredentialController
from api.dependencies import accounts, provide

router = Router(
    path="/",
    tags=["Accounts"],
    dependencies=provide(accounts=accounts),
    route_handlers=[SessionController, AccountController, CredentialController],
)
