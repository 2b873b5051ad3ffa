"""Test helpers shared by every layer (pure: no Django).

The real public-safety files live outside the repository, in ``../shared/data`` next to the
checkout (or wherever ``CIVICSTAT_SHARED_DATA`` points). They are never copied into the repo.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path | None:
    """The folder holding the real data files, or None when this machine has none."""
    env = os.environ.get("CIVICSTAT_SHARED_DATA")
    candidates = [Path(env)] if env else []
    for parent in [REPO_ROOT, *REPO_ROOT.parents]:
        candidates.append(parent / "shared" / "data")
    for candidate in candidates:
        if candidate.is_dir() and (candidate / "README.md").exists():
            return candidate
    return None
