"""Domain errors that the web and the API both turn into a clear 4xx answer."""


class FieldErrors(Exception):
    """Per-field messages: {"field": ["message", ...]} → 422 in the API, form errors on the web."""

    status = 422

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(map(str, m))}" for k, m in errors.items()))
        self.errors = {k: [str(m) for m in msgs] for k, msgs in errors.items()}


class Refused(Exception):
    """An operation refused for a reason with a code (409 in the API)."""

    status = 409

    def __init__(self, reason: str, message):
        super().__init__(str(message))
        self.reason = reason
        self.message = message
