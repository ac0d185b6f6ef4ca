"""Goal 6 (issue 14, tidy answers): how long tracetrick's answers are against the answers
the sources print.  For every row of the test corpus (tests/corpus.py), the tokens of
tracetrick's answer over the tokens of the row's hand-written answer (both in the math
syntax, counted by the lexer: names, numbers, operators, brackets).  1.0 is as short as
the textbook; the goal is a median of at most 1.0 and no answer above 1.2.

Run alone: python bench/tidiness.py
"""
from __future__ import annotations

import statistics

import common  # noqa: F401  (puts tests/ on sys.path for the corpus)
from common import table

WORST_SHOWN = 8


def tokens(text: str) -> int:
    """How many tokens the math syntax reads in `text` (the end of input not counted)."""
    from generator.syntax.lexer import Kind, iter_tokens
    return sum(1 for token in iter_tokens(text) if token.kind is not Kind.EOF)


def measure() -> dict:
    from corpus import CORPUS
    from generator.api import derive_text
    from generator.syntax.printer import to_text
    rows = []
    for row in CORPUS:
        ours = to_text(derive_text(row.objective, row.wrt, row.lets, solve=row.solve).gradient)
        rows.append({"source": row.source, "objective": row.objective, "ours": ours,
                     "reference": row.expected,
                     "ratio": round(tokens(ours) / tokens(row.expected), 3)})
    ratios = [r["ratio"] for r in rows]
    return {
        "answers": len(rows),
        "median_ratio": statistics.median(ratios),
        "p90_ratio": statistics.quantiles(ratios, n=10)[-1],
        "max_ratio": max(ratios),
        "above_1_2": sum(r > 1.2 for r in ratios),
        "at_most_1_0": sum(r <= 1.0 for r in ratios),
        "worst": sorted(rows, key=lambda r: -r["ratio"])[:WORST_SHOWN],
    }


def report(r: dict) -> str:
    summary = table([[str(r["answers"]), f"{r['median_ratio']:.2f}", f"{r['p90_ratio']:.2f}",
                      f"{r['max_ratio']:.2f}", str(r["at_most_1_0"]), str(r["above_1_2"])]],
                    ["answers", "median", "90th percentile", "largest", "<= 1.0", "> 1.2"])
    worst = table([[w["objective"], w["ours"], w["reference"], f"{w['ratio']:.2f}"]
                   for w in r["worst"]],
                  ["objective", "tracetrick's answer", "the source's", "tokens ratio"])
    return (f"Answer length against the sources' answers (tokens of ours / tokens of "
            f"theirs), over the corpus:\n\n{summary}\n\nThe longest, relatively:\n\n{worst}")


if __name__ == "__main__":
    print(report(measure()))
