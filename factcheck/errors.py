"""The base of every service exception: a message for the person who asked, an HTTP status and a code.

Services raise subclasses of DeskError and never import DRF; the API's one exception handler
(factcheck.api.exceptions) turns any DeskError into the JSON error shape with its own status and code, and the
admin shows its message. This module belongs to the framework layer: it imports no app.
"""


class DeskError(Exception):
    """A refusal of the desk's rules. Subclasses set `status_code` and `code`; `fields` names input fields."""

    status_code: int = 400
    code: str = "invalid"

    def __init__(self, message: str, *, code: str | None = None, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.fields = fields or {}
