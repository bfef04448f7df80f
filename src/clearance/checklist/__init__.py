"""A pack's source document (the checklist it encodes) and which rule cites each item."""
