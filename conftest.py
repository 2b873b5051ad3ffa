"""Fixtures shared by the whole suite."""

from pathlib import Path

import pytest

from civicstat.testsupport import shared_data_dir


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Root of the real data files (../shared/data). Tests using it are skipped, with the reason
    printed in the summary, on a machine that has no copy of those files."""
    root = shared_data_dir()
    if root is None:
        pytest.skip("real data files not found: set CIVICSTAT_SHARED_DATA to the shared/data folder")
    return root


# --- Browser tests: Playwright driving Debian's Chromium; axe-core for accessibility -------------

import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402

from civicstat.testsupport import REPO_ROOT  # noqa: E402

CHROMIUM = os.environ.get("CIVICSTAT_CHROMIUM", "/usr/bin/chromium")
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
TEST_OUTPUT = REPO_ROOT / "test-output"
# WCAG 2.2 level A and AA rules (axe tags).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium. A missing browser fails the run (never skips): `make test`
    installs it."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; Django's database calls
    # in the test thread are still synchronous, so allow them (Django's documented escape hatch).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    executable = shutil.which(CHROMIUM) or CHROMIUM
    if not os.path.exists(executable):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test` (it installs Debian's chromium)")
    if not AXE.exists():
        pytest.fail(f"axe-core not found at {AXE}: run `make test` (it runs npm ci)")
    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page_at(browser):
    """page_at("phone") → a fresh page with that viewport; closed after the test."""
    contexts = []

    def make(viewport: str = "desktop"):
        context = browser.new_context(viewport=VIEWPORTS[viewport], locale="en-US")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page and return its WCAG 2.2 A/AA violations (empty when clean)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def assert_accessible(page, name: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core violations on {name}:\n{json.dumps(violations, indent=1)}"


def screenshot(page, name: str):
    path = TEST_OUTPUT / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def fresh_site(transactional_db):
    """Browser tests run against live_server in a transaction-flushed database: put Wagtail's
    root page, Locale and Site back before building what the test needs."""
    from civicstat.core.testing import restore_wagtail_root

    restore_wagtail_root()
