"""`python -m generator`: the same command line as `tracetrick` (contract section 3)."""

from generator.cli import main

if __name__ == "__main__":
    # A click command exits by itself; a plain function's return value is the status.
    raise SystemExit(main())
