"""`python -m bot` runs the meldbot command line."""

from bot.cli import main

main()
