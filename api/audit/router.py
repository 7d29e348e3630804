from litestar import Router

from api.audit.identities import AuditExportController, AuditIdentityController

router = Router(path="/", tags=["Audit"], route_handlers=[AuditIdentityController, AuditExportController])
