"""What an auditor reads across runs: the view by control and the index of stored results."""
