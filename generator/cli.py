"""The command line (contract section 3): a thin click layer over the library.

Each command calls library functions and turns the project's own errors into one
paragraph on stderr with exit status 1; click's usage errors exit 2.  Heavy imports
(sympy, numpy, the engine) happen inside the commands, so `--help` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

import click

from generator.version import __version__
from generator.errors import TracetrickError
from generator.problem.choices import CODE_LIBRARIES, EDITIONS, METHODS

if TYPE_CHECKING:  # the command line imports the rest when a command runs
    from generator.derivation import Derivation
    from generator.output.formats import Format
    from generator.render.sheet_options import SheetKind, SheetOptions

# what click's decorators take and give
Command = Callable[..., Any]

# the names of generator/output/formats.py's table (it is not imported for --help)
FORMATS = ("latex", "pdf", "markdown", "html", "json", "text", "python", "torch", "jax")
# the formats of the rule catalogue (generator/render/rules_page.py: rules_document)
RULES_FORMATS = ("text", "markdown", "html", "latex", "pdf")


def _templates_option(command: Command) -> Command:
    """`--templates DIR`: the user's templates first."""
    return click.option(
        "--templates",
        "template_dirs",
        multiple=True,
        metavar="DIR",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="Look for templates in DIR before the built-in ones (may be repeated; "
        "docs/templates.md).",
    )(command)


def _sheet_options(command: Command) -> Command:
    """`--reveal K`, `--edition`, `--code`, `--sympy` and `--templates DIR`, shared by
    derive, render and build."""
    command = _sympy_option(command)
    command = click.option(
        "--code",
        type=click.Choice(CODE_LIBRARIES),
        default=None,
        help="Markdown and HTML solutions show, under each answer, the function computing "
        "L and its derivatives in this library (python: numpy); default: each "
        "problem's `code`, else none.",
    )(command)
    command = click.option(
        "--edition",
        type=click.Choice(EDITIONS),
        default=None,
        help="Who the sheets are for: key (the numeric check and notes on conventions "
        "under each answer), student (without them) or exam (the worksheet an exam "
        "paper, the solutions its key); default: each problem's `edition`, else "
        "key.",
    )(command)
    command = _templates_option(command)
    return click.option(
        "--reveal",
        type=click.IntRange(min=0),
        default=None,
        metavar="K",
        help="Hint mode: print the first K steps of each solution and leave the rest "
        "(and the answer) blank.",
    )(command)


def _sympy_option(command: Command) -> Command:
    """`--sympy`: sympy's second opinion on every problem."""
    return click.option(
        "--sympy",
        is_flag=True,
        help="Also ask sympy's own matrix derivative of every answer, itself checked "
        "numerically (slower); the sheet says whether it agrees.",
    )(command)


def _options(
    reveal: int | None,
    template_dirs: tuple[Path, ...],
    edition: str | None = None,
    code: str | None = None,
    sympy: bool = False,
) -> SheetOptions:
    from generator.render.sheet_options import SheetOptions

    return SheetOptions(
        reveal=reveal,
        template_dirs=tuple(template_dirs),
        edition=edition,
        code=code,
        sympy=sympy,
    )


class _Group(click.Group):
    """Catches the project's errors: a clear paragraph, never a traceback (unless --debug)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """`--debug` is the group's option, but a user adds it where the command failed:
        `tracetrick derive ... --debug` means what `tracetrick --debug derive ...` does
        (not after `--`, where it would be an objective)."""
        end = args.index("--") if "--" in args else len(args)
        if "--debug" in args[1:end]:
            args = ["--debug"] + [a for i, a in enumerate(args) if a != "--debug" or i >= end]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TracetrickError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tracetrick")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of short error messages.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """tracetrick: matrix-calculus derivations with the trace trick, step by step,
    every line checked numerically, typeset as LaTeX and PDF."""
    ctx.obj = {"debug": debug}


@main.command()
@click.argument("objective")
@click.option(
    "--wrt",
    required=True,
    multiple=True,
    help="The variable, e.g. X; repeated (--wrt W1 --wrt W2), every gradient on one "
    "sheet from one shared differential.",
)
@click.option(
    "--let",
    "lets",
    multiple=True,
    metavar="SPEC",
    help='Declare a symbol: "A: n x n, symmetric", "x: n", "alpha: scalar".',
)
@click.option("--method", type=click.Choice(METHODS), default="differential", show_default=True)
@click.option("--solve", is_flag=True, help="Set the gradient to zero and solve for the variable.")
@click.option(
    "--symmetric-gradient",
    is_flag=True,
    help="For a symmetric variable: give (G + G^T)/2 instead of G.",
)
@click.option(
    "--hessian",
    is_flag=True,
    help="Also the Hessian H, from d(grad L) = H dx (a vector or scalar variable).",
)
@click.option("--newton", is_flag=True, help="With --hessian: also the Newton step.")
@click.option(
    "--where",
    "wheres",
    multiple=True,
    metavar="NAME = MEANING",
    help='A named result, in order: "h = W1 x" (the objective may use the names).',
)
@click.option("--title", default=None, help="A title for the derivation.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format (default: text, or from the -o suffix; pdf needs -o).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to FILE (.pdf, .tex, .json, .txt, .md, .html, .py) instead of the terminal.",
)
@_sheet_options
def derive(
    objective: str,
    wrt: tuple[str, ...],
    lets: tuple[str, ...],
    method: str,
    solve: bool,
    symmetric_gradient: bool,
    hessian: bool,
    newton: bool,
    wheres: tuple[str, ...],
    title: str | None,
    fmt: str | None,
    output: Path | None,
    reveal: int | None,
    template_dirs: tuple[Path, ...],
    edition: str | None,
    code: str | None,
    sympy: bool,
) -> None:
    """Derive the gradient of OBJECTIVE with respect to --wrt, step by step.

    Example: tracetrick derive "tr(X^T A X)" --wrt X.  An objective that starts with
    "-" comes last, after the options and "--": tracetrick derive --wrt X -- "-tr(A X)".
    --format python, torch or jax writes a function returning L and its derivatives.
    """
    from generator.api import derive as run

    options = _options(reveal, template_dirs, edition, code, sympy)
    chosen = _format(fmt, output, "text", options)
    from generator.problem.command_line import problem_of_options

    problem = options.applied(
        problem_of_options(
            objective, wrt, lets, method, solve, symmetric_gradient, hessian, newton, wheres, title
        )
    )
    _emit([run(problem)], "single", chosen, output, title=problem.title, options=options)


def derive_cell(line: str, cell: str) -> Derivation | None:
    """Jupyter's `%%derive OPTIONS` over a cell holding the objective: `derive`'s options,
    parsed by the same command; the Derivation (shown as its sheet), or None after
    printing what is wrong in one paragraph, as the command line does.

        %%derive --wrt X --let "A: n x n, constant"
        tr(X^T A X)
    """
    import shlex
    import sys

    from generator.api import derive as run
    from generator.problem.command_line import problem_of_options

    try:
        with derive.make_context("%%derive", [*shlex.split(line), "--", cell.strip()]) as ctx:
            return run(problem_of_options(**ctx.params))
    except click.ClickException as err:
        print(f"error: {err.format_message()}", file=sys.stderr)
    except TracetrickError as err:
        print(f"error: {err}", file=sys.stderr)
    return None


@main.command()
@click.argument("problem_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The PDF (or .tex/.json/.txt/.md/.html) to write; default "
    "output/<name>.pdf (or the --format's suffix).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format (default: from the -o suffix, else pdf).",
)
@_sheet_options
def render(
    problem_file: Path,
    output: Path | None,
    fmt: str | None,
    reveal: int | None,
    template_dirs: tuple[Path, ...],
    edition: str | None,
    code: str | None,
    sympy: bool,
) -> None:
    """Render the problems of one YAML file as a solutions sheet; with --reveal K, as a
    worksheet that shows the first K steps of each solution."""
    from generator.output import formats
    from generator.output.sheets import derive_all
    from generator.problem.loader import load_file

    options = _options(reveal, template_dirs, edition, code, sympy)
    if output is None:  # output/<name> with the suffix of --format, a PDF by default
        suffix = formats.named(fmt).suffix if fmt in formats.NAMES else ".pdf"
        output = Path("output") / (problem_file.stem + suffix)
    chosen = _format(fmt, output, "pdf", options)
    kind: SheetKind = "solutions" if reveal is None else "worksheet"
    _emit(
        derive_all([options.applied(p) for p in load_file(problem_file)]),
        kind,
        chosen,
        output,
        title=_set_title(problem_file),
        options=options,
    )


@main.command()
@click.argument(
    "problems_dir",
    required=False,
    default="problems",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@click.option(
    "-o", "--output", "out_dir", default="output", type=click.Path(file_okay=False, path_type=Path)
)
@click.option(
    "--force", is_flag=True, help="Derive and typeset everything, even what is up to date."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("pdf", "html", "markdown")),
    default="pdf",
    show_default=True,
    help="pdf: the sheets as PDFs; html: one page each (MathJax in OUTPUT/_assets/); "
    "markdown: .md files.",
)
@click.option(
    "--keep-going",
    is_flag=True,
    help="Write the sheets without the problems that fail (they are reported, "
    "and the exit status is 1).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Run the derivations and LaTeX on the Dask cluster of this scheduler "
    "(tcp://host:8786; `dask scheduler`, then `dask worker ADDRESS` on each machine, "
    "each with tracetrick and TeX Live) instead of this machine's cores.",
)
@_sheet_options
def build(
    problems_dir: Path,
    out_dir: Path,
    force: bool,
    fmt: str,
    keep_going: bool,
    scheduler: str | None,
    reveal: int | None,
    template_dirs: tuple[Path, ...],
    edition: str | None,
    code: str | None,
    sympy: bool,
) -> None:
    """Build worksheet.pdf, solutions.pdf and one PDF per problem, for the folder's own
    problems and, into OUTPUT/<set>/, for each subfolder (a problem set).  Only what
    changed since the last build is derived and typeset again, on every core.
    --reveal K makes every worksheet a hint sheet (overriding `reveal:` in the files).
    Every problem that fails is reported; nothing is written unless --keep-going."""
    from generator.errors import BuildFailed
    from generator.output.build import build_directory
    from generator.output.progress import ProgressDisplay
    from generator.output import formats

    options = _options(reveal, template_dirs, edition, code, sympy)
    try:
        formats.check_code_option(fmt, options)
    except formats.FormatError as err:
        raise click.UsageError(str(err)) from None
    try:
        with ProgressDisplay() as progress:  # a bar on a terminal, plain lines when piped
            written = build_directory(
                problems_dir,
                out_dir,
                progress=progress,
                force=force,
                options=options,
                fmt=fmt,
                notice=progress.notice,
                keep_going=keep_going,
                scheduler=scheduler,
            )
    except BuildFailed as failed:  # with --keep-going, the sheets made without them
        for path in failed.written:
            click.echo(f"wrote {path}", err=True)
        raise
    for path in written:
        click.echo(f"wrote {path}", err=True)
    if not written:
        click.echo(
            f"{out_dir}: up to date (nothing changed since the last build; "
            f"--force builds everything)",
            err=True,
        )


@main.command()
@click.argument(
    "problems_dir", required=False, default="problems", type=click.Path(exists=True, path_type=Path)
)
@_sympy_option
def check(problems_dir: Path, sympy: bool) -> None:
    """Validate, derive and verify every problem (subfolders too); exit 1 on any failure."""
    from generator.output.build import check_problems

    failures, total = check_problems(
        problems_dir, report=lambda line: click.echo(line), sympy=sympy
    )
    click.echo(f"{total - failures} passed, {failures} failed")
    if failures:
        sys.exit(1)


@main.command(name="list")
@click.argument(
    "problems_dir", required=False, default="problems", type=click.Path(exists=True, path_type=Path)
)
def list_problems(problems_dir: Path) -> None:
    """Print the problems, set by set: number, title, objective, wrt, method."""
    from generator.problem.listing import listing

    click.echo(listing(problems_dir))


@main.command()
@click.argument("name")
@click.option(
    "-d", "--directory", default="problems", type=click.Path(file_okay=False, path_type=Path)
)
def new(name: str, directory: Path) -> None:
    """Scaffold a commented problem file problems/NAME.yaml."""
    from generator.problem.scaffold import write_scaffold

    path = write_scaffold(name, directory)
    click.echo(f"wrote {path}")


@main.command()
@click.argument("count", type=click.IntRange(1, 100))
@click.argument("set_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    default="output/variants",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the versions go: version-K/ (its problem files), exam-vK.pdf, key-vK.pdf.",
)
@click.option(
    "--seed",
    default=1,
    show_default=True,
    help="Which versions: the same seed draws the same versions again.",
)
@_templates_option
def variants(
    count: int, set_dir: Path, out_dir: Path, seed: int, template_dirs: tuple[Path, ...]
) -> None:
    """COUNT versions of the exam in SET_DIR: symbols renamed, the numbers in front of
    terms drawn anew; each version derived and checked anew, with its own key.

    Example: tracetrick variants 3 problems/midterm -o output/midterm
    """
    from generator.output.exam_versions import write_versions

    write_versions(
        set_dir,
        count,
        out_dir,
        seed=seed,
        options=_options(None, template_dirs),
        report=lambda message: click.echo(message, err=True),
    )


@main.command()
@click.option(
    "--search",
    default="",
    metavar="WORDS",
    help="Only the laws whose name, reason, formula or rule id holds every word.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(RULES_FORMATS),
    default=None,
    help="Default: from the -o suffix, else text.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the catalogue to FILE (.txt, .md, .html, .tex, .pdf).",
)
def rules(search: str, fmt: str | None, output: Path | None) -> None:
    """The rule catalogue: every law the engine may apply, grouped and numbered, with
    why each holds and the rules that apply it; the HTML page has a search box.

    Examples: tracetrick rules --search trace; tracetrick rules -o rules.pdf
    """
    from generator.render.rules_page import rule_groups, rules_document, write_rules

    fmt = fmt or _rules_format(output)
    if fmt == "pdf" and output is None:
        raise click.UsageError("a PDF is written to a file: give -o FILE.pdf")
    groups = rule_groups(search)
    if not groups:
        raise TracetrickError(
            f"no law of the catalogue holds every word of '{search}'; try fewer "
            f"words, or a rule's name (tracetrick rules lists them all)"
        )
    if output is None:
        click.echo(rules_document(fmt, groups), nl=False)
        return
    write_rules(fmt, groups, output)
    click.echo(f"wrote {output}", err=True)


def _rules_format(output: Path | None) -> str:
    """The catalogue's format from the output's suffix (text for the terminal)."""
    if output is None:
        return "text"
    from generator.output import formats

    try:
        fmt = formats.for_path(output).name
    except formats.FormatError as err:
        raise click.UsageError(str(err)) from None
    if fmt not in RULES_FORMATS:
        raise click.UsageError(
            f"-o {output}: the catalogue is written as {', '.join(RULES_FORMATS)}, not {fmt}"
        )
    return fmt


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the schema to FILE instead of the terminal.",
)
def schema(output: Path | None) -> None:
    """Print the JSON Schema (draft 2020-12) of problem files, for editors.

    Example: tracetrick schema -o problem.schema.json, then start a problem file with
    `# yaml-language-server: $schema=problem.schema.json`.
    """
    from generator.problem.schema import schema_text

    if output is None:
        click.echo(schema_text(), nl=False)
        return
    from generator.render.pdf import write_text_atomic

    write_text_atomic(output, schema_text())
    click.echo(f"wrote {output}", err=True)


# ----- helpers --------------------------------------------------------------------------


def _format(name: str | None, output: Path | None, default: str, options: SheetOptions) -> Format:
    """The output format (--format, else the -o suffix, else `default`), checked against
    the options; a format error is bad usage (exit 2)."""
    from generator.output import formats

    try:
        fmt = formats.chosen(name, output, default)
        formats.check_options(fmt, options, output)
    except formats.FormatError as err:
        raise click.UsageError(str(err)) from None
    return fmt


def _emit(
    derivations: Sequence[Derivation],
    kind: SheetKind,
    fmt: Format,
    output: Path | None,
    *,
    title: str,
    options: SheetOptions,
) -> None:
    """Print the sheet, or write it and say so."""
    from generator.output import formats

    if output is None:
        click.echo(formats.text_of(derivations, kind, fmt, title=title, options=options), nl=False)
        return
    path = formats.write(derivations, kind, fmt, output, title=title, options=options)
    click.echo(f"wrote {path}", err=True)


def _set_title(path: Path) -> str:
    return path.stem.replace("-", " ").replace("_", " ").strip().capitalize()
