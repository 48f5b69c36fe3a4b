"""Domain errors: each carries a message a person can act on, and maps to an exit code."""


class DomainError(Exception):
    """A request the register refuses; `str(error)` is shown to the user as it is."""

    exit_code = 2


class InvalidInput(DomainError):
    """Input that cannot be accepted (a bad date, a negative value, an end before a start)."""


class NotFound(DomainError):
    """A reference, option or milestone that does not exist."""


class RuleViolation(DomainError):
    """A change the contract's rules forbid (option 2 before option 1, a decision after its date)."""


class StoreUnavailable(DomainError):
    """The database cannot be reached or opened."""


class StaleEdit(DomainError):
    """A change made from a copy someone else has changed since; reload and make it again."""
