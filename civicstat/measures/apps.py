from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "civicstat.measures"
    label = "measures"
    verbose_name = _("Measures")

    def ready(self):
        from wagtail.signals import published

        from civicstat.measures.services.manual import on_measure_published

        published.connect(on_measure_published, dispatch_uid="measures.publish_manual_values")
