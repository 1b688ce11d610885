"""`python -m gossamer` is the `gossamer` command."""

from .cli import app

app(prog_name="gossamer")
