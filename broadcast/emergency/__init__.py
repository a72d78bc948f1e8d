"""emergency."""
