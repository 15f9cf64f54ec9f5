from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self) -> None:
        # Events of the layers below, which never import claims: a page read by a source check.
        from sources.signals import source_page_read

        from .receivers import check_excerpts_on_page_read

        source_page_read.connect(check_excerpts_on_page_read, dispatch_uid="claims-excerpt-check")
