"""Stations, campaigns, the planner that expands them, playlists and the daemon."""
