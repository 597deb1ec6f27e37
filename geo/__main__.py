"""``python -m geo``: the command line."""

from geo.cli import main

main()
