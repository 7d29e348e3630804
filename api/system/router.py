from litestar import Router

from api.system.health import health
from api.system.pages import api_index, landing

router = Router(path="/", tags=["System"], route_handlers=[landing, api_index, health])
