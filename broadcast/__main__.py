"""``python -m broadcast`` runs the same command line as ``broadcast``."""

from .cli import main

main()
