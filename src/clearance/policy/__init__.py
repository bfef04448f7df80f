"""Policy files: loading with positions, schema and semantic checks, `extends`."""
