"""The output formats, in one table: name, file suffix, what applies to each, how it is
written.

`derive` and `render` choose a format from `--format` or the output's suffix through
`chosen` (an unknown suffix is refused: `-o p.yaml` never writes a sheet over a
problem file), check the options against it (`check_options`), and print `text_of`
the derivations or `write` them; `build` writes the sheets of whole folders (output/build_parallel.py) with the same
formats.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from generator.derivation import Derivation
from generator.errors import TracetrickError
from generator.render.sheet_options import SheetKind, SheetOptions


class FormatError(TracetrickError):
    """An output format that does not exist, or an option that does not apply to it."""


@dataclass(frozen=True)
class Format:
    """One output format.  `sheet`: laid out as a sheet, so hint mode (--reveal) applies
    (the JSON trace is data and always holds every step); `templated`: made from a
    template, so --templates applies; `single`: written one derivation at a time (text
    and JSON concatenate; the others lay the derivations out on one sheet)."""

    name: str
    suffixes: tuple[str, ...]
    sheet: bool = True
    templated: bool = True
    single: bool = False

    @property
    def suffix(self) -> str:
        return self.suffixes[0]


FORMATS: tuple[Format, ...] = (
    Format("latex", (".tex",)),
    Format("pdf", (".pdf",)),
    Format("markdown", (".md",)),
    Format("html", (".html", ".htm")),
    Format("json", (".json",), sheet=False, templated=False, single=True),
    Format("text", (".txt",), templated=False, single=True),
    # the derivative as a function to paste (generator/render/code.py)
    Format("python", (".py",), sheet=False, templated=False, single=True),
    Format("torch", (".py",), sheet=False, templated=False, single=True),
    Format("jax", (".py",), sheet=False, templated=False, single=True),
)
NAMES = tuple(f.name for f in FORMATS)
WEB_PAGES = ("markdown", "html")  # the page formats: the templated pages that may show code


def named(name: str) -> Format:
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise FormatError(f"no output format '{name}'; the formats are {', '.join(NAMES)}")


def for_path(path: Path) -> Format:
    """The format a file's suffix names; an unknown suffix is an error, never text."""
    suffix = path.suffix.lower()
    for fmt in FORMATS:
        if suffix in fmt.suffixes:
            return fmt
    known = ", ".join(s for f in FORMATS for s in f.suffixes)
    raise FormatError(
        f"-o {path}: '{suffix or 'no suffix'}' is not an output format's suffix "
        f"({known}); name the file with one of them, or give --format"
    )


def chosen(name: Optional[str], output: Optional[Path], default: str) -> Format:
    """--format if given, else the format of the output's suffix, else `default`."""
    if name is not None:
        return named(name)
    return for_path(output) if output is not None else named(default)


def check_options(fmt: Format, options: SheetOptions, output: Optional[Path] = None) -> None:
    """The JSON trace is data, not a sheet: every step, no template; text has no template;
    a PDF is a file, never printed; an output never lands among the templates it is made
    from."""
    if fmt.name == "pdf" and output is None:
        raise FormatError(f"a PDF is written to a file, not printed: give -o FILE{fmt.suffix}")
    if options.reveal is not None and not fmt.sheet:
        raise FormatError(
            f"--reveal hides steps of a sheet; {fmt.name} output is not one: the "
            f"JSON trace always holds every step (leave out --reveal, or pick "
            f"another --format)"
        )
    for folder in options.template_dirs:
        if output is not None and Path(output).resolve().is_relative_to(Path(folder).resolve()):
            raise FormatError(
                f"-o {output} is inside the template folder {folder} "
                f"(--templates): the sheet could replace a template there; "
                f"write it elsewhere"
            )
    if options.template_dirs and not fmt.templated:
        names = [f.name for f in FORMATS if f.templated]
        templated = ", ".join(names[:-1]) + " and " + names[-1]
        raise FormatError(
            f"--templates applies to the {templated} formats; {fmt.name} output "
            f"is not made from a template (leave out --templates, or pick one "
            f"of those formats)"
        )
    check_code_option(fmt.name, options)


def check_code_option(fmt: str, options: SheetOptions) -> None:
    """`--code` shows the answer's code on a Markdown or HTML page only (derive, render and
    build check it alike)."""
    if options.code is not None and fmt not in WEB_PAGES:
        raise FormatError(
            f"--code shows the answer's code on a Markdown or HTML page; "
            f"{fmt} output has no place for it (pick --format markdown or "
            f"html, or --format {options.code} for the code alone)"
        )


def text_of(
    derivations: Sequence[Derivation],
    kind: SheetKind,
    fmt: Format,
    *,
    title: str,
    description: str = "",
    options: SheetOptions = SheetOptions(),
    course: str = "",
    date: str = "",
) -> str:
    """The text of a sheet in `fmt` (every format but PDF, which LaTeX writes)."""
    if fmt.single:
        return "".join(_single(d, fmt, options) for d in derivations)
    if fmt.name == "latex":
        from generator.output.sheets import sheet_tex

        return sheet_tex(derivations, kind, title, description, options, course=course, date=date)
    if fmt.name in WEB_PAGES:
        return render_page(
            derivations,
            kind,
            fmt.name,
            title=title,
            description=description,
            options=options,
            course=course,
            date=date,
        )
    raise FormatError(f"{fmt.name} is written to a file, not printed: give -o FILE{fmt.suffix}")


def write(
    derivations: Sequence[Derivation],
    kind: SheetKind,
    fmt: Format,
    output: Path,
    *,
    title: str,
    description: str = "",
    options: SheetOptions = SheetOptions(),
    course: str = "",
    date: str = "",
) -> Path:
    """Write the sheet to `output` atomically: a PDF through LaTeX, an HTML page with
    MathJax copied beside it, any other format as its text."""
    if fmt.name == "pdf":
        from generator.output.sheets import write_sheet_pdf

        return write_sheet_pdf(
            derivations,
            kind,
            output,
            title=title,
            description=description,
            options=options,
            course=course,
            date=date,
        )
    if fmt.name == "html":
        return write_page(
            derivations,
            kind,
            fmt.name,
            output,
            title=title,
            description=description,
            options=options,
            course=course,
            date=date,
        )
    from generator.render.pdf import write_text_atomic

    write_text_atomic(
        output,
        text_of(
            derivations,
            kind,
            fmt,
            title=title,
            description=description,
            options=options,
            course=course,
            date=date,
        ),
    )
    return output


def _single(derivation: Derivation, fmt: Format, options: SheetOptions) -> str:
    from generator.render.code import CODE_FORMATS, export

    if fmt.name in CODE_FORMATS:
        return export(derivation, fmt.name).text
    if fmt.name == "json":
        from generator.render.json_trace import render_json

        return render_json(derivation)
    from generator.render.text import render_text

    return render_text(derivation, options.reveal)


# ----- web pages: an HTML page refers to MathJax copied beside it -----------------------


def render_page(
    derivations: Sequence[Derivation],
    kind: SheetKind,
    fmt: str,
    *,
    title: str,
    description: str = "",
    mathjax_src: str | None = None,
    options: SheetOptions = SheetOptions(),
    course: str = "",
    date: str = "",
) -> str:
    """The page's text.  For HTML, `mathjax_src` is MathJax's URL as the page refers to
    it; None refers to the installed copy (a page with no folder of its own: stdout).
    `options`: hint mode and the user's templates (render/sheet_options.py)."""
    if fmt == "markdown":
        from generator.render.markdown import render_markdown

        return render_markdown(
            derivations,
            kind,
            title=title,
            description=description,
            template_dirs=options.template_dirs,
            reveal=options.reveal,
            course=course,
            date=date,
        )
    if fmt == "html":
        from generator.render.html import render_html
        from generator.render.mathjax import installed_script_uri

        return render_html(
            derivations,
            kind,
            title=title,
            description=description,
            mathjax_src=mathjax_src or installed_script_uri(),
            template_dirs=options.template_dirs,
            reveal=options.reveal,
            course=course,
            date=date,
        )
    raise ValueError(f"not a web format: {fmt!r} (markdown or html)")


def write_page(
    derivations: Sequence[Derivation],
    kind: SheetKind,
    fmt: str,
    path: Path,
    *,
    title: str,
    description: str = "",
    options: SheetOptions = SheetOptions(),
    course: str = "",
    date: str = "",
) -> Path:
    """Write one page to `path` (atomically); an HTML page gets MathJax beside it."""
    from generator.render.pdf import write_text_atomic

    path = Path(path)
    src = None
    if fmt == "html":
        from generator.render.mathjax import beside

        src = beside(path)
    text = render_page(
        derivations,
        kind,
        fmt,
        title=title,
        description=description,
        mathjax_src=src,
        options=options,
        course=course,
        date=date,
    )
    write_text_atomic(path, text)
    return path
