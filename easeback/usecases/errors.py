"""The error every use case raises for bad input; both doors turn it into one clear line."""


class InputError(ValueError):
    """Bad input from a person or a file; the message names what was wrong."""
