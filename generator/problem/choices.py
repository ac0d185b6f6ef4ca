"""The values a problem's choice fields may take, with no import of their own: the
command line offers them in `--help` without loading the package's mathematics."""

from __future__ import annotations

METHODS = ("differential", "elementwise")
# who a sheet is for: the key keeps the numeric check and the notes on conventions under
# each answer; a student's edition leaves them out (what a student needs is the math);
# an exam's worksheet is the exam paper (a header with the course, the date and a line
# for the name, the points, a box to answer in) and its solutions are the key
EDITIONS = ("key", "student", "exam")
# the libraries a Markdown or HTML sheet may show each answer's code for (`code:`, `--code`;
# generator/render/code.py writes it)
CODE_LIBRARIES = ("python", "torch", "jax")
