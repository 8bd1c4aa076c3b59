"""README: "Every command takes `--db PATH`": a script that passes it to
each command it runs must not meet "No such option '--db'" (`score rules`
did). Only `db copy`, which names both of its databases as arguments, has
none."""

from pathlib import Path

import click
from click.testing import CliRunner

from leadtui.cli.root import main

# Names its source and target as arguments instead.
WITHOUT_DB = {"db copy"}


def _commands(group: click.Group, ctx: click.Context, prefix: str = "") -> dict[str, click.Command]:
    found: dict[str, click.Command] = {}
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        if isinstance(command, click.Group):
            found |= _commands(command, ctx, f"{prefix}{name} ")
        else:
            found[prefix + name] = command
    return found


def test_every_command_takes_db() -> None:
    with click.Context(main) as ctx:
        commands = _commands(main, ctx)
    lacking = {
        name
        for name, command in commands.items()
        if not any("--db" in param.opts for param in command.params)
    }
    assert lacking == WITHOUT_DB


def test_score_rules_takes_db_and_prints_the_rules(tmp_path: Path) -> None:
    path = tmp_path / "none.db"
    result = CliRunner().invoke(main, ["score", "rules", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# rules in effect:")
    assert not path.exists()  # the rules are their own file: no database is made
