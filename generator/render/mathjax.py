"""MathJax for the HTML pages, shipped without a network.

The machines that build and read the pages may have no internet, so no CDN: MathJax
comes from PyPI as the dependency `django-static-mathjax` (MathJax 3.2.2's
distribution as plain files in the import package `mathjax`; nothing of Django is
imported or needed).  One file of it is used: `es5/tex-svg-full.js`, TeX input with
every TeX extension built in (nothing is fetched later) and SVG output (glyphs drawn as
paths, so no web-font files either).  It is copied next to the pages, to
`<output>/_assets/mathjax/`, with MathJax's LICENSE, and the pages refer to it by a
relative path: the folder can be moved, zipped or served as it is.  A page written to
the terminal refers to the installed copy by its file:// URL instead.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

from generator.errors import OutputError, TracetrickError

DISTRIBUTION = "django-static-mathjax"
SCRIPT = "tex-svg-full.js"
ASSET_DIR = Path("_assets") / "mathjax"  # relative to the output folder
_FILES = {SCRIPT: Path("es5") / SCRIPT, "LICENSE": Path("LICENSE")}


class MathJaxMissing(TracetrickError):
    """The MathJax package is not installed."""


def mathjax_root() -> Path:
    """The installed MathJax distribution (its `es5/` and LICENSE)."""
    spec = importlib.util.find_spec("mathjax")
    for location in (spec.submodule_search_locations or []) if spec else []:
        root = Path(location) / "static" / "mathjax"
        if (root / _FILES[SCRIPT]).is_file():
            return root
    raise MathJaxMissing(
        f"HTML output needs MathJax from the Python package {DISTRIBUTION}, which is not "
        f"installed (or not complete): pip install {DISTRIBUTION} (`make` installs it)"
    )


def installed_script_uri() -> str:
    """`file:///.../es5/tex-svg-full.js`: for a page with no folder of its own."""
    return (mathjax_root() / _FILES[SCRIPT]).resolve().as_uri()


def copy_assets(out_dir: Path) -> Path:
    """Put MathJax into `out_dir/_assets/mathjax/` (when not there already, or different)
    and return the script's path there.  Each file is written to a temporary name and
    renamed, so a reader never sees half a script.  A folder that cannot be written is
    an OutputError naming it."""
    root = mathjax_root()
    target = Path(out_dir) / ASSET_DIR
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name, source in _FILES.items():
            _copy(root / source, target / name)
    except OSError as err:
        raise OutputError.writing(target, err) from None
    return target / SCRIPT


def _copy(src: Path, dst: Path) -> None:
    if dst.is_file() and dst.stat().st_size == src.stat().st_size:
        return
    fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dst)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def beside(page: Path) -> str:
    """MathJax copied into the page's own folder; its URL as the page writes it."""
    copy_assets(page.parent)
    return script_src(page, page.parent)


def script_src(page: Path, out_dir: Path) -> str:
    """The script's URL as written in `page` (a file under `out_dir`): relative, `/`s."""
    script = Path(out_dir) / ASSET_DIR / SCRIPT
    return Path(os.path.relpath(script, Path(page).parent)).as_posix()
