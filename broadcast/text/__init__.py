"""Vietnamese spoken form: what the engines are handed instead of the written text."""
