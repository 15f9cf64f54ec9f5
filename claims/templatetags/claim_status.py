"""`{% load claim_status %}`: a claim's status badge, coloured from claims.choices.STATUS_COLOURS.

The claim list's column (claims.admin.claim_admin) and the claim page's templates draw their badges with
status_badge_html, so a status has one colour wherever it is shown.
"""

from typing import Protocol

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from claims.choices import STATUS_COLOURS, WITHDRAWN_COLOUR, Status

register = template.Library()
BADGE_STYLE = "color:#fff;padding:2px 8px;border-radius:10px;white-space:nowrap"


class HasStatus(Protocol):
    status: str
    withdrawn_at: object


def status_badge_html(status: str, *, withdrawn: bool = False, element_id: str = "") -> SafeString:
    """The status as a coloured badge, with "(withdrawn)" beside it for a withdrawn claim."""
    label = Status(status).label if status in Status.values else status
    return format_html(
        '<span class="status-badge status-{}" style="background:{};{}"{}>{}</span>{}',
        status,
        STATUS_COLOURS.get(status, STATUS_COLOURS[Status.UNVERIFIED]),
        BADGE_STYLE,
        format_html(' id="{}"', element_id) if element_id else "",
        label,
        format_html(' <span style="color:{}">(withdrawn)</span>', WITHDRAWN_COLOUR) if withdrawn else "",
    )


@register.simple_tag
def status_badge(claim: HasStatus, element_id: str = "") -> SafeString:
    """`{% status_badge claim %}` or `{% status_badge claim element_id="status-badge" %}`."""
    return status_badge_html(claim.status, withdrawn=claim.withdrawn_at is not None, element_id=element_id)
