"""The teams' limits and usage, for the event quota (application/tracking/quota.py), from the read models."""

from uuid import UUID

from sqlalchemy import Engine

from application.tracking.quota import Allowance
from projections.team.queries import limits as queries


class ReadModelAllowances:
    def __init__(self, views: Engine) -> None:
        self.views = views

    def allowance(self, customer_id: UUID, month: str) -> Allowance:
        with self.views.connect() as conn:
            return Allowance(**queries.allowance(conn, customer_id, month))

    def identity_known(self, customer_id: UUID, identity: str) -> bool:
        with self.views.connect() as conn:
            return queries.identity_known(conn, customer_id, identity)
