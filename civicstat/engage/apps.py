from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngageConfig(AppConfig):
    name = "civicstat.engage"
    label = "engage"
    verbose_name = _("Engage")

    def ready(self):
        from civicstat.engage import sources  # noqa: F401 (registers the page_views source)
