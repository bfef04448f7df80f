"""`clearance release`: the record of one release (docs/release.md).

history.py (the commits, patch ids) -> documents.py, notes.py (the results documents) ->
attribution.py, pulls.py (the pull request of each commit) -> record.py (changes, stages,
flags) -> context.py, render.py (JSON, Markdown, HTML, text); build.py wires them.
"""
