"""Where inference guessed a symbol's kind from its name and the guess is likely what
went wrong, the message or the sheet says what was guessed, why, and the exact
declaration that fixes it (issue 13: `N logdet(S)`, `(x - mu)^T S^-1 (x - mu)`)."""
from __future__ import annotations

import pytest

from cli_helpers import invoke
from generator.api import derive_text
from generator.errors import StuckError
from generator.render.text import render_text


def test_an_upper_case_scalar_read_as_a_matrix_is_named_with_its_declaration():
    with pytest.raises(StuckError, match=r"N was read as a .* matrix because it is upper case.*"
                                         r"`--let \"N: scalar\"`"):
        derive_text("N logdet(S) + tr(S^-1 C)", "S")
    declared = derive_text("N logdet(S) + tr(S^-1 C)", "S", ("N: scalar",))
    assert str(declared.gradient) == "N S^-T - S^-T C^T S^-T"


def test_the_cli_says_it_in_one_paragraph_and_exits_1():
    result = invoke("derive", "N logdet(S) + tr(S^-1 C)", "--wrt", "S")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and '--let "N: scalar"' in result.output


def test_a_greek_scalar_added_to_a_vector_is_noted_on_the_sheet():
    sheet = render_text(derive_text("(x - mu)^T S^-1 (x - mu)", "mu"))
    assert "mu was read as a scalar because it is a Greek letter" in sheet
    assert '--let "mu: n"' in sheet
    declared = derive_text("(x - mu)^T S^-1 (x - mu)", "mu", ("mu: n",))
    assert "read as a scalar" not in render_text(declared)
    assert str(declared.gradient) == "-(S^-1 + S^-T) (x - mu)"


def test_no_note_where_nothing_was_guessed():
    sheet = render_text(derive_text("(x - alpha)^T (x - alpha)", "alpha", ("alpha: scalar",)))
    assert "read as a scalar" not in sheet
