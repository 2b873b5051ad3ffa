from civicstat.measures.tests.conftest import measured, warehouse  # noqa: F401
