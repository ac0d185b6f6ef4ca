"""Finding the sheet templates and the Jinja environment that renders them.

The templates are LaTeX, so Jinja's default `{{ }}` / `{% %}` delimiters (which clash
with TeX's braces and comment sign) are replaced by `\\VAR{...}`, `\\BLOCK{...}` and
`\\#{...}`.  Undefined variables are errors (StrictUndefined), never silently empty
text on a sheet.

Escaping works like PyLaTeX's: every value a template prints is escaped unless it is a
`NoEscape` (LaTeX that is already safe: math from the printer, rendered pieces).  So
prose from a YAML file (a title, a statement) can never inject TeX, even where a
template author forgot the `tex` filter.

Search order (as in mkdocs' themes): directories the user names (`--templates DIR`),
then the templates shipped in the package (`generator.templates`,
found through importlib.resources, so an installed wheel works), or, when that
package is absent (a source tree that was never installed), the checkout's
`templates/` directory.
"""

from __future__ import annotations

import dataclasses
import importlib.resources
import os
import re
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Callable, Sequence

import jinja2
import jinja2.sandbox
from jinja2.utils import missing
from pylatex.utils import NoEscape

from generator.errors import TemplateError
from generator.syntax.latex_names import escape_text
from generator.syntax.prose import BACKTICKS

PACKAGE = "generator.templates"
CHECKOUT_DIR = Path(__file__).resolve().parents[2] / "templates"

# A word longer than this may break anywhere after each run of BREAK_EVERY characters
# of it (a file name, a long identifier in a title): a box it overflows is worse.
LONG_WORD = 24
BREAK_EVERY = 12

# Math in prose: the text between backticks -> LaTeX, or None when it does not parse.
MathRenderer = Callable[[str], "str | None"]


class _Undefined(jinja2.StrictUndefined):
    """StrictUndefined whose message, for a view's missing attribute, lists the
    attributes the view has: `problem has no attribute 'titel'; a ProblemView has:
    number, title, ...`, which is what the author of a template needs to fix it."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        obj, name = self._undefined_obj, self._undefined_name
        if obj is missing or not dataclasses.is_dataclass(obj) or isinstance(obj, type):
            return super()._undefined_message
        has = [f.name for f in dataclasses.fields(obj)] + sorted(
            n
            for n, v in vars(type(obj)).items()
            if isinstance(v, property) and not n.startswith("_")
        )
        return f"a {type(obj).__name__} has no attribute {name!r}; it has: {', '.join(has)}"


def package_template_dir() -> Path | None:
    """The templates shipped with the package, or None when `generator.templates` is absent."""
    try:
        root = importlib.resources.files(PACKAGE)
    except ModuleNotFoundError:
        return None
    path = Path(str(root))
    return path if path.is_dir() else None


def template_search_path(user_dirs: Sequence[str | os.PathLike] = ()) -> list[Path]:
    """Every directory templates are looked up in, first match wins."""
    path = [Path(d) for d in user_dirs]
    for absent in (d for d in path if not d.is_dir()):
        raise TemplateError(f"template directory {absent} does not exist")
    shipped = package_template_dir()
    if shipped is not None:
        path.append(shipped)
    elif CHECKOUT_DIR.is_dir():  # a source tree that was never installed
        path.append(CHECKOUT_DIR)
    if len(path) == len(user_dirs):
        raise TemplateError(
            f"the sheet templates are missing: neither the package {PACKAGE} nor "
            f"{CHECKOUT_DIR} exists (reinstall tracetrick)"
        )
    return path


def escape_prose(value: Any, math: MathRenderer | None = None) -> NoEscape:
    """Prose -> LaTeX text: special characters escaped, whitespace normalised.

    A YAML block scalar brings newlines; pylatex would turn each into `\\newline`
    (an error at the start of a paragraph), so lines are joined and only blank lines
    are kept, as paragraph breaks.  With `math`, text between backticks is math
    (design.md: "math inside backticks in prose is typeset"); what `math` cannot
    read stays text.  Already-safe LaTeX (`NoEscape`) passes unchanged.
    """
    if isinstance(value, NoEscape):
        return value
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", str(value))]
    return NoEscape("\n\n".join(_paragraph(p, math) for p in paragraphs if p))


def _paragraph(text: str, math: MathRenderer | None) -> str:
    pieces = BACKTICKS.split(text) if math is not None else [text]
    out = []
    for index, piece in enumerate(pieces):
        # odd pieces were between backticks (there are some only when math is given)
        latex = math(piece) if math is not None and index % 2 else None
        if latex is not None:
            out.append(f"${latex}$")
        else:
            out.append(" ".join(_breakable(word) for word in piece.split(" ")))
    return "".join(out)


def _breakable(word: str) -> str:
    """A word as LaTeX text; a long one may break between runs of BREAK_EVERY characters."""
    if len(word) <= LONG_WORD:
        return escape_text(word)
    runs = (word[i : i + BREAK_EVERY] for i in range(0, len(word), BREAK_EVERY))
    return r"\allowbreak{}".join(escape_text(run) for run in runs)


def _finalize(value: Any, math: MathRenderer | None = None) -> Any:
    """Applied by Jinja to everything a `\\VAR{}` prints: escape by default."""
    if isinstance(value, NoEscape):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return escape_prose(value, math)


def make_environment(
    template_dirs: Sequence[str | os.PathLike] = (),
    math: MathRenderer | None = None,
) -> jinja2.Environment:
    """A Jinja environment for LaTeX templates, searching `template_dirs` first.

    `math` typesets backtick math in prose (see escape_prose); None leaves it text.
    """
    env = jinja2.sandbox.SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(p) for p in template_search_path(template_dirs)]),
        block_start_string=r"\BLOCK{",
        block_end_string="}",
        variable_start_string=r"\VAR{",
        variable_end_string="}",
        comment_start_string=r"\#{",
        comment_end_string="}",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        undefined=_Undefined,
        finalize=partial(_finalize, math=math),
    )
    env.filters["tex"] = partial(escape_prose, math=math)
    return env


@lru_cache(maxsize=16)
def _shared(dirs: tuple[str, ...], math: MathRenderer | None) -> jinja2.Environment:
    return make_environment(dirs, math)


def shared_environment(
    template_dirs: Sequence[str | os.PathLike] = (), math: MathRenderer | None = None
) -> jinja2.Environment:
    """make_environment, made once per (directories, math renderer) and then reused, so
    Jinja compiles each template once per process, not once per sheet (2/3 of the time
    of rendering a sheet); a template whose file changes is still reloaded (auto_reload)."""
    return _shared(tuple(os.fspath(d) for d in template_dirs), math)


def render_template(env: jinja2.Environment, name: str, **variables: Any) -> str:
    """Render one template; any Jinja failure becomes a TemplateError naming the template."""
    try:
        return env.get_template(name).render(**variables)
    except jinja2.TemplateSyntaxError as exc:
        where = f"{_shown_path(exc.filename) if exc.filename else exc.name or name}:{exc.lineno}"
        raise TemplateError(f"template {where}: {exc.message}") from exc
    except jinja2.TemplateNotFound as exc:
        dirs = ", ".join(str(p) for p in getattr(env.loader, "searchpath", ()))
        raise TemplateError(f"template {exc.name} not found (searched {dirs})") from exc
    except jinja2.UndefinedError as exc:
        message = exc.message or ""
        if message.endswith("is undefined"):  # a top-level name: say which there are
            message += f"; this template receives: {', '.join(sorted(variables))}"
        raise TemplateError(
            f"template {_template_frame(exc) or name}: undefined variable: {message}"
        ) from exc
    except jinja2.sandbox.SecurityError as exc:
        raise TemplateError(
            f"template {_template_frame(exc) or name}: not allowed in a template: {exc}"
        ) from exc
    # What a template's own expressions may raise (`\\VAR{problem.number / 0}`, a filter
    # given the wrong type): named with the template's line like the errors above.
    except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
        raise TemplateError(
            f"template {_template_frame(exc) or name}: {type(exc).__name__}: {exc}"
        ) from exc


def _template_frame(exc: BaseException) -> str:
    """`mytemplates/problem.tex.j2:12` for the innermost template line in the traceback
    (its path relative to the working folder when it is under it), or ''."""
    found = ""
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = f"{_shown_path(filename)}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found


def _shown_path(filename: str) -> str:
    path = Path(filename)
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def make_web_environment(
    template_dirs: Sequence[str | os.PathLike] = (),
    *,
    autoescape: bool,
    filters: dict[str, Callable[..., Any]] | None = None,
) -> jinja2.Environment:
    """A Jinja environment for the HTML and Markdown templates (`*.html.j2`, `*.md.j2`).

    These use Jinja's normal `{{ }}` / `{% %}` delimiters (no TeX braces to clash
    with), the same search path and StrictUndefined.  `autoescape` is on for HTML:
    every value is HTML-escaped unless it is `markupsafe.Markup` (what the `prose`
    filter returns).  Markdown has no autoescape; its templates pass prose through
    their own filter.
    """
    env = jinja2.sandbox.SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(p) for p in template_search_path(template_dirs)]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=autoescape,
        undefined=_Undefined,
    )
    env.filters.update(filters or {})
    return env
