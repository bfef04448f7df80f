"""A tiny shop: a cart and its checkout."""
