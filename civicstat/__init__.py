"""CivicStat: a city's strategic-plan performance dashboard, computed from raw operational data."""

__version__ = "0.1.0"
