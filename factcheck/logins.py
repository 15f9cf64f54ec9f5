"""The login lockout's page: what a person sees after too many failed logins (django-axes, settings.AXES_*).

Failures are counted per username and client address (factcheck.proxies.client_ip, so behind TRUSTED_PROXIES the
client's own address); after AXES_FAILURE_LIMIT of them that pair is refused for LOGIN_COOLOFF_MINUTES, the right
password included. A superuser lifts a lockout early: `manage.py axes_reset_username NAME` (or axes_reset_ip).
"""

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The admin's login page with the reason instead of the form (429 Too Many Requests)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    context = {
        "site_header": admin.site.site_header,
        "site_title": admin.site.site_title,
        "title": "Login locked",
        "locked_username": username,
        "minutes": settings.LOGIN_COOLOFF_MINUTES,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "registration/locked_out.html", context, status=429)
