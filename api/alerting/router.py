from litestar import Router

from api.alerting.channels import ChannelController
from api.dependencies import alerting, provide

router = Router(
    path="/",
    tags=["Alerting"],
    dependencies=provide(alerting=alerting),
    route_handlers=[
        ChannelController,
    ],
)
