"""Problem sets in subfolders (generator/problem/sets.py): finding, titling and loading
them, `check` and `list` over them, and a real build through the CLI, pdflatex and
pdftotext.  Every folder is written as real YAML files in a temporary `problems/`."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.errors import ProblemError
from generator.problem.sets import (DEFAULT_SET_TITLE, load_sets, read_set_info,
                                    title_from_name)
from cli_helpers import invoke

ROOT = Path(__file__).resolve().parent.parent
needs_latex = pytest.mark.skipif(shutil.which("pdflatex") is None,
                                 reason="TeX Live is installed by `make test`")


def problem(title: str, number: int | None = None, objective: str = "tr(A X)",
            wrt: str = "X", **more: str) -> str:
    lines = [f"title: {title}"] + ([f"number: {number}"] if number else [])
    lines += [f"objective: {objective}", f"wrt: {wrt}"] + [f"{k}: {v}" for k, v in more.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture()
def tree(tmp_path, monkeypatch):
    """tree({"a.yaml": text, "cookbook/set.yaml": text}) writes problems/... and returns
    the folder as a user names it ("problems"), from its parent."""
    monkeypatch.chdir(tmp_path)

    def tree(files: dict[str, str]) -> Path:
        for name, text in files.items():
            path = tmp_path / "problems" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        return Path("problems")
    return tree


run = invoke


# ----- layout and titles ---------------------------------------------------------------------

def test_every_subfolder_is_a_set_with_its_own_numbers(tree):
    root = tree({
        "01-top.yaml": problem("Top", 1),
        "cookbook/set.yaml": "title: 'Matrix calculus: the Cookbook'\n"
                             "description: Traces and `logdet(X)`.\n",
        "cookbook/01-first.yaml": problem("First", 1),
        "cookbook/02-second.yaml": problem("Second", 2),
        "week-2/extra/01-deep.yaml": problem("Deep", 1),
        "02-eigen/a.yaml": problem("Unnumbered"),
        "_drafts/01-draft.yaml": "not: [valid",     # skipped: starts with _
        ".hidden/01.yaml": "not: [valid",            # skipped: starts with .
        "images/notes.txt": "not a set",             # no problem files: not a set
    })
    sets = load_sets(root)
    assert [(s.name, s.title, [p.title for p in s.problems]) for s in sets] == [
        ("", DEFAULT_SET_TITLE, ["Top"]),
        ("02-eigen", "Eigen", ["Unnumbered"]),
        ("cookbook", "Matrix calculus: the Cookbook", ["First", "Second"]),
        ("week-2/extra", "Extra", ["Deep"]),
    ]
    cookbook = sets[2]
    assert cookbook.description == "Traces and `logdet(X)`."
    assert cookbook.label == "problems/cookbook"


def test_a_folder_of_sets_only_has_no_top_sheet(tree):
    sets = load_sets(tree({"a/1.yaml": problem("A"), "b/1.yaml": problem("B")}))
    assert [s.name for s in sets] == ["a", "b"]


def test_a_set_folder_given_directly_takes_its_set_yaml_title(tree):
    tree({"cookbook/set.yaml": "title: Cookbook\n", "cookbook/1.yaml": problem("A")})
    (only,) = load_sets("problems/cookbook")
    assert (only.name, only.title) == ("", "Cookbook")


@pytest.mark.parametrize("name, title", [
    ("cookbook", "Cookbook"), ("week-2", "Week 2"), ("01-traces", "Traces"),
    ("machine_learning", "Machine learning"), ("2024", "2024"),
    ("week\a-3\x1b", "Week 3"), ("--", "--"), ("\a", "Matrix calculus using the trace trick"),
])
def test_title_from_the_folder_name(name, title):
    assert title_from_name(name) == title


def test_set_yaml_may_be_empty_or_give_only_a_description(tree):
    tree({"a/set.yaml": "# nothing yet\n", "a/1.yaml": problem("A"),
          "b/set.yaml": "description: |\n  First paragraph.\n\n  Second.\n",
          "b/1.yaml": problem("B")})
    assert read_set_info(Path("problems/a"), "A").title == "A"
    info = read_set_info(Path("problems/b"), "B")
    assert (info.title, info.description) == ("B", "First paragraph.\n\nSecond.")


# ----- errors name the file and the line ------------------------------------------------------

@pytest.mark.parametrize("files, message", [
    ({"s/set.yaml": "title: S\nbanana: red\n", "s/1.yaml": problem("A")},
     "problems/s/set.yaml:2: unknown key 'banana'; valid keys: title, description, reveal, "
     "edition, course, date"),
    ({"s/set.yaml": "titel: S\n", "s/1.yaml": problem("A")},
     "problems/s/set.yaml:1: unknown key 'titel'; did you mean 'title'?"),
    ({"s/set.yaml": "title: S\nobjective: tr(X)\n", "s/1.yaml": problem("A")},
     "problems/s/set.yaml:2: unknown key 'objective'; set.yaml holds only the set's title, "
     "description, reveal, edition, course and date; a problem goes in a file of its own "
     "beside it"),
    ({"s/set.yaml": "title: [a, b]\n", "s/1.yaml": problem("A")},
     "problems/s/set.yaml:1: title: expected text, found a list; e.g. `title: Matrix calculus: "
     "the Matrix Cookbook`"),
    ({"s/set.yaml": "- title: S\n", "s/1.yaml": problem("A")},
     "problems/s/set.yaml:1: expected a mapping with `title:` and an optional `description:`, "
     "found a list"),
    ({"s/set.yaml": "title: S\n"},
     "problems/s/set.yaml: the set has no problem files (*.yaml, *.yml) beside it; add one, "
     "or remove set.yaml"),
    ({"s/1.yaml": problem("A", 3), "s/2.yaml": problem("B", 3)},
     "problems/s/2.yaml:1: number: 3 is also the number of the problem at problems/s/1.yaml:1; "
     "give each problem its own number"),
    ({"1.yaml": problem("Top"), "s/deep/1.yaml": problem("A", wrt="Y")},
     "problems/s/deep/1.yaml:3: wrt: 'Y' is not a symbol of the objective (symbols: A, X)"),
])
def test_errors_in_any_file_name_the_file_and_line(tree, files, message):
    with pytest.raises(ProblemError) as err:
        load_sets(tree(files))
    assert str(err.value).startswith(message)


def test_a_yaml_syntax_error_in_set_yaml_shows_the_caret(tree):
    root = tree({"s/set.yaml": "title: Traces: the basics\n", "s/1.yaml": problem("A")})
    with pytest.raises(ProblemError) as err:
        load_sets(root)
    assert str(err.value).startswith("problems/s/set.yaml:1:14: YAML syntax error: mapping "
                                     "values are not allowed here; a value that contains ': ' "
                                     "must be quoted")


def test_no_problems_anywhere_is_an_error(tree):
    with pytest.raises(ProblemError, match="no problem files .* in this folder or its subfolders"):
        load_sets(tree({"notes/readme.txt": "nothing"}))


# ----- check and list cover the subfolders ---------------------------------------------------

def test_check_reports_every_set_and_every_failure(tree):
    root = tree({
        "1.yaml": problem("Top", 1),
        "cookbook/set.yaml": "title: Cookbook\n",
        "cookbook/1.yaml": problem("Good", 1),
        "cookbook/2.yaml": problem("Also one", 1),              # number used twice in the set
        "cookbook/3.yaml": problem("Broken", 3, objective="tr(A X"),
        "other/1.yaml": problem("Other one", 1),                # number 1 again: another set
        "other/2.yaml": problem("Wrong", 2, expect="A"),
    })
    result = run("check", str(root))
    assert result.exit_code == 1
    out = result.output
    assert "problems: " + DEFAULT_SET_TITLE in out and "problems/cookbook: Cookbook" in out
    assert "problems/other: Other" in out
    assert "FAIL problems/cookbook/3.yaml:3:" in out
    assert "FAIL problems/cookbook/2.yaml:1: number: 1 is also the number" in out
    assert "ok   problems/cookbook/1.yaml: Good" in out
    assert "ok   problems/other/1.yaml: Other one" in out
    assert "FAIL problems/other/2.yaml" in out and "expect" in out
    assert "4 passed, 3 failed" in out
    assert "Traceback" not in out


def test_list_shows_the_sets(tree):
    root = tree({"1.yaml": problem("Top", 1),
                 "cookbook/set.yaml": "title: Cookbook\n",
                 "cookbook/1.yaml": problem("First of the cookbook", 1, solve="false")})
    result = run("list", str(root))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"problems: {DEFAULT_SET_TITLE} (1 problem)"
    assert "problems/cookbook: Cookbook (1 problem)" in lines
    below = lines[lines.index("problems/cookbook: Cookbook (1 problem)") + 2]
    assert re.match(r"  1\s+First of the cookbook\s+tr\(A X\)\s+X\s+differential$", below)


# ----- the shipped cookbook set -------------------------------------------------------------

def test_the_cookbook_set_is_numbered_and_solves():
    sets = {s.name: s for s in load_sets(ROOT / "problems")}
    cookbook = sets["cookbook"]
    assert cookbook.title == "Matrix calculus: the Matrix Cookbook and machine learning"
    assert cookbook.description
    numbers = [p.number for p in cookbook.problems]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 10
    assert all(p.expect is not None for p in cookbook.problems)
    assert sum(p.solve and p.solution is not None for p in cookbook.problems) >= 2


# ----- a real build through the command line ---------------------------------------------------

def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return re.sub(r"\s+", "", out)


@needs_latex
def test_build_writes_each_set_into_its_own_folder(tree, tmp_path):
    root = tree({
        "01-top.yaml": problem("Top trace", 1),
        "cookbook/set.yaml": "title: 'Cookbook: traces'\n"
                             "description: Gradients of traces; `A` is constant.\n",
        "cookbook/01-bilinear.yaml": problem("Bilinear form", 1, objective="a^T X b",
                                             expect="a b^T"),
        "cookbook/02-logdet.yaml": problem("Log determinant", 2, objective="logdet(X)"),
        "week-2/01-quad.yaml": problem("Quadratic", 1, objective="x^T A x", wrt="x"),
    })
    result = run("build", str(root), "-o", "output")
    assert result.exit_code == 0, result.output
    out = tmp_path / "output"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf")) == [
        "01-top.pdf", "cookbook/01-bilinear.pdf", "cookbook/02-logdet.pdf",
        "cookbook/solutions.pdf", "cookbook/worksheet.pdf", "solutions.pdf",
        "week-2/01-quad.pdf", "week-2/solutions.pdf", "week-2/worksheet.pdf", "worksheet.pdf"]
    assert not list(out.rglob("*.tmp"))

    top = pdf_text(out / "worksheet.pdf")
    assert DEFAULT_SET_TITLE.replace(" ", "") in top
    assert "Problem1:Toptrace" in top and "Bilinear" not in top

    worksheet = pdf_text(out / "cookbook/worksheet.pdf")
    assert worksheet.startswith("Cookbook:traces")
    assert "Gradientsoftraces;Aisconstant." in worksheet
    assert "Problem1:Bilinearform" in worksheet and "Problem2:Logdeterminant" in worksheet
    assert "Step1" not in worksheet and "Toptrace" not in worksheet

    solutions = pdf_text(out / "cookbook/solutions.pdf")
    assert solutions.startswith("Cookbook:traces")
    assert "∇XL=abT" in solutions and "∇XL=X−T" in solutions

    week = pdf_text(out / "week-2/solutions.pdf")
    assert week.startswith("Week2") and "Problem1:Quadratic" in week
    single = pdf_text(out / "cookbook/02-logdet.pdf")
    assert "Problem2:Logdeterminant" in single and "∇XL=X−T" in single
    assert "[10/10]" in result.output


@needs_latex
def test_a_bad_problem_in_a_set_stops_the_build_before_any_pdf(tree, tmp_path):
    root = tree({"01-top.yaml": problem("Top", 1),
                 "cookbook/01-bad.yaml": problem("Bad", 1, objective="tr(A X")})
    result = run("build", str(root), "-o", "output")
    assert result.exit_code == 1
    assert "problems/cookbook/01-bad.yaml:3" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "output").exists() or not list((tmp_path / "output").rglob("*.pdf"))


def test_a_problem_file_named_like_a_sheet_is_refused(tree):
    root = tree({"worksheet.yaml": problem("Clash", 1)})
    result = run("build", str(root), "-o", "output")
    assert result.exit_code == 1
    assert ("problems/worksheet.yaml:1: its PDF would be worksheet.pdf and overwrite the set's "
            "worksheet sheet; rename the file") in result.output


# ----- only files inside the folder given are read (issue 11) -------------------------------

@pytest.mark.parametrize("make, says", [
    (lambda d: (d / "evil.yaml").symlink_to(_secret(d.parent)), "a link to a file outside"),
    (lambda d: (d / "gone.yaml").symlink_to(d / "nothing-here.yaml"), "a link to nothing"),
    (lambda d: (d / "x.yaml").mkdir(), "is a folder, but its name says a problem file"),
    (lambda d: (d / "set.yaml").mkdir(), "is a folder, but its name says the set's description"),
])
def test_links_and_folders_where_a_problem_file_should_be_are_errors(tmp_path, make, says):
    folder = tmp_path / "problems"
    folder.mkdir()
    shutil.copy(ROOT / "problems" / "04-trace-linear.yaml", folder)
    make(folder)
    result = run("check", str(folder))
    assert result.exit_code == 1 and says in result.output
    assert "Traceback" not in result.output and "root:" not in result.output


def _secret(where: Path) -> Path:
    secret = where / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    return secret


def test_a_link_given_on_the_command_line_is_not_followed_out_of_its_folder(tmp_path):
    (tmp_path / "problems").mkdir()
    link = tmp_path / "problems" / "p.yaml"
    link.symlink_to(_secret(tmp_path))
    result = run("render", str(link), "-o", str(tmp_path / "p.txt"))
    assert result.exit_code == 1 and "a link to a file outside" in result.output
    assert "root:" not in result.output
