"""`tracetrick build`, incremental and on every core, for PDF, HTML and Markdown sheets.

The story of one build:
1. For each set, hash its raw inputs (generator/output/build_cache.py); a set whose inputs and
   PDFs are those of the last build is skipped without parsing it (the no-op rebuild).
2. Load every other set, as far as it goes (a file that does not load is a failure,
   reported with the others at the end).
3. Derive its problems, each on its own, unless the cache holds the derivation: in a
   process pool, one process per core (forked after the heavy imports, so no process
   imports sympy again).  A problem that can use an earlier problem's result of its
   sheet ("by Problem 5") is then derived again here, with the earlier ones, in order.
4. As soon as a PDF's derivations are all there, its LaTeX source is rendered; a PDF
   whose source is the one it was last typeset from (and which is unchanged on disk)
   is left alone, the others go to pdflatex, in a thread pool as large as the machine,
   the largest sheet first: LaTeX overlaps the derivations still running.
5. A PDF is typeset into a staging folder and published (renamed into place) only once
   every derivation of the build succeeded, so a problem that fails to load, derive or
   verify leaves the output folder as it was.  Every problem is derived all the same,
   and every failure is reported at the end (BuildFailed); with `keep_going`, the
   sheets are made and published without the problems that failed, and their sets are
   not recorded as built (the next build tries them again).

Progress is reported per PDF (done, total, its path in the output folder; a PDF left
alone counts too), from the calling thread.
"""

from __future__ import annotations

import concurrent.futures as cf
import heapq
import multiprocessing
import os
import queue
import shutil
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Callable, Sequence

from generator.output.build_cache import (
    STORE_NAME,
    BuildCache,
    digest,
    environment_digest,
    problem_key,
    set_key,
    tex_key,
)
from generator.output import formats, sheets
from generator.output.sheets import Target
from generator.derivation import Derivation
from generator.output.build_workers import (
    Failed,
    cluster_at,
    derive_in_worker,
    die_with_parent,
    import_the_heavy_modules,
    page_job,
    typeset_job,
)
from generator.errors import BuildFailed, OutputError, ProblemError, TracetrickError
from generator.problem.model import Problem
from generator.problem.sets import ProblemSet, check_set, failure_line, set_folders, set_name
from generator.render.sheet_options import SheetOptions, for_sheet_of_build

Progress = Callable[[int, int, str], None]
Slot = tuple[int, int]  # (index of the set's plan, index of the problem in the set)
MIN_POOL_PROBLEMS = 4  # fewer derivations than this are not worth starting processes
BUILT = ("pdf", "html", "markdown")  # the formats a build writes whole folders in


def cpu_count() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class SetPlan:
    problem_set: ProblemSet
    key: str
    problem_keys: tuple[str, ...]
    outputs: tuple[Target, ...]


def plan_set(
    problem_set: ProblemSet, key: str, out_dir: Path, environment: str, suffix: str = ".pdf"
) -> SetPlan:
    """The sheets of one set (output/sheets.py lays them out) and the keys of its problems."""
    keys = tuple(problem_key(p, environment) for p in problem_set.problems)
    return SetPlan(problem_set, key, keys, sheets.plan(problem_set, out_dir, suffix))


def build_incremental(
    root: Path,
    out_dir: Path,
    progress: Progress | None = None,
    *,
    force: bool = False,
    jobs: int | None = None,
    options: SheetOptions = SheetOptions(),
    fmt: str = "pdf",
    notice: Callable[[str], None] | None = None,
    keep_going: bool = False,
    scheduler: str | None = None,
) -> list[Path]:
    """Build every set under `root` into `out_dir` as `fmt` (pdf, html or markdown),
    skipping what is up to date (all of it with `force`); returns the files written.
    `options` (hint mode, the user's templates) and the format are part of every key: a
    build with other options is not up to date.  `notice` hears of a cache that was
    damaged or could not be written (the build does the work again, and goes on).
    Problems that fail are all reported in one BuildFailed; `keep_going` writes the
    sheets without them first (step 5).  `scheduler`: the address of a Dask scheduler
    whose cluster runs the derivations and the LaTeX instead of this machine's cores."""
    from generator.render.templates import template_search_path

    root, out_dir = Path(root), Path(out_dir)
    sheet_format = formats.named(fmt)
    if sheet_format.name not in BUILT:
        raise ProblemError(f"build writes {', '.join(BUILT)} sheets, not {fmt}")
    environment = digest(  # every option a sheet shows: a build with others is not fresh
        environment_digest(template_search_path(options.template_dirs)),
        options.reveal,
        options.edition,
        options.code,
        options.sympy,
        sheet_format.name,
    )
    cache = BuildCache(out_dir, environment, enabled=not force, notice=notice)
    folders = set_folders(root)
    if not folders:
        raise ProblemError(
            f"{root}: no problem files (*.yaml, *.yml) in this folder or its subfolders"
        )
    plans: list[SetPlan] = []
    failures: list[str] = []  # "file:line: why", every one (as `check` reports)
    incomplete: set[int] = set()  # the plans of the sets a file of which failed
    for folder in folders:
        key = set_key(root, folder, environment)
        if cache.set_is_fresh(set_name(root, folder), key):
            continue
        problem_set, failed = check_set(root, folder, failures.append)
        if failed:
            incomplete.add(len(plans))
        if problem_set.problems:  # as the options print them (--edition)
            problem_set = replace(
                problem_set,
                problems=tuple(options.applied(problem) for problem in problem_set.problems),
            )
            plans.append(plan_set(problem_set, key, out_dir, environment, sheet_format.suffix))
    if not plans and not failures:
        return []
    first = not out_dir.exists()
    try:  # a folder that cannot be made is one error now, not one per file later
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError.writing(out_dir, err) from None
    build = _Build(
        plans,
        cache,
        out_dir,
        progress,
        jobs or cpu_count(),
        options,
        sheet_format,
        keep_going=keep_going,
        failed_to_load=bool(failures),
        scheduler=scheduler,
    )
    try:
        written = build.run()
        failures += build.failures
        if failures and not keep_going:
            raise BuildFailed(tuple(sorted(failures)), kept_going=False)
    except BaseException:
        if first:  # a first build that fails leaves no folder behind
            shutil.rmtree(out_dir, ignore_errors=True)
        raise
    for p, plan in enumerate(plans):
        if p in incomplete or p in build.failed_plans:
            continue  # built without some of its problems: not up to date
        outputs = {o.rel: build.tex_keys[(p, n)] for n, o in enumerate(plan.outputs)}
        cache.record_set(plan.problem_set.name, plan.key, outputs, build.used_keys[p])
    cache.save()
    if failures:
        raise BuildFailed(tuple(sorted(failures)), kept_going=True, written=tuple(written))
    return written


# ----- the work: derivations in processes, LaTeX in threads ------------------------------


class _Build:
    """Steps 3 to 5 above, for the sets of `plans`.  One loop in the calling thread takes
    the events (a derivation done, a LaTeX run done) from a queue as they come, and
    keeps every core busy; each event costs the same at 20 problems as at 500."""

    def __init__(
        self,
        plans: Sequence[SetPlan],
        cache: BuildCache,
        out_dir: Path,
        progress: Progress | None,
        jobs: int,
        options: SheetOptions,
        sheet_format: formats.Format,
        *,
        keep_going: bool = False,
        failed_to_load: bool = False,
        scheduler: str | None = None,
    ):
        self.cache, self.out_dir, self.progress, self.jobs = cache, out_dir, progress, jobs
        self.options, self.format = options, sheet_format
        self.plans = plans
        self.keep_going, self.failed_to_load = keep_going, failed_to_load
        self.scheduler = scheduler
        self.failed: dict[Slot, str] = {}  # a problem that failed -> why (in order)
        self.alone: dict[Slot, Derivation] = {}  # each problem derived on its own
        self.on_sheet: dict[Slot, Derivation] = {}  # ... and as its sheet shows it
        self.resolved = [0] * len(plans)  # problems whose citations are decided
        self.missing = [len(plan.problem_keys) for plan in plans]  # not yet on_sheet
        self.single_of = [
            {o.problems[0]: n for n, o in enumerate(plan.outputs) if o.kind == "single"}
            for plan in plans
        ]
        self.used_keys: list[list[str]] = [list(plan.problem_keys) for plan in plans]
        self.waiting: dict[str, list[Slot]] = {}  # problem key -> the slots that need it
        for slot in ((p, i) for p, plan in enumerate(plans) for i in range(len(plan.problem_keys))):
            key = self._key(slot)
            found = None if key in self.waiting else self._reused(key, self._problem(slot))
            if found is None:
                self.waiting.setdefault(key, []).append(slot)
            else:
                self.alone[slot] = replace(found, problem=self._problem(slot))
        # One derivation per distinct problem (two sets may share a problem file).
        self.to_derive: list[Slot] = [slots[0] for slots in self.waiting.values()]
        self.pool: cf.Executor | None = None
        self.deriving = 0  # derivations submitted to the pool, not in
        self.total = sum(len(plan.outputs) for plan in plans)
        self.done = 0
        self.tex_keys: dict[tuple[int, int], str] = {}  # (plan, output) -> its tex_key
        self.staging = out_dir / STORE_NAME / f"staging-{os.getpid()}"
        self.events: queue.SimpleQueue = queue.SimpleQueue()
        self.newly_ready: list[tuple[int, int]] = []
        self.ready: list[tuple[int, tuple[int, int], str]] = []  # (-size, output, tex)
        self.compiling = 0
        self.staged: dict[tuple[int, int], Path] = {}
        self.written: list[tuple[int, int]] = []
        self.committed = False

    @property
    def failures(self) -> list[str]:
        """Why each problem that failed failed, in the order of the sets."""
        return [self.failed[slot] for slot in sorted(self.failed)]

    @property
    def failed_plans(self) -> set[int]:
        return {p for p, _ in self.failed}

    @property
    def doomed(self) -> bool:
        """Something failed and nothing will be written: no sheet is worth typesetting,
        but every derivation still runs, so that every failure is reported."""
        return not self.keep_going and bool(self.failed or self.failed_to_load)

    def _fail(self, slots: list[Slot], exc: TracetrickError) -> None:
        """The problem of `slots` failed: recorded, and skipped as its set is built."""
        for slot in slots:
            problem = self._problem(slot)
            where = problem.source.path if problem.source is not None else "?"
            self.failed[slot] = failure_line(exc, where, problem.title)

    def _problem(self, slot: Slot) -> Problem:
        return self.plans[slot[0]].problem_set.problems[slot[1]]

    def _key(self, slot: Slot) -> str:
        return self.plans[slot[0]].problem_keys[slot[1]]

    def _output(self, at: tuple[int, int]) -> Target:
        return self.plans[at[0]].outputs[at[1]]

    def run(self) -> list[Path]:
        cluster = cluster_at(self.scheduler) if self.scheduler else None
        latex: cf.Executor
        if cluster is not None:  # the cluster takes the derivations and the LaTeX
            self.jobs = cluster.cores
            self.pool = latex = cluster.executor
            self._submit_all(cluster.executor)
        else:
            import_the_heavy_modules()
            self.pool = self._start_pool()  # forks now, before this process has any thread
            latex = cf.ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="latex")
        inline = [] if self.pool else list(self.to_derive)
        try:
            self._advance(latex)
            while self.deriving or inline:
                if inline:  # no pool: derive here, between LaTeX events
                    slot = inline.pop(0)
                    self._derived(slot, derive_in_worker(self._problem(slot)))
                    self._advance(latex)
                    self._drain(latex, block=False)
                    continue
                kind, payload, future = self.events.get()
                if kind == "compiled":
                    self._compiled(payload, future)
                else:
                    self.deriving -= 1
                    result = future.result()
                    if kind == "derived":
                        self._derived(payload, result)
                    elif isinstance(result, Failed):  # "on-sheet": (slot, key)
                        self._fail([payload[0]], result.error())
                    else:
                        self.cache.keep_trace(payload[1], result)
                        self._place(payload[0], result)
                self._advance(latex)
            if self.doomed:
                return []  # BuildFailed follows: nothing is published
            self.committed = True  # every derivation succeeded: publish from now on
            if self.format.name == "html":  # the pages' MathJax, once, beside them
                from generator.render.mathjax import copy_assets

                copy_assets(self.out_dir)
            for at, staged in sorted(self.staged.items()):
                self._publish(at, staged)
            while self.compiling or self.ready:
                self._drain(latex, block=True)
        finally:
            if cluster is not None:
                cluster.close()
            else:
                if self.pool is not None:
                    self.pool.shutdown(wait=True, cancel_futures=True)
                latex.shutdown(wait=True, cancel_futures=True)
            shutil.rmtree(self.staging, ignore_errors=True)
            self.cache.save(prune=False)  # what was published is recorded even on failure
        return [self._output(at).path for at in sorted(self.written)]

    # -- derivations ----------------------------------------------------------------------

    def _start_pool(self) -> cf.Executor | None:
        """A process per core for the derivations, when there are enough of them."""
        if self.jobs < 2 or len(self.to_derive) < MIN_POOL_PROBLEMS:
            return None
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        pool = cf.ProcessPoolExecutor(
            max_workers=min(self.jobs, len(self.to_derive)),
            mp_context=context,
            initializer=die_with_parent,
            initargs=(os.getpid(),),
        )
        self._submit_all(pool)
        return pool

    def _submit_all(self, pool: cf.Executor) -> None:
        """Every derivation this build needs, to the pool."""
        for slot in self.to_derive:
            self._submit(pool, "derived", slot, self._problem(slot))

    def _submit(
        self,
        pool: cf.Executor,
        kind: str,
        payload: object,
        problem: Problem,
        earlier: tuple = (),
    ) -> None:
        future = pool.submit(derive_in_worker, problem, earlier)
        future.add_done_callback(partial(self._report, kind, payload))
        self.deriving += 1

    def _report(self, kind: str, payload: object, future: cf.Future) -> None:
        """A job is done: its event goes to the main loop (callbacks run on pool threads)."""
        self.events.put((kind, payload, future))

    def _derived(self, slot: Slot, result: Derivation | Failed) -> None:
        """A derivation is in (or its failure, `Failed`): for every slot of its problem."""
        key = self._key(slot)
        slots = self.waiting.pop(key)
        if isinstance(result, Failed):
            self._fail(slots, result.error())
            return
        self.cache.keep_trace(key, result)
        for each in slots:
            self.alone[each] = replace(result, problem=self._problem(each))

    def _resolve(self, p: int) -> None:
        """Decide, in order, which problems of the set can use an earlier problem's result
        ("by Problem 5"), as far as their derivations (and those of all the problems
        before them) are in.  One that can is derived again with the earlier ones (in the
        pool, or from the cache under a key that names them all); the others go on the
        sheet as derived on their own.  The earlier results are the same either way."""
        from generator.api import cites_earlier

        problems = self.plans[p].problem_set.problems
        while self.resolved[p] < len(problems) and (
            (p, self.resolved[p]) in self.alone or (p, self.resolved[p]) in self.failed
        ):
            i = self.resolved[p]
            self.resolved[p] += 1
            if (p, i) in self.failed:
                self._skip((p, i))
                continue
            earlier = tuple(self.alone[(p, j)] for j in range(i) if (p, j) in self.alone)
            if not cites_earlier(problems[i], earlier):
                self._place((p, i), self.alone[(p, i)])
                continue
            key = digest("on-sheet", self._key((p, i)), self.plans[p].problem_keys[:i])
            self.used_keys[p].append(key)
            found = self._reused(key, problems[i], earlier)
            if found is None and self.pool is not None:
                self._submit(self.pool, "on-sheet", ((p, i), key), problems[i], earlier)
                continue
            if found is None:
                derived = derive_in_worker(problems[i], earlier)
                if isinstance(derived, Failed):
                    self._fail([(p, i)], derived.error())
                    self._skip((p, i))
                    continue
                self.cache.keep_trace(key, derived)
                found = derived
            self._place((p, i), found)

    def _reused(self, key: str, problem: Problem, earlier: tuple = ()) -> Derivation | None:
        """The problem's derivation proved by the trace the cache keeps under `key`, and by
        a check of its answer in this run (generator/output/cached_proof.py); None when
        there is none that proves it (with a notice saying why, when there was one)."""
        from generator.output.cached_proof import NotReusable, reuse

        trace = self.cache.trace(key)
        if trace is None:
            return None
        try:
            return reuse(trace, problem, earlier)
        except NotReusable as why:
            self.cache.notice(
                f"the cached proof of {_named(problem)} does not hold ({why}); deriving it again"
            )
            return None

    def _place(self, slot: Slot, derivation: Derivation) -> None:
        """The problem as its sheet shows it: its PDF can be rendered, and the set's
        sheets once it was the last one missing."""
        p, i = slot
        self.on_sheet[slot] = replace(derivation, problem=self._problem(slot))
        self.newly_ready.append((p, self.single_of[p][i]))
        self._settled(p)

    def _skip(self, slot: Slot) -> None:
        """A problem that failed: no sheet of its own; its set's sheets go without it."""
        self.total -= 1
        self._settled(slot[0])

    def _settled(self, p: int) -> None:
        """One more problem of set `p` is placed or skipped: the last one makes the set's
        sheets ready (those with a problem left on them)."""
        self.missing[p] -= 1
        if self.missing[p] == 0:
            for n, out in enumerate(self.plans[p].outputs):
                if out.kind == "single":
                    continue
                if any((p, i) in self.on_sheet for i in out.problems):
                    self.newly_ready.append((p, n))
                else:
                    self.total -= 1

    # -- LaTeX ----------------------------------------------------------------------------

    def _advance(self, latex: cf.Executor) -> None:
        """Render the PDFs whose derivations are now all on their sheet; start the
        largest rendered ones while a core is free."""
        for p in range(len(self.plans)):
            self._resolve(p)
        if self.doomed:  # nothing will be written: derive on, typeset nothing more
            self.newly_ready.clear()
            self.ready.clear()
        for at in self.newly_ready:
            self._render(at)
        self.newly_ready.clear()
        while self.ready and self.compiling < self.jobs:
            _, at, tex = heapq.heappop(self.ready)
            out = self._output(at)
            if self.format.name == "pdf":
                future = latex.submit(typeset_job, tex, f"{out.kind} sheet '{out.title}'")
            else:
                future = latex.submit(page_job, tex)
            future.add_done_callback(partial(self._report, "compiled", at))
            self.compiling += 1

    def _render(self, at: tuple[int, int]) -> None:
        """The sheet's source (a PDF's LaTeX, a page's text); typeset or written only when
        it is not the source of the file there."""
        out = self._output(at)
        shown = [self.on_sheet[(at[0], i)] for i in out.problems if (at[0], i) in self.on_sheet]
        options = for_sheet_of_build(self.options, out.kind)
        if self.format.name == "pdf":
            from generator.output.sheets import sheet_tex

            tex = sheet_tex(
                shown,
                out.kind,
                out.title,
                out.description,
                options,
                course=out.course,
                date=out.date,
            )
        else:
            from generator.render.mathjax import script_src

            src = script_src(out.path, self.out_dir) if self.format.name == "html" else None
            tex = formats.render_page(
                shown,
                out.kind,
                self.format.name,
                title=out.title,
                description=out.description,
                mathjax_src=src,
                options=options,
                course=out.course,
                date=out.date,
            )
        self.tex_keys[at] = tex_key(tex)
        if self.cache.output_is_fresh(out.rel, self.tex_keys[at]):
            self._tick(f"{out.rel} (unchanged)")
        else:
            heapq.heappush(self.ready, (-len(tex), at, tex))

    def _drain(self, latex: cf.Executor, block: bool) -> None:
        """Handle the LaTeX runs that finished (waiting for one, with `block`)."""
        while True:
            try:
                kind, at, future = self.events.get(block=block)
            except queue.Empty:
                return
            self._compiled(at, future)
            self._advance(latex)
            if block:
                return

    def _compiled(self, at: tuple[int, int], future: cf.Future) -> None:
        self.compiling -= 1
        made = future.result()  # a LatexError stops the build here
        staged = self.staging / f"{at[0]}-{at[1]}{self.format.suffix}"
        staged.parent.mkdir(parents=True, exist_ok=True)
        staged.write_bytes(made)
        self._tick(self._output(at).rel)
        if self.committed:
            self._publish(at, staged)
        else:
            self.staged[at] = staged

    def _publish(self, at: tuple[int, int], staged: Path) -> None:
        out = self._output(at)
        out.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(staged, out.path)
        except OSError:  # another file system (a symbolic link in the output folder)
            from generator.render.pdf import write_bytes_atomic

            write_bytes_atomic(out.path, staged.read_bytes())
        self.cache.record_output(out.rel, self.tex_keys[at])
        self.written.append(at)
        self.staged.pop(at, None)

    def _tick(self, label: str) -> None:
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total, label)


def _named(problem: Problem) -> str:
    """A problem as a notice names it: its file and line, or its title."""
    return str(problem.source) if problem.source is not None else repr(problem.title)
