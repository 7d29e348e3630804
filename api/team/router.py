from litestar import Router

from api.dependencies import accounts, provide
from api.team.activity import ActivityController
from api.team.invitations import AcceptInvitationController, InvitationController
from api.team.members import MemberController

router = Router(
    path="/",
    tags=["Team"],
    dependencies=provide(accounts=accounts),
    route_handlers=[MemberController, InvitationController, AcceptInvitationController, ActivityController],
)
