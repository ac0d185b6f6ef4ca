"""The differential method (design.md, phases 1 to 5): from L to its gradient.

Each phase is recorded as it begins (it becomes one "Step k" of the sheet, laid out by
generator.render.sheet); inside it every rule application is recorded by the Recorder.  The story, as in the notes:

1. write L in trace form (norms as products, a repeated residual named R, tr(a) = a);
2. take the differential and push d inwards;
3. split with the linearity of the trace;
4. bring every term to tr(M dX) (trace of a transpose, cyclic property), then collect;
   with a named R: find dR, plug it back, and repeat 3-4 for dX;
5. identify G from dL = tr(G^T dX) and tidy it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from generator.engine.records import Record
from generator.engine import catalogue as cat
from generator.engine.context import Context, has_differential
from generator.engine.earlier import EarlierResult, Use, find_use
from generator.engine.layers import is_layer, layer_count, own_numbers
from generator.engine.names import (
    EngineNames,
    carried_name,
    layer_names,
    residual,
    residual_name,
    written_out,
)
from generator.engine.recorder import Recorder
from generator.engine.rule import Rule
from generator.engine.rules_general import with_general_terms
from generator.errors import StuckError
from generator.math.expr import (
    Add,
    Differential,
    Expr,
    Hadamard,
    Identity,
    Mul,
    Number,
    Power,
    PowerSum,
    Quantity,
    Symbol,
    Trace,
    Transpose,
    ZERO,
    add,
    d,
    factors_of,
    is_zero,
    mul,
    terms_of,
)
from generator.math.indexed import IndexedSum, free_indices, is_general, spelled_out
from generator.math.shapes import symbol_for


@dataclass(frozen=True)
class GradientResult:
    """What the differential method found, with its recorded trace: the gradient of each
    variable asked for, in order (one, or several for `wrt: [W1, W2]`)."""

    records: tuple[Record, ...]
    gradients: tuple[tuple[str, Expr], ...]
    definitions: tuple[tuple[str, Expr], ...]  # named subexpressions: (("R", A x - b),)
    context: Context
    # the layers named by the engine (engine.layers), innermost first, and the gradients
    # as found: in those layers, or by a general term (engine.rules_general); empty where
    # they are `gradients` themselves, which are written out in the problem's symbols
    layers: tuple[tuple[str, Expr], ...] = ()
    as_found: tuple[tuple[str, Expr], ...] = ()

    @property
    def gradient(self) -> Expr:
        """The gradient of the (first) variable."""
        return self.gradients[0][1]


def derive_gradient(
    objective: Expr,
    ctx: Context,
    rec: Recorder | None = None,
    earlier: tuple[EarlierResult, ...] = (),
    named: tuple[tuple[str, Expr], ...] = (),
) -> GradientResult:
    """`named`: the problem's named results (`where:`), in order, already in the
    context; the derivation goes back through them, last first, keeping their names."""
    rec = rec or Recorder(ctx)
    expr, definitions, layers = _trace_form(rec, objective, named)
    named += layers
    use = find_use(expr, earlier, rec.ctx) if earlier else None
    dexpr = _by_earlier_result(rec, expr, use) if use else take_differential(rec, expr)
    dexpr = _to_trace_form(rec, _linearity(rec, dexpr))
    carried: list[tuple[str, Expr]] = []  # what was carried back, named (delta2, ...)
    if definitions or named:
        for name, meaning in definitions:
            dexpr = _plug_in(rec, dexpr, name, meaning)
        for name, meaning in reversed(named):  # backpropagation: the last result first
            if dexpr.contains(Differential(residual(name))):
                dexpr = _plug_in(rec, dexpr, name, meaning, keep=named)
                dexpr = _carry_back(rec, dexpr, named, carried)
        dexpr = _to_trace_form(rec, _linearity(rec, dexpr))
    if len(rec.ctx.asked) > 1:
        gradients = _identify_each(rec, dexpr, objective)
    else:
        gradients = ((rec.ctx.wrt, _identify(rec, dexpr, carried=tuple(carried))),)
    # the sheet writes the answer as found (in the layers, by its general term); what
    # reads back has it written out in the problem's own symbols
    as_found = gradients if layers or any(is_general(g) for _, g in gradients) else ()
    gradients = tuple((v, written_out(spelled_out(g), layers)) for v, g in gradients)
    return GradientResult(
        tuple(rec.records), gradients, definitions + tuple(carried), rec.ctx, layers, as_found
    )


# ----- phase 1 ------------------------------------------------------------------------


Named = tuple[tuple[str, Expr], ...]


def _trace_form(rec: Recorder, objective: Expr, named: Named = ()) -> tuple[Expr, Named, Named]:
    """The objective in trace form, with its repeated residuals named (and written out
    again once their differential is in); first, where the problem names nothing itself
    (`named`), a deep nest of functions named layer by layer (kept in the answer), so
    that a residual holds the outermost layer's name (`R = h1 - y`), not the nest."""
    L = rec.ctx.names.objective
    objective, layers = (objective, ()) if named else _name_layers(rec, objective)
    objective = with_general_terms(objective, rec.ctx)  # printed the same: no step
    rec.phase("trace-form")
    rec.state(L, objective)
    expr = rec.exhaust(L, objective, rec.phases.trace_form)
    definitions = []
    while (found := _repeated_residual(expr, rec.ctx)) is not None:
        name = residual_name(rec.ctx.table.names(), rec.ctx.names)
        expr = _introduce_name(rec, expr, name, found)
        definitions.append((name, found))
    expr = _wrap_terms_in_trace(rec, L, expr)
    return expr, tuple(definitions), layers


def _name_layers(rec: Recorder, expr: Expr) -> tuple[Expr, Named]:
    """`h1 = sigmoid(W1 x)`, `h2 = sigmoid(W2 h1)`, ..., then `L = sum(h3)`: a line per
    layer, innermost first (engine.layers says which nests, engine.names the names)."""
    if not layer_count(expr, rec.ctx):
        return expr, ()
    L = rec.ctx.names.objective
    taken = (*rec.ctx.table.names(), *rec.ctx.names.printed())
    unnamed = list(layer_names(own_numbers(expr, rec.ctx), taken))  # innermost first
    rec.phase("name-layers")
    layers: dict[Expr, str] = {}  # a layer -> its name, in the order they are named

    def named(node: Expr) -> Expr:
        # children first: every layer inside this one has its name already
        if not is_layer(node, rec.ctx):
            return node
        if node not in layers:
            layers[node] = name = unnamed.pop(0)
            rec.ctx = rec.ctx.with_named(name, node)
            rec.record(cat.NAME_LAYER, residual(name), node, residual(name), before=node)
        return residual(layers[node])

    expr = expr.map_bottom_up(named)
    rec.record(cat.NAME_LAYER, L, expr, expr)
    return expr, tuple((name, layer) for layer, name in layers.items())


def trace_form_of(objective: Expr, ctx: Context) -> tuple[Expr, Context]:
    """Phase 1 alone (nothing recorded that anyone keeps): the objective in trace form
    and the context with its named subexpressions."""
    rec = Recorder(ctx)
    expr, _, _ = _trace_form(rec, objective)
    return expr, rec.ctx


def _repeated_residual(expr: Expr, ctx: Context) -> Expr | None:
    """A sum that holds the variable and occurs twice (`(A x - b)^T (A x - b)`); not one
    that is another in each term of a sum over i (`A_i x - b_i`): one name cannot say it."""
    counts: dict[Expr, int] = {}
    for node in expr.walk():
        if isinstance(node, Add) and not ctx.is_constant(node) and not free_indices(node):
            counts[node] = counts.get(node, 0) + 1
    repeated = [node for node, n in counts.items() if n >= 2]
    return repeated[0] if repeated else None


def _introduce_name(rec: Recorder, expr: Expr, name: str, meaning: Expr) -> Expr:
    L = rec.ctx.names.objective
    rec.ctx = rec.ctx.with_variable(symbol_for(name, meaning, rec.ctx.table, constant=False))
    named = residual(name)
    new = expr.replace(meaning, named)
    rec.record(cat.ABBREVIATE, L, new, named, before=meaning)
    return new


def _wrap_terms_in_trace(rec: Recorder, lhs: Expr, expr: Expr) -> Expr:
    """Each scalar term that is no trace, wrapped in one (`x^T A x` = tr(x^T A x)); the
    terms of a sum over i are terms too (sum_i tr(x^T A_i x))."""
    rule = cat.rule("scalar-as-trace")
    terms = list(terms_of(expr))
    for i, term in enumerate(terms):
        wrapped = _wrapped(term, rule, rec.ctx)
        if wrapped is not None:
            terms[i] = wrapped
            expr = add(*terms)
            rec.record(rule, lhs, expr, wrapped, before=term)
    return expr


def _wrapped(term: Expr, rule: Rule, ctx: Context) -> Expr | None:
    if not isinstance(term, IndexedSum):
        return rule.apply(term, ctx)
    inside = [_wrapped(t, rule, ctx) for t in terms_of(term.body)]
    if all(w is None for w in inside):
        return None
    body = add(*(w or t for w, t in zip(inside, terms_of(term.body))))
    return replace(term, body=body)


# ----- phase 2 ------------------------------------------------------------------------


def take_differential(rec: Recorder, expr: Expr, kind: str = "differential") -> Expr:
    """Phase 2: d of the objective, d pushed inwards until it stands on the variable
    (`kind`: the phase, "hessian" when the objective is the gradient)."""
    DL = rec.ctx.names.d_objective
    rec.phase(kind)
    rec.state(DL, d(expr))
    dexpr = rec.exhaust(DL, d(expr), rec.phases.differential)
    _check_pushed_to_variables(dexpr, rec.ctx)
    return dexpr


def _by_earlier_result(rec: Recorder, expr: Expr, use: Use) -> Expr:
    """dL in one step from an earlier problem's gradient ("remember problem 5")."""
    DL = rec.ctx.names.d_objective
    rec.phase("earlier-result", cited=use.result.heading, bindings=use.bindings)
    rec.state(DL, d(expr))
    dexpr: Expr = Trace(mul(Transpose(use.gradient), Differential(use.variable)))
    rec.record(cat.EARLIER_RESULT, DL, dexpr, dexpr, detail=True)
    dexpr = rec.simplify(DL, dexpr, rec.phases.normal, rec.phases.tidy, detail=True)
    rec.state(DL, dexpr, "result")  # the earlier gradient as the tidy pass writes it
    return dexpr


def _check_pushed_to_variables(expr: Expr, ctx: Context) -> None:
    for node in expr.walk():
        if isinstance(node, Differential) and not ctx.varies(node.arg):
            raise StuckError(
                f"no rule for the differential of `{node.arg}` ({_missing_rule(node.arg)}); "
                f"the engine cannot take d({node.arg}) yet"
            )


def _missing_rule(e: Expr) -> str:
    """What rule d(e) would need, in words."""
    if isinstance(e, Power) and e.symbolic:
        return (
            f"the exponent {e.exponent} varies, and the law d(s^p) = p s^(p-1) ds holds "
            f"for a constant exponent only"
        )
    if isinstance(e, (Symbol, Quantity)):
        return f"{e} is a named subexpression without a definition"
    return f"there is no differential rule for {type(e).__name__} nodes"


# ----- phases 3 and 4 -----------------------------------------------------------------


def _sum_holds_differential(node: Expr) -> bool:
    if isinstance(node, Transpose):
        return _is_sum_with_differential(node.arg)
    if isinstance(node, (Mul, Hadamard)):
        return any(_is_sum_with_differential(f) for f in node.children())
    return False


def _is_sum_with_differential(e: Expr) -> bool:
    """A sum (or a sum over j) that holds the differential: expanded in phase 3."""
    return isinstance(e, (Add, IndexedSum)) and has_differential(e)


def _linearity(rec: Recorder, expr: Expr) -> Expr:
    DL = rec.ctx.names.d_objective
    return _wrap_terms_in_trace(rec, DL, expand_linear(rec, expr))


def expand_linear(rec: Recorder, expr: Expr, to_traces: bool = True) -> Expr:
    """Phase 3: split with linearity, expanding only the sums that hold the differential;
    `to_traces`: sums of entries and Hadamard products become traces (a scalar's dL)."""
    DL = rec.ctx.names.d_objective
    rec.phase("linearity")
    rec.state(DL, expr)
    while True:
        before = expr
        expr = rec.exhaust(DL, expr, rec.phases.linearity)
        expr = rec.exhaust(DL, expr, rec.phases.expand, where=_sum_holds_differential)
        if to_traces:
            expr = rec.exhaust(DL, expr, rec.phases.to_traces, where=has_differential)
        if expr == before:
            break
    return expr


def _to_trace_form(rec: Recorder, expr: Expr) -> Expr:
    """Each term to tr(M dX), shown term by term as in the notes, then collected."""
    DL = rec.ctx.names.d_objective
    rec.phase("terms-to-trace-form")
    terms = list(terms_of(expr))
    single = len(terms) == 1  # then the term is dL itself: nothing to assemble
    if single:
        rec.state(DL, expr)
    for i, term in enumerate(terms):
        # each term on its own line, `tr(dX^T A X) = tr(X^T A^T dX)`, as the notes do
        lhs = DL if single else term
        new = rec.simplify(
            lhs, term, rec.phases.trace_notation, rec.phases.to_trace_form, where=has_differential
        )
        wrapped = _wrap_terms_in_trace(rec, lhs, new)  # a scalar with dX left its trace
        if wrapped != new:
            new = rec.simplify(
                lhs,
                wrapped,
                rec.phases.trace_notation,
                rec.phases.to_trace_form,
                where=has_differential,
            )
        terms[i] = new
    if expr != add(*terms):
        expr = add(*terms)
        if not single:
            rec.state(DL, expr, "assembled")
    # a sum over j is terms to collect too
    if len(terms_of(expr)) > 1 or isinstance(expr, IndexedSum):
        rec.phase("collect")
        expr = rec.exhaust(DL, expr, rec.phases.collect)
    return expr


# ----- the named residual -------------------------------------------------------------


def _plug_in(
    rec: Recorder, expr: Expr, name: str, meaning: Expr, keep: tuple[tuple[str, Expr], ...] = ()
) -> Expr:
    """d(name) found and put in dL (the chain rule).  A name of the problem's (`keep`)
    stays in dL, and its meaning, where the differential wrote it out (`sigmoid(h)` for
    `a`), is named back; the notes' R is written out once its differential is in."""
    DL = rec.ctx.names.d_objective
    named = residual(name)
    dr = Differential(named)
    rec.phase("find-differential", named)
    rec.state(dr, d(meaning))
    differential = rec.exhaust(dr, d(meaning), rec.phases.differential)
    _check_pushed_to_variables(differential, rec.ctx)
    inside = set(differential.walk())
    for kept, kept_meaning in keep:
        if kept_meaning in inside:
            differential = differential.replace(kept_meaning, residual(kept))
            rec.record(cat.SUBSTITUTE, dr, differential, residual(kept), before=kept_meaning)
    rec.phase("plug-in", named)
    rec.state(DL, expr)
    expr = expr.replace(dr, differential)
    # a name of the problem's (`where:`) is backpropagation's chain rule, cited as a law;
    # the notes' R is their procedure of naming a subexpression
    rec.record(cat.CHAIN_RULE if keep else cat.SUBSTITUTE, DL, expr, differential, before=dr)
    if not keep:
        expr = expr.replace(named, meaning)
        rec.record(cat.SUBSTITUTE, DL, expr, meaning, before=named)
    return expr


def _carry_back(rec: Recorder, expr: Expr, named: Named, carried: list[tuple[str, Expr]]) -> Expr:
    """After the chain rule put `dh1` in, `dL = tr(1^T (h1 .* (1 - h1) .* A1 dh2))`:
    brought to `tr(M dh2)`, and M^T named (`delta2`, the gradient of L with respect to
    h2) where the differential goes back through another layer, so that no line holds
    more than one layer.  Where dL holds other differentials (a weight's, with several
    variables) or the next layer is the last, dL goes on as it is."""
    meanings: dict[Expr, tuple[str, Expr]] = {residual(n): (n, m) for n, m in named}
    held = {node.arg for node in expr.walk() if isinstance(node, Differential)}
    if len(held) != 1 or not held <= meanings.keys():
        return expr  # other differentials (a weight's, with several variables)
    name, meaning = meanings[next(iter(held))]
    if not any(inner in meanings for inner in meaning.walk()):
        return expr  # the last layer: nothing to carry further
    expr = _to_trace_form(rec, _linearity(rec, expr))
    dh = Differential(residual(name))
    try:
        coefficient = _coefficient_of_differential(expr, dh, rec.ctx)
    except StuckError:
        return expr  # not one term tr(M dh): carried as it is
    DL, taken = rec.ctx.names.d_objective, (*rec.ctx.table.names(), *rec.ctx.names.printed())
    delta = residual(carried_name(residual(name), taken))
    rec.phase("carry-back", residual(name))
    value = rec.simplify(
        delta, Transpose(coefficient), rec.phases.normal, rec.phases.tidy, detail=True
    )
    rec.ctx = rec.ctx.with_named(delta.name, value)
    carried.append((delta.name, value))
    new = Trace(mul(Transpose(delta), dh))
    rec.record(cat.NAME_CARRIED, DL, new, delta, before=value)
    return new


# ----- phase 5 ------------------------------------------------------------------------


def _identify(rec: Recorder, expr: Expr, kind: str = "identify", carried: Named = ()) -> Expr:
    """G from dL = tr(G^T dX), X the context's `wrt` and G its gradient's name; what was
    carried back (`delta2`, ...) is written out in G."""
    G = rec.ctx.names.gradient
    rec.phase(kind, Symbol(rec.ctx.wrt))
    ctx = rec.ctx
    dvar = Differential(Symbol(ctx.wrt))
    m = _coefficient_of_differential(expr, dvar, ctx)
    g_t = Transpose(G)
    rec.record(cat.THEOREM, g_t, m)
    gradient: Expr = Transpose(m)
    rec.state(G, gradient, "implies")
    if carried:
        gradient = written_out(rec.answer(G, gradient, rec.phases.tidy), carried)
        rec.record(cat.SUBSTITUTE, G, gradient, gradient)
    return rec.answer(G, gradient, rec.phases.tidy)


def _identify_each(rec: Recorder, expr: Expr, objective: Expr) -> tuple[tuple[str, Expr], ...]:
    """Several variables: dL = tr(G_1^T dW_1) + tr(G_2^T dW_2) + ..., and each gradient
    read from the terms that hold its own differential, one "Identify" per variable, in
    the order the problem lists them.  Each G is named grad_W L (a GradientOf, whose
    value the check computes entry by entry: an independent proof of each line)."""
    from generator.math.index_nodes import GradientOf

    ctx = rec.ctx
    terms = terms_of(expr)
    differentials = [Differential(Symbol(v)) for v in ctx.asked]
    if is_zero(expr):
        terms = ()
    stray = [t for t in terms if sum(t.contains(dv) for dv in differentials) != 1]
    if stray:
        raise StuckError(
            f"could not split d{ctx.names.objective} into one term per variable: the term "
            f"{stray[0]} does not hold exactly one of {', '.join(map(str, differentials))}"
        )
    gradients = []
    for variable, dvar in zip(ctx.asked, differentials):
        own = add(*(t for t in terms if t.contains(dvar)))
        name = GradientOf(objective, variable, name=ctx.names.objective.name)
        rec.ctx = replace(ctx, wrt=variable, names=EngineNames(ctx.names.objective, name))
        gradients.append((variable, _identify(rec, own, "identify-variable")))
    rec.ctx = ctx
    return tuple(gradients)


def transpose_variable(rec: Recorder, objective: Expr, gradient: Expr) -> Expr:
    """The notes' T2, grad_{X^T} L = (grad_X L)^T, proved as the notes prove it for a
    matrix: the gradient with respect to X^T is the matrix of the partial derivatives
    with respect to the entries of X^T, `[dL/dx_qp]_pq`, the transpose of the matrix of
    partials with respect to X.  (Citing the law T2 would prove T2 by itself.)"""
    from generator.math.index_nodes import COL, ROW, ExplicitMatrix, GradientOf, Partial

    x = rec.ctx.wrt
    info = rec.ctx.table[x]
    rec.phase("transposed-variable", Symbol(x))
    name = rec.ctx.names.objective.name
    lhs = GradientOf(objective, x, transposed=True, name=name)
    gradient_of = GradientOf(objective, x, name=name)
    rec.state(gradient_of, gradient)
    if len(info.shape) == 2:
        partials = Partial(objective, x, COL, ROW, name)  # (X^T)_pq is x_qp
        rec.record(
            cat.rule("gradient-definition"),
            lhs,
            ExplicitMatrix(partials, ROW, COL, info.cols, info.rows),
        )
        rec.record(cat.rule("index-name"), lhs, Transpose(gradient_of))
        answer = Transpose(gradient)
        rec.record(cat.SUBSTITUTE, lhs, answer, answer)
    else:
        answer = Transpose(gradient)
        rec.record(cat.TRANSPOSED_VARIABLE, lhs, answer, answer)
    return rec.answer(lhs, answer, rec.phases.tidy)


def symmetrise(rec: Recorder, gradient: Expr) -> Expr:
    """(G + G^T) / 2: the gradient among symmetric directions, for a symmetric variable."""
    G = rec.ctx.names.gradient
    rec.phase("symmetrise", Symbol(rec.ctx.wrt))
    rec.state(G, gradient)
    g = mul(Number(Fraction(1, 2)), add(gradient, Transpose(gradient)))
    rec.record(cat.SYMMETRISE, G, g, g)
    return rec.answer(G, g, rec.phases.tidy)


def _coefficient_of_differential(expr: Expr, dvar: Differential, ctx: Context) -> Expr:
    """M in dL = tr(M dX); dL = 0 gives M = 0."""
    if is_zero(expr):
        return ZERO
    if ctx.is_scalar(dvar.arg):
        # a scalar variable: dL = c d(alpha) term by term, each c free of d(alpha)
        coefficients: list[Expr] = []
        for term in terms_of(expr):
            traced = isinstance(term, Trace)
            factors = factors_of(term.arg if isinstance(term, Trace) else term)
            if factors.count(dvar) != 1 or any(f.contains(dvar) for f in factors if f != dvar):
                break
            rest = mul(*(f for f in factors if f != dvar))
            # tr(c M d(alpha)) = tr(c M) d(alpha): the trace stays on what is a matrix
            coefficients.append(Trace(rest) if traced and not ctx.is_scalar(rest) else rest)
        else:  # every term is c d(alpha)
            if coefficients:
                return add(*coefficients)
    if isinstance(expr, Trace):
        factors = factors_of(expr.arg)
        if factors[-1] == dvar and not any(f.contains(dvar) for f in factors[:-1]):
            before = factors[:-1]
            if ctx.is_scalar(mul(*before)) and not ctx.is_scalar(dvar.arg):
                # tr(c dX) = tr(c I dX): a scalar coefficient is c times the identity; so
                # is a run of factors whose product is 1 x 1 (`tr(a^T a dX)`), not only c
                return mul(*before, Identity(ctx.table[ctx.wrt].rows))
            return mul(*before)
    why = ""
    power_sum = next((n for n in expr.walk() if isinstance(n, PowerSum)), None)
    if power_sum is not None:  # tr(A X^k): sum_j (X^j A X^(k-1-j))^T has no closed form
        why = (
            f": the differential of {Power(power_sum.base, power_sum.exponent)} is a sum "
            f"over j that closes only inside a trace with nothing but scalars beside it "
            f"(tr(X^k)); write a number for {power_sum.exponent} (as in "
            f"{Power(power_sum.base, 3)}) to have the terms written out"
        )
    raise StuckError(
        f"could not bring d{ctx.names.objective} to the form "
        f"tr({ctx.names.gradient}^T d{ctx.wrt}); the engine stopped at "
        f"d{ctx.names.objective} = {expr}{why}"
    )
