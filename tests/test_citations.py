"""Every citation a user sees is a public reference.

The project's research started from five advocacy reports kept as plain text beside the
repository; a scheme that cited them by file name or line number ("seed 001 line 425",
``shared/seeds/...``) pointed its reader at something no reader has. These tests read
every bundled scheme as a user would load it and check each text field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sroi.resources import data_dir

ROOT = Path(__file__).resolve().parents[1]
SCHEMES = sorted((ROOT / "scenarios").rglob("*.toml"))
INTERNAL = re.compile(r"shared/seeds|seeds?[ /_]?0\d\d|\b\d{3}_[0-9a-f]{16}\.txt|\bseed_[a-z]|pages corpus|search tool",
                      re.I)


@pytest.mark.parametrize("path", SCHEMES, ids=lambda p: p.name)
def test_scheme_files_cite_public_references(path):
    text = path.read_text(encoding="utf-8")
    hits = [f"line {n}: {m.group(0)}" for n, line in enumerate(text.splitlines(), 1)
            for m in [INTERNAL.search(line)] if m]
    assert not hits, hits


def test_the_proxy_library_cites_public_references():
    text = (data_dir() / "proxies" / "proxies.csv").read_text(encoding="utf-8")
    assert not INTERNAL.search(text)
