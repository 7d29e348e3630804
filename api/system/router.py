from litestar import Router

from api.system.health import health

router = Router(path="/", tags=["System"], route_handlers=[health])
