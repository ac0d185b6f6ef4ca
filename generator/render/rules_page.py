"""The rule catalogue as a document of its own (`tracetrick rules`).

Every law the engine may apply, grouped as the notes group them (the trace, the
differential, the theorems, then the others), numbered as in the whole catalogue, each
with its name, the reason a step title gives for it (generator.render.reasons) and the
rules that apply it; then the steps of the method that are no laws.  It is made from
the same source as the sheets' reference sections (generator.render.reference), so the
page cannot list a law the engine does not have.  `search` keeps the laws whose words
hold every word asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pylatex.utils import NoEscape

from generator.engine.catalogue import BY_ID, CATALOGUE
from generator.render.reasons import REASONS, sentence
from generator.render.reference import SHOWN_GROUPS, law_latex, whole_catalogue
from generator.render.templates import render_template, shared_environment

# The groups in the order of the notes, each with its heading.
GROUP_TITLES = {
    "trace": "The trace",
    "transpose": "Transposes",
    "differential": "The differential",
    "hadamard": "Entrywise products and sums of entries",
    "index": "Entries and indices",
    "theorem": "Theorems",
    "algebra": "Algebra",
    "tidy": "Tidying an answer",
    "solve": "Solving for the variable",
    "vec": "vec and Kronecker products",
    "linear": "Linear forms: Jacobians and Hessians",
}
STEPS_TITLE = "Steps of the method (no laws: recorded and checked, never cited by number)"


@dataclass(frozen=True)
class RuleRow:
    """One law (or step of the method, `number` None) of the catalogue."""

    number: int | None
    law: NoEscape  # LaTeX math
    law_text: str  # the law in the math syntax; "" where it cannot be written so
    name: str
    why: str  # prose, math in backticks
    ids: tuple[str, ...]  # the rules of the engine that apply it

    @property
    def words(self) -> str:
        """What a search looks in, in lower case."""
        return " ".join((self.name, self.why, self.law_text, *self.ids)).lower()


@dataclass(frozen=True)
class RuleGroup:
    title: str
    rows: tuple[RuleRow, ...]


def rule_groups(search: str = "") -> tuple[RuleGroup, ...]:
    """The catalogue, grouped; with `search`, only the rows that hold all its words."""
    by_group: dict[str, list[RuleRow]] = {}
    for entry in whole_catalogue().rows:
        rules = [BY_ID[i] for i in entry.ids]
        law_rule = next((r for r in rules if law_latex(r) == entry.law), rules[0])
        by_group.setdefault(entry.group, []).append(
            RuleRow(
                entry.number,
                NoEscape(entry.law),
                law_rule.law,
                entry.name,
                _why(entry.ids),
                entry.ids,
            )
        )
    order = [g for g in SHOWN_GROUPS if g in by_group] + [
        g for g in by_group if g not in SHOWN_GROUPS
    ]
    groups = [RuleGroup(GROUP_TITLES.get(g, g.capitalize()), tuple(by_group[g])) for g in order]
    steps = tuple(
        RuleRow(None, NoEscape(r.law_latex), "", r.name, _why((r.id,)), (r.id,))
        for r in CATALOGUE
        if r.procedure
    )
    groups.append(RuleGroup(STEPS_TITLE, steps))
    words = search.lower().split()
    kept = (
        RuleGroup(g.title, tuple(r for r in g.rows if all(w in r.words for w in words)))
        for g in groups
    )
    return tuple(g for g in kept if g.rows)


def _why(ids: tuple[str, ...]) -> str:
    """The reason a step title gives for the law, else the rule's own justification."""
    for rule_id in ids:
        if rule_id in REASONS:
            return sentence(REASONS[rule_id]) + "."
    return BY_ID[ids[0]].says.rstrip(".") + "."


def rules_text(groups: tuple[RuleGroup, ...]) -> str:
    """The catalogue for the terminal: the laws in the math syntax, where it writes them."""
    from generator.render.text import plain

    out = []
    for group in groups:
        out += ["", group.title, "-" * len(group.title)]
        for row in group.rows:
            number = f"({row.number})" if row.number is not None else "  - "
            law = f": {row.law_text}" if row.law_text else ""
            out.append(f"{number:>5} {row.name}{law}")
            out.append(f"      {plain(row.why)}  [{', '.join(row.ids)}]")
    return "\n".join(out).lstrip("\n") + "\n"


# ----- the typeset documents: one template per format ------------------------------------

TITLE = "The rule catalogue"
INTRO = (
    "Every law tracetrick may apply, numbered as in the whole catalogue (a sheet "
    "numbers the laws it cites anew, in this order). The test suite checks every law "
    "numerically, and every line of a sheet that uses one is checked on random "
    "instances."
)

# The HTML page's search: hides the laws that do not hold every word typed (the same
# test as `rule_groups(search)`), and a group left empty; `#words` in the address
# searches as the page opens.
SEARCH_SCRIPT = """var box = document.getElementById('search');
function filter() {
  var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
  document.querySelectorAll('li[data-words]').forEach(function (li) {
    var text = li.getAttribute('data-words');
    li.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
  });
  document.querySelectorAll('section.group').forEach(function (s) {
    s.hidden = !s.querySelector('li[data-words]:not([hidden])');
  });
}
box.addEventListener('input', filter);
if (location.hash.length > 1) {   // rules.html#det opens on the laws of det
  box.value = decodeURIComponent(location.hash.slice(1));
  filter();
}"""


def rules_markdown(groups: tuple[RuleGroup, ...]) -> str:
    from generator.render.markdown import markdown_environment, tidied

    return tidied(
        render_template(
            markdown_environment(()), "rules.md.j2", title=TITLE, intro=INTRO, groups=groups
        )
    )


def rules_html(groups: tuple[RuleGroup, ...], mathjax_src: str) -> str:
    from markupsafe import Markup
    from generator.render.html import MATHJAX_CONFIG, content_security_policy, html_environment
    from generator.version import __version__

    return render_template(
        html_environment(()),
        "rules.html.j2",
        title=TITLE,
        intro=INTRO,
        groups=groups,
        mathjax_src=mathjax_src,
        mathjax_config=Markup(MATHJAX_CONFIG),
        search_script=Markup(SEARCH_SCRIPT),
        content_security_policy=content_security_policy(MATHJAX_CONFIG, SEARCH_SCRIPT),
        version=__version__,
    )


def rules_latex(groups: tuple[RuleGroup, ...]) -> str:
    from generator.render.latex_sheet import latex_document, math_to_latex

    return latex_document(
        render_template(
            shared_environment(math=math_to_latex),
            "rules.tex.j2",
            title=TITLE,
            intro=INTRO,
            groups=groups,
        )
    )


def rules_document(fmt: str, groups: tuple[RuleGroup, ...], mathjax_src: str = "") -> str:
    """The catalogue's text in `fmt` (every format but PDF, which LaTeX writes from
    "latex"); an HTML page refers to MathJax at `mathjax_src` (default: the installed
    copy, for a page printed to the terminal)."""
    if fmt == "text":
        return rules_text(groups)
    if fmt == "markdown":
        return rules_markdown(groups)
    if fmt == "latex":
        return rules_latex(groups)
    if fmt == "html":
        from generator.render.mathjax import installed_script_uri

        return rules_html(groups, mathjax_src or installed_script_uri())
    raise ValueError(f"the catalogue has no text in {fmt!r}")


def write_rules(fmt: str, groups: tuple[RuleGroup, ...], output: Path) -> None:
    """Write the catalogue to `output` atomically: a PDF through LaTeX, an HTML page
    with MathJax copied beside it."""
    from generator.render.pdf import compile_pdf, write_text_atomic

    if fmt == "pdf":
        compile_pdf(rules_latex(groups), output, source_label="the rule catalogue")
        return
    src = ""
    if fmt == "html":
        from generator.render.mathjax import beside

        src = beside(output)
    write_text_atomic(output, rules_document(fmt, groups, src))
