"""Attributes exactly as a client sent them.

The event store encodes some values as `{"_type_": …, "_data_": …}` objects; client JSON
could contain the same shape. Events therefore carry client payloads as this opaque value,
which the applications store as one JSON string, so nothing a client sends is ever decoded
as anything but itself."""

from collections.abc import Iterator, Mapping
from typing import Any


class ClientData(Mapping[str, Any]):
    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self._data = dict(data or {})

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and self._data == dict(other)

    def __hash__(self) -> int:
        raise TypeError("ClientData is not hashable")

    def __repr__(self) -> str:
        return f"ClientData({self._data!r})"

    def to_dict(self) -> dict[str, Any]:
        return dict(self._data)
