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
