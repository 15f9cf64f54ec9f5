"""The intake's review screen in the admin: a source's text with every pending candidate figure highlighted and
ranked, and beside it the ranked list, each with its matches or conflict and its three decisions — accept (the
proposal prefilled and editable), attach to a claim, dismiss — plus "Accept selected".

Plain POST forms answered by a redirect (PRG) with a message, so it works without JavaScript; a refusal re-renders
the page with the error on its candidate, the field named. Every write is claims.services.intake's. For staff who
may create claims (claims.roles.may_create_claims). claims/static/claims/intake_review.js adds j/k to move between
candidates and a/d/x to accept, dismiss and select the focused one.
"""

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from factcheck.errors import DeskError
from sources.models import Source

from ..choices import ClaimType, Qualifier, Unit
from ..intake.finder import describe
from ..models import QUOTE_MAX_LENGTH
from ..periods import InvalidPeriod, parse_period
from ..quantities import amount_text, format_quantity, read_figure
from ..roles import may_create_claims
from ..services import (
    ADMIN,
    CandidateRefused,
    ReviewCandidate,
    accept_candidate,
    accept_candidates,
    attach_candidate,
    dismiss_candidate,
    parse_span_key,
    pending_candidates,
)
from ..templatetags.claim_status import status_badge_html
from .writes import desk_user

SOURCES_PER_PAGE = 50
CLAIM_TYPE_NAMES = dict(ClaimType.choices)


class AcceptForm(forms.Form):
    """The proposal of one candidate, editable: the figure typed as the claim form takes it (read by
    claims.quantities.read_figure), the period as text (claims.periods), the quote a passage holding the figure."""

    subject = forms.CharField(max_length=200)
    value = forms.CharField(required=False, max_length=60, help_text='As written: "245 bn", "$3.5 billion", "over 40".')
    unit = forms.ChoiceField(choices=[("", "—"), *Unit.choices], required=False)
    qualifier = forms.ChoiceField(choices=Qualifier.choices, required=False)
    lower = forms.CharField(required=False, max_length=60, label="Lower bound")
    upper = forms.CharField(required=False, max_length=60, label="Upper bound")
    period = forms.CharField(required=False, max_length=40, help_text='"2024", "2013/" (since), "1990s", "as of 2024".')
    claim_type = forms.ChoiceField(choices=ClaimType.choices, label="Claim type")
    quote = forms.CharField(max_length=QUOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_period(self) -> str:
        text = self.cleaned_data["period"].strip()
        if not text:
            return ""
        try:
            return parse_period(text).label
        except InvalidPeriod as exc:
            raise ValidationError(str(exc)) from exc

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        reading = read_figure(
            value=cleaned.get("value"),
            unit=cleaned.get("unit") or "",
            qualifier=cleaned.get("qualifier") or "",
            lower=cleaned.get("lower"),
            upper=cleaned.get("upper"),
        )
        for name, message in reading.problems:
            self.add_error({"lower": "lower", "upper": "upper"}.get(name, name), message)
        cleaned["reading"] = reading
        return cleaned

    def overrides(self) -> dict[str, Any]:
        """What the service takes: the claim's fields and the quote."""
        data, reading = self.cleaned_data, self.cleaned_data["reading"]
        return {
            "subject": data["subject"],
            "claim_type": data["claim_type"],
            "period": data["period"],
            "value": reading.value,
            "unit": reading.unit,
            "qualifier": reading.qualifier,
            "lower_bound": reading.lower,
            "upper_bound": reading.upper,
            "quote": data["quote"],
        }


def accept_form_initial(review: ReviewCandidate) -> dict[str, Any]:
    candidate = review.candidate
    return {
        "subject": candidate.subject[:200],
        "value": amount_text(candidate.value, candidate.unit),
        "unit": candidate.unit,
        "qualifier": candidate.qualifier,
        "lower": amount_text(candidate.lower, candidate.unit),
        "upper": amount_text(candidate.upper, candidate.unit),
        "period": candidate.period,
        "claim_type": candidate.claim_type,
        "quote": review.quote,
    }


@dataclass
class Card:
    """One candidate as the screen shows it."""

    review: ReviewCandidate
    form: AcceptForm
    figure: str
    period: str
    claim_type: str
    matches: list[dict[str, Any]]
    context: tuple[str, str, str] = ("", "", "")  # the quote around the span: before, the span, after
    errors: list[str] = field(default_factory=list)
    open: bool = False  # the accept form shown unfolded (it holds an error)

    @property
    def key(self) -> str:
        return self.review.key


def _card(review: ReviewCandidate) -> Card:
    candidate = review.candidate
    return Card(
        review=review,
        form=AcceptForm(initial=accept_form_initial(review), prefix=review.key),
        figure=format_quantity(candidate.value, candidate.unit, candidate.qualifier, candidate.lower, candidate.upper),
        period=describe(candidate) if candidate.period else "",
        claim_type=CLAIM_TYPE_NAMES.get(candidate.claim_type, candidate.claim_type),
        context=_context(review),
        matches=[
            {
                "match": match,
                "url": reverse("admin:claims_claim_change", args=[match.claim_id]),
                "badge": status_badge_html(match.status),
            }
            for match in review.matches
        ],
    )


CONTEXT_CHARACTERS = 90  # of the quote shown on each side of the span in its card


def _context(review: ReviewCandidate) -> tuple[str, str, str]:
    candidate, quote = review.candidate, review.quote
    at = candidate.start - review.quote_start
    before, after = quote[:at], quote[at + len(candidate.text) :]
    if len(before) > CONTEXT_CHARACTERS:
        before = "…" + before[-CONTEXT_CHARACTERS:].lstrip()
    if len(after) > CONTEXT_CHARACTERS:
        after = after[:CONTEXT_CHARACTERS].rstrip() + "…"
    return before, candidate.text, after


def _segments(text: str, cards: list[Card]) -> list[tuple[str, Card | None]]:
    """The text cut at the candidates' spans (the finder's spans never overlap), each span with its card."""
    parts: list[tuple[str, Card | None]] = []
    at = 0
    for card in sorted(cards, key=lambda c: c.review.candidate.start):
        start, end = card.review.candidate.start, card.review.candidate.end
        if start < at:
            continue
        parts.append((text[at:start], None))
        parts.append((text[start:end], card))
        at = end
    parts.append((text[at:], None))
    return parts


def _refuse_unless_allowed(request: HttpRequest) -> None:
    if not may_create_claims(request.user):
        raise PermissionDenied


def intake_sources_view(request: HttpRequest) -> HttpResponse:
    """The sources holding their text, newest first, each linked to its review (and its claims' count)."""
    _refuse_unless_allowed(request)
    sources = (
        Source.objects.exclude(text="")
        .select_related("publisher")
        .defer("text")
        .annotate(claims_here=Count("appearances"))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(sources, SOURCES_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "admin/claims/intake/sources.html",
        {**admin.site.each_context(request), "title": "Intake: review an article's figures", "page": page},
    )


def intake_review_view(request: HttpRequest, source_id: int) -> HttpResponse:
    """The review screen of one source; POST: one decision (accept, attach, dismiss, accept selected)."""
    _refuse_unless_allowed(request)
    source = get_object_or_404(Source.objects.select_related("publisher"), pk=source_id)
    cards = [_card(review) for review in pending_candidates(source)]
    if request.method == "POST":
        done = _decide(request, source, {card.key: card for card in cards})
        if done:
            return HttpResponseRedirect(reverse("desk_intake_review", args=[source.pk]))
    counts = {kind: sum(1 for c in cards if c.review.kind == kind) for kind in ("new", "match", "conflict")}
    return TemplateResponse(
        request,
        "admin/claims/intake/review.html",
        {
            **admin.site.each_context(request),
            "title": f"Review figures: {source}",
            "source": source,
            "cards": cards,
            "counts": counts,
            "segments": _segments(source.text, cards),
            "source_url": reverse("admin:sources_source_change", args=[source.pk]),
        },
    )


def _error_text(error: DeskError | ValidationError) -> tuple[str, dict[str, list[str]]]:
    if isinstance(error, DeskError):
        return error.message, error.fields
    if hasattr(error, "error_dict"):
        fields = {name: [str(m) for m in found] for name, found in error.message_dict.items()}
        return "; ".join(f"{name}: {' '.join(found)}" for name, found in fields.items()), fields
    return " ".join(error.messages), {}


# The service's field names as the accept form names them.
FORM_FIELDS = {"lower_bound": "lower", "upper_bound": "upper", "start": "quote"}


def _show_error(card: Card, error: DeskError | ValidationError, *, on_form: bool) -> None:
    message, fields = _error_text(error)
    if on_form:
        for name, found in fields.items():
            name = FORM_FIELDS.get(name, name)
            if name in card.form.fields:
                for text in found:
                    card.form.add_error(name, text)
            else:
                card.errors.append(f"{name}: {' '.join(found)}" if name != "__all__" else " ".join(found))
        if not fields:
            card.errors.append(message)
        card.open = True
    else:
        card.errors.append(message)


def _decide(request: HttpRequest, source: Source, cards: dict[str, Card]) -> bool:
    """Take the POSTed decision; True when it was taken (a message says so), False when refused (the error is on
    its card, or in a message when no card is concerned)."""
    actor = desk_user(request)
    action = request.POST.get("action", "")
    if action == "accept_selected":
        return _accept_selected(request, source, cards)
    key = request.POST.get("key", "")
    card = cards.get(key)
    if card is None:
        messages.error(request, f"No pending candidate at {key or '(none)'}: the review changed; here it is again.")
        return False
    start, end = parse_span_key(key)
    what = f"“{card.review.candidate.text}”"
    try:
        if action == "accept":
            bound = AcceptForm(request.POST, prefix=key)
            card.form = bound
            if not bound.is_valid():
                card.open = True
                return False
            claim = accept_candidate(
                source=source, start=start, end=end, actor=actor, overrides=bound.overrides(), via=ADMIN
            )
            url = reverse("admin:claims_claim_change", args=[claim.pk])
            done = format_html('{} accepted: <a href="{}">claim #{}</a> ({}).', what, url, claim.pk, claim.subject)
            messages.success(request, done)
        elif action == "attach":
            claim_id = (request.POST.get("claim") or request.POST.get("claim_id") or "").strip().lstrip("#")
            if not claim_id.isdigit():
                card.errors.append("claim: give the number of the claim to attach it to")
                return False
            attach_candidate(source=source, start=start, end=end, claim=int(claim_id), actor=actor, via=ADMIN)
            url = reverse("admin:claims_claim_change", args=[claim_id])
            messages.success(request, format_html('{} attached to <a href="{}">claim #{}</a>.', what, url, claim_id))
        elif action == "dismiss":
            dismiss_candidate(source=source, start=start, end=end, actor=actor, reason=request.POST.get("reason", ""))
            messages.success(request, f"{what} dismissed: it won't be proposed again.")
        else:
            messages.error(request, f"Unknown action “{action}”.")
            return False
    except (DeskError, ValidationError) as error:
        _show_error(card, error, on_form=action == "accept")
        return False
    return True


def _accept_selected(request: HttpRequest, source: Source, cards: dict[str, Card]) -> bool:
    keys = [key for key in request.POST.getlist("selected") if key]
    if not keys:
        messages.error(request, "Select the candidates to accept first (their checkboxes).")
        return False
    unknown = [key for key in keys if key not in cards]
    if unknown:
        messages.error(request, f"No pending candidate at {', '.join(unknown)}: the review changed; here it is again.")
        return False
    try:
        claims = accept_candidates(
            source=source, spans=[parse_span_key(key) for key in keys], actor=desk_user(request), via=ADMIN
        )
    except CandidateRefused as error:
        card = cards[error.key]
        card.errors.append(error.message + " Nothing was accepted; edit it and accept it alone, or leave it out.")
        messages.error(request, f"Nothing accepted: {error.message}")
        return False
    except DeskError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, f"Accepted {len(claims)} candidates: claims {', '.join(f'#{c.pk}' for c in claims)}.")
    return True


def pending_figure_count(source: Source) -> int:
    """How many candidates of the source are left to review (for its admin page's link)."""
    return len(pending_candidates(source, matched=False))


urlpatterns = [
    path("", admin.site.admin_view(intake_sources_view), name="desk_intake"),
    path("<int:source_id>/", admin.site.admin_view(intake_review_view), name="desk_intake_review"),
]
