"""`python -m generator` is the `frise` command."""

from generator.commands.cli import main

main(prog_name="frise")
