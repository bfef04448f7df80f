"""Files generated from a policy for a repository: the PR template, clearance.yaml,
the pre-commit configuration and the GitHub workflow (`clearance init`, `clearance template`)."""
