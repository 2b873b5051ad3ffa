"""Analysis producers (civicstat.dashboards.analysis.register_analysis), one module per subject.

Every module in this package is imported when the dashboards app is ready, so adding a producer
is adding a module. Producers call the pure analytics (civicstat.safety) on the Ibis tables the
refresh gives them and return formatted, aggregate-only analyses: nothing person-level leaves.
"""

import importlib
import pkgutil


def load_all() -> None:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
