from litestar import Router

from api.system.health import health
from api.system.pages import api_index

router = Router(path="/", tags=["System"], route_handlers=[api_index, health])
