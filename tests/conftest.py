"""What every test shares: the formats of the sheets' preambles are cached in a folder of
this test session (each xdist worker its own), not in the user's cache; the CLI run as a
subprocess inherits it."""
from __future__ import annotations

import os
import tempfile

os.environ["TRACETRICK_CACHE"] = tempfile.mkdtemp(prefix="tracetrick-test-cache-")
