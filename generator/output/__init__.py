"""Files on disk: building a folder of problem sets into PDF, HTML or Markdown sheets,
incrementally (`build`, `build_parallel`, `build_cache`, `web_pages`), with a progress
line (`progress`)."""
