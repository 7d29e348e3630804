"""The alerting log → channels read model."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

HANDLERS: dict[type, Callable[[Connection, int, Any], None]] = {}
