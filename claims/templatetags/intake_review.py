"""The Source admin page's link to the intake's review, with its count: `{% pending_figures source as count %}`."""

from django import template

from ..roles import may_create_claims
from ..services import pending_candidates

register = template.Library()


@register.simple_tag(takes_context=True)
def pending_figures(context, source) -> int | None:
    """How many candidate figures of the source are left to review; None for a reader who may not take intake
    actions, or a source without text."""
    request = context.get("request")
    if request is None or not may_create_claims(request.user) or not source.text:
        return None
    return len(pending_candidates(source, matched=False))
