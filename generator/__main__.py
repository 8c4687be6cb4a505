"""`python -m generator` is the `frise` command."""

from generator.cli import main

main(prog_name="frise")
