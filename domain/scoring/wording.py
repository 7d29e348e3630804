"""Counts in the sentences a reviewer reads: 1 event, 2 events."""


def counted(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"
