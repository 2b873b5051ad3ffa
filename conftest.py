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
