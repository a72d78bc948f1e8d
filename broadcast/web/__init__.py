"""The officer's console: a small server-rendered web app over the same core functions
as the CLI (check, spoken form, render, plan, build, emergency, as-run, report).

Starlette + Jinja2, no JavaScript build step; see docs/huong-dan-can-bo.md.
"""
