from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "civicstat.plans"
    label = "plans"
    verbose_name = _("Plans")

    def ready(self):
        from civicstat.plans import signals  # noqa: F401
