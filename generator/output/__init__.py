"""Files on disk: the output formats in one table (`formats`), a set's sheets planned
once (`sheets`), and whole folders built into PDF, HTML or Markdown sheets,
incrementally and on every core (`build`, `build_parallel`, `build_cache`), with a
progress line (`progress`)."""
