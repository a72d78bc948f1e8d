"""Playout: the daemon that airs the running orders, its player processes and its lock."""
