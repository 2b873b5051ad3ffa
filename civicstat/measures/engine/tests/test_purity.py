"""The engine is a pure layer: importing it must not import Django or Wagtail."""

from __future__ import annotations

import subprocess
import sys


def test_engine_imports_no_django():
    code = (
        "import sys, civicstat.measures.engine\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'wagtail')]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
