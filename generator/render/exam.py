"""Whether a sheet is an exam, and its header: one decision for every format.

A sheet is an exam when every problem on it is in the exam's edition (`edition: exam`
in set.yaml or the problem file, or `--edition exam`).  Its worksheet is then the exam
paper (a header with the course and the date, a line for the name, the total of the
points, room to work and to answer) and its solutions are the key.  LaTeX, Markdown and
HTML read the same ExamHeader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from generator.derivation import Derivation


@dataclass(frozen=True)
class ExamHeader:
    """`exam`: every problem is in the exam's edition; `course`, `date`: the set's
    (prose, may be empty); `total_points`: the sum of the problems' `points:` (None when
    no problem has any)."""

    exam: bool
    course: str = ""
    date: str = ""
    total_points: int | None = None


def exam_header(derivations: Sequence[Derivation], course: str = "", date: str = "") -> ExamHeader:
    exam = bool(derivations) and all(d.problem.for_exam for d in derivations)
    points = [d.problem.points for d in derivations if d.problem.points is not None]
    return ExamHeader(exam, course, date, sum(points) if points else None)
