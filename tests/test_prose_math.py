"""Math in prose: text between backticks in a title, a statement or a set's description
is typeset, so backtick text that is not math is an error at its file, line and column,
with a caret (it was printed raw before, unnoticed); on the command line, --title too.
`check` and `build` report it with the other failures."""
from __future__ import annotations

import pytest

from cli_helpers import invoke
from generator.errors import ProblemError
from generator.problem.loader import load_file
from generator.problem.sets import load_set
from generator.syntax.prose import unreadable_math


@pytest.mark.parametrize("prose, segment, column", [
    ("the function `tanh` here", "tanh", 1),
    ("an equation `A = B +` here", "A = B +", 7),
    ("folded over\n  two lines: `f(x` here", "f(x", 1),
    ("a sum `(x + y` open", "(x + y", 1),
])
def test_the_first_unreadable_backtick_text_is_found_with_its_place(prose, segment, column):
    why, offset = unreadable_math(prose)
    assert why.startswith(f"`{segment}` is between backticks, which mark math, but it is "
                          f"not math")
    caret = why.splitlines()[2]
    assert caret.index("^") - 2 == column - 1      # under the place, in the segment shown
    assert prose[offset] == segment[column - 1]    # and the place in the text as written


@pytest.mark.parametrize("prose", ["no math at all", "`tr(A B) = tr(B A)` and `x^T A x`",
                                   "`dL = tr(G^T dX)`", "`softmax(z) - y`"])
def test_math_in_backticks_reads(prose):
    assert unreadable_math(prose) is None


def test_a_statement_s_error_names_file_line_and_column(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("title: P\nobjective: tr(A X)\nwrt: X\nstatement: >\n"
                    "  A layer of\n  `tanh` units.\n", encoding="utf-8")
    with pytest.raises(ProblemError, match=r"p\.yaml:6:4: statement: `tanh` is between "
                                           r"backticks") as caught:
        load_file(path)
    assert "  tanh\n  ^" in str(caught.value)


def test_a_title_and_a_set_description_are_checked_too(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("title: The `softmax` loss\nobjective: tr(A X)\nwrt: X\n", encoding="utf-8")
    with pytest.raises(ProblemError, match=r"p\.yaml:1:13: title: `softmax`"):
        load_file(path)
    path.write_text("title: P\nobjective: tr(A X)\nwrt: X\n", encoding="utf-8")
    (tmp_path / "set.yaml").write_text("title: S\ndescription: Named with `where:`.\n",
                                       encoding="utf-8")
    with pytest.raises(ProblemError, match=r"set\.yaml:2:31: description: `where:`"):
        load_set(tmp_path, tmp_path)


def test_check_reports_it_and_the_cli_title_is_checked(tmp_path):
    (tmp_path / "p.yaml").write_text("title: P\nobjective: tr(A X)\nwrt: X\n"
                                     "statement: The `f(x` here.\n", encoding="utf-8")
    result = invoke("check", str(tmp_path))
    assert result.exit_code == 1 and "p.yaml:4:17: statement: `f(x`" in result.output
    result = invoke("derive", "tr(A X)", "--wrt", "X", "--title", "About `exp`")
    assert result.exit_code != 0 and "--title: `exp` is between backticks" in result.output
    assert "Traceback" not in result.output
