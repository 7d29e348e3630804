from litestar import Router

from api.alerting.badge_rules import BadgeRuleController
from api.alerting.channels import ChannelController
from api.alerting.escalation_rules import EscalationRuleController
from api.alerting.escalations import EscalationController
from api.dependencies import alerting, provide

router = Router(
    path="/",
    tags=["Alerting"],
    dependencies=provide(alerting=alerting),
    route_handlers=[BadgeRuleController, EscalationRuleController, EscalationController, ChannelController],
)
