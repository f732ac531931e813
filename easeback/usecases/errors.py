"""The error every use case raises for bad input; both doors turn it into one clear line."""


class InputError(ValueError):
    """Bad input from a person or a file; the message names what was wrong, and `field` the
    input it was about when it is one named field (a screening answer's question id)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
