"""Evidence readers, one module per source, and the lazy `Evidence` object."""
