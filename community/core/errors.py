"""The three ways a service says no; views turn them into 403, 404 and 422."""


class ServiceError(Exception):
    """Base of the errors a service raises on purpose."""


class PermissionDenied(ServiceError):
    """The acting user may not do this (HTTP 403)."""


class NotFound(ServiceError):
    """The thing does not exist, or the user may not know it exists (HTTP 404)."""


class ValidationError(ServiceError):
    """Input broke a rule; ``errors`` maps a field name to a message for the person."""

    def __init__(self, errors: dict[str, str] | str, field: str = "__all__") -> None:
        self.errors = errors if isinstance(errors, dict) else {field: errors}
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))
