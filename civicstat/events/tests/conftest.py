import pytest
from django.core.cache import cache

from civicstat.core import testing as t
from civicstat.events import testing as et
from civicstat.events.categories import ensure_categories


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def deps(db):
    """The five public-safety departments, each with its staff group (and the default event
    categories, which a transactional test's flush removes)."""
    ensure_categories()
    return et.departments()


@pytest.fixture
def staff(deps):
    """One staff member per department, keyed by department slug."""
    return {
        slug: t.make_user(f"{slug}-staff", groups=[dep.staff_group]) for slug, dep in deps.items()
    }


@pytest.fixture
def warehouse_url(tmp_path):
    return f"duckdb://{tmp_path / 'warehouse.duckdb'}"
