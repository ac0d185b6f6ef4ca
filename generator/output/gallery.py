"""The documentation site's generated pages: the gallery of every shipped problem set,
worked (the same Markdown solutions sheet `build --format markdown` writes), and the rule
catalogue (the same source as every sheet's reference).  Used by the site's MkDocs hook
(scripts/mkdocs_hooks.py); a page is Markdown with `$...$` math."""

from __future__ import annotations

from pathlib import Path

from generator.output.sheets import derive_all
from generator.problem.sets import ProblemSet, load_sets
from generator.render.markdown import render_markdown
from generator.render.rules_page import rule_groups, rules_markdown

GALLERY = "gallery"


def gallery_pages(problems: Path) -> dict[str, str]:
    """`gallery/index.md` and one page per set (`gallery/<set>.md`, `gallery/problems.md`
    for the root's own problems): each problem worked step by step, every line checked."""
    pages: dict[str, str] = {}
    links = []
    for problem_set in load_sets(problems):
        slug = page_name(problem_set)
        derivations = derive_all(problem_set.problems)
        pages[f"{GALLERY}/{slug}.md"] = render_markdown(
            derivations,
            "solutions",
            title=problem_set.title,
            description=problem_set.info.description,
        )
        links.append(
            f"- [{problem_set.title}]({slug}.md): "
            f"{len(problem_set.problems)} problems, from `problems/{problem_set.name}`"
        )
    pages[f"{GALLERY}/index.md"] = (
        "# Gallery\n\nEvery problem shipped in `problems/`, worked step by step as the "
        "solutions sheets print it (generated from the problem files by `make docs`; every "
        "line was checked numerically when the site was built).\n\n" + "\n".join(links) + "\n"
    )
    return pages


def page_name(problem_set: ProblemSet) -> str:
    """A set's gallery page, without its suffix: `cookbook`, `problems` for the root's."""
    return problem_set.name.replace("/", "-") or "problems"


def rules_page() -> str:
    """The rule catalogue, grouped and numbered as the sheets number it."""
    return rules_markdown(rule_groups())
