"""What every test shares: the formats of the sheets' preambles are cached in a folder of
this test session (each xdist worker its own), not in the user's cache; the CLI run as a
subprocess inherits it.  And the files marked `long_setup` are collected first."""
from __future__ import annotations

import os
import tempfile

os.environ["TRACETRICK_CACHE"] = tempfile.mkdtemp(prefix="tracetrick-test-cache-")


def pytest_collection_modifyitems(items: list) -> None:
    """The files marked `long_setup` (a module fixture of half a minute) first: `make test`
    gives each worker a file at a time, in this order, and such a file started last would
    run on alone after the others are done."""
    items.sort(key=lambda item: item.get_closest_marker("long_setup") is None)
