"""The command line: one click group, one module per command family.

- `group`: the group, its error handling and exit codes; `main`.
- `options`: the options shared by the commands (sqlite-utils style decorators),
  loading a scenario, warnings, writing output without overwriting unasked.
- `plan`: `solve`, `check`, `validate`, `schema`; `plan_output`: the plan document
  and picture; `timeline`: `timeline`.
- `whatif`: `compare`, `frontier`; `portfolio`: `apply`.
"""

from rotation_solver.cli.group import cli, main
from rotation_solver.cli.plan import check, schema, solve, validate
from rotation_solver.cli.portfolio import apply
from rotation_solver.cli.timeline import timeline
from rotation_solver.cli.whatif import compare, frontier

cli.add_command(solve)
cli.add_command(check)
cli.add_command(validate)
cli.add_command(schema)
cli.add_command(timeline)
cli.add_command(apply)
cli.add_command(compare)
cli.add_command(frontier)

__all__ = ["cli", "main"]
