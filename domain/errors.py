class DomainError(Exception):
    """A command broke a business rule; the message is safe to show to the caller."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    pass


class Conflict(DomainError):
    pass


class NotAllowed(DomainError):
    pass


class OverLimit(DomainError):
    """The team has used up a limit its operator set (the API answers 402)."""
