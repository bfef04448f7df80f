"""One module per sub-command; each `run(args) -> int` returns the exit code."""
