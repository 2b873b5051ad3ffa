"""Writing small test files byte for byte."""

from __future__ import annotations

from pathlib import Path


def write_bytes(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def write_text(folder: Path, name: str, text: str) -> Path:
    """Write text exactly as given (no newline translation)."""
    return write_bytes(folder, name, text.encode("utf-8"))
