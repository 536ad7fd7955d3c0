"""`python -m mkdocs_postmortem` runs the command line."""

from .cli import main

main()
