"""Reporting on what aired: the as-run log, the directive report and the preview page."""
