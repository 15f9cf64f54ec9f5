"""django-csp's middleware, with the site's own policy built once per process.

django-csp builds the Content-Security-Policy header from settings.CONTENT_SECURITY_POLICY on every response: the
policy's parts copied (dataclasses.asdict), then every directive joined, for the policy and again for the
report-only one. On a claim's detail through the API that took ~130 µs of a ~1.5 ms request, for the same text each
time. A response that asks nothing of its own (no csp_update / csp_replace / csp_exempt decorator, no nonce read by
its page) gets the header built from the settings alone: built once here, and again only after a setting changes.
Every other response, and every response with DEBUG on (django-csp leaves debug pages alone), goes through
django-csp's own process_response.

This module belongs to the framework layer: it imports no app.
"""

from dataclasses import asdict
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponseBase

# What a view's decorators put on its response for django-csp (csp.decorators): any of them, the stock path.
OWN_POLICY_ATTRIBUTES = tuple(
    f"_csp_{name}{suffix}" for name in ("config", "update", "replace", "exempt") for suffix in ("", "_ro")
)
_SETTINGS = {HEADER: "CONTENT_SECURITY_POLICY", HEADER_REPORT_ONLY: "CONTENT_SECURITY_POLICY_REPORT_ONLY"}
_site: dict[str, tuple[str, tuple[str, ...]]] = {}  # header -> (its text from the settings, excluded path prefixes)


def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting in _SETTINGS.values() or setting == "DEBUG":
        _site.clear()


setting_changed.connect(_forget, dispatch_uid="factcheck-csp-site-policy")


class SitePolicyCSPMiddleware(CSPMiddleware):
    def _site_policies(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> dict[str, tuple[str, tuple[str, ...]]]:
        if not _site:
            for header, name in _SETTINGS.items():
                parts = self.get_policy_parts(request=request, response=response, report_only=header != HEADER)
                text = build_policy(**asdict(parts), report_only=header != HEADER)
                prefixes = tuple((getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())
                _site[header] = (text, prefixes)
        return _site

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        own = getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in OWN_POLICY_ATTRIBUTES
        )
        if own or settings.DEBUG:
            return super().process_response(request, response)
        for header, (text, excluded) in self._site_policies(request, response).items():
            if text and header not in response and not request.path_info.startswith(excluded):
                response[header] = text
        # As django-csp does: a nonce asked for after the header is written is an error, never a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
