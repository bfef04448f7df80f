"""One module per sub-command, registered in `cli.COMMANDS`; each has `configure(parser)`
and `run(args) -> int` returning the exit code (the contract: `commands/contract.py`)."""
