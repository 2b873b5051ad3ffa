from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "civicstat.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from civicstat.dashboards.producers import load_all

        load_all()
