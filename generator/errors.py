"""The project's own error types.

Every failure a user can cause is one of these; the command line turns them into a
one-paragraph message and exit status 1.  Anything else escaping is a bug.
"""

from __future__ import annotations

from generator.caret import show


class TracetrickError(Exception):
    """Base of every error the program reports to a user (exit status 1)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class MathSyntaxError(TracetrickError):
    """The math text does not parse.  `column` is 1-based within `text`."""

    def __init__(self, message: str, text: str, column: int):
        self.reason = message
        self.text = text
        self.column = column
        super().__init__(f"{message} (column {column})\n{show(text, column)}")


class ShapeError(TracetrickError):
    """Shapes do not fit together, or cannot be inferred."""


class ProblemError(TracetrickError):
    """A problem file (or the command line's equivalent) is invalid."""


class StuckError(TracetrickError):
    """The engine found no rule for a subterm: names the subterm and what is missing."""


class VerificationError(TracetrickError):
    """A step failed its numeric check: a bug, reported instead of a wrong sheet."""


class UncheckableError(VerificationError):
    """No random instance could evaluate the lines (a matrix to invert was singular, or a
    value overflowed, on every draw): nothing was checked, so nothing is printed.  A
    limit of the check, not a wrong line."""


class LatexError(TracetrickError):
    """LaTeX failed; the message carries the first error and where it came from."""


class OutputError(TracetrickError):
    """An output file cannot be written: names the file and why (the previous one, if
    any, is left as it was)."""

    @classmethod
    def writing(cls, path: object, err: OSError) -> "OutputError":
        return cls(
            f"cannot write {path}: {err.strerror or err}; write into a folder you "
            f"can write to, with room to spare (-o), or free some space"
        )


class BuildFailed(TracetrickError):
    """Problems of a build failed to load, derive or verify: every one is reported (each
    line names its file), not only the first.  Without --keep-going nothing was written;
    with it, `written` are the sheets made without them."""

    def __init__(self, failures: tuple[str, ...], kept_going: bool, written: tuple = ()):
        self.failures, self.written = failures, written
        count = f"{len(failures)} problem{'s' if len(failures) != 1 else ''}"
        outcome = (
            "the sheets were written without them"
            if kept_going
            else "nothing was written (--keep-going writes the sheets without them)"
        )
        super().__init__(
            f"{count} failed, {outcome}:\n" + "\n".join(f"  {line}" for line in failures)
        )


class TemplateError(TracetrickError):
    """A sheet template is broken: names the template, its line, and what went wrong."""
