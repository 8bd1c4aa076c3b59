"""Every command, walked from the click group, with the inputs a new user
mistypes and an attacker tries: one line on stderr, exit 1, no traceback.
Adding a command or an option brings it under these tests by itself."""

import importlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from leadtui.cli.params import LEAD_ID, LeadId
from leadtui.cli.root import main
from leadtui.repository import open_repository

README = Path(__file__).parent.parent / "README.md"
HUGE_ID = str(2**63)
# Commands that print a confirmation of what they did rather than data; every
# other command has --json. `import` prints data (its summary and problems)
# but is left to its own change.
ACTIONS = {
    "add", "quick", "advance", "back", "win", "reopen", "lose", "log", "followup", "set",
    "merge", "erase", "undo", "redo", "demo", "export", "import", "db backup", "db restore",
    "db copy", "score pin", "score refresh", "serve", "user add", "user link", "user remove",
    "user role",
}  # fmt: skip


def walk(group: click.Group = main, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    # As --help finds them: most are imported only when named.
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, name
        path = f"{prefix}{name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from walk(command, f"{path} ")


COMMANDS = dict(walk())
LEAF_COMMANDS = {p: c for p, c in COMMANDS.items() if not isinstance(c, click.Group)}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def one_line_error(result: Result) -> str:
    """The README's promise for any failure."""
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def filler(param: click.Parameter) -> str:
    """A value click accepts for a required argument."""
    return "1" if isinstance(param.type, LeadId) else "x"


def required_args(command: click.Command) -> list[str]:
    return [
        filler(p)
        for p in command.params
        if isinstance(p, click.Argument) and p.required
        for _ in range(max(p.nargs, 1))
    ]


def test_the_walk_finds_every_command() -> None:
    assert {"show", "db check", "score show", "kpi", "import", "merge"} <= set(LEAF_COMMANDS)
    assert len(LEAF_COMMANDS) >= 30
    # A command written in a module of its own is reachable only if root.py
    # names it: none is left out.
    import pkgutil

    import leadtui.cli

    defined = {
        id(value)
        for info in pkgutil.iter_modules(leadtui.cli.__path__)
        for value in vars(importlib.import_module(f"leadtui.cli.{info.name}")).values()
        if isinstance(value, click.Command) and value is not main
    }
    reachable = {id(command) for command in COMMANDS.values()}
    assert defined <= reachable


@pytest.mark.parametrize("path", sorted(p for p, c in COMMANDS.items() if isinstance(
    c, click.Group) or required_args(c)))  # fmt: skip
def test_a_missing_argument_or_command_is_one_line(path: str) -> None:
    line = one_line_error(run(*path.split()))
    assert re.search(r"Missing (argument|command)", line), line
    assert f"(try '{'main ' + path} --help')" in line


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_an_unknown_option_is_one_line(path: str) -> None:
    """Named in one line: as no such option, or (set, whose value may start
    with "-": a note "- call back") as no lead id."""
    line = one_line_error(run(*path.split(), "--no-such-option"))
    assert "'--no-such-option'" in line or "No such option: --no-such-option" in line


def bad_values(param: click.Parameter, tmp_path: Path) -> list[str]:
    kind = param.type
    if isinstance(kind, LeadId):
        return [HUGE_ID, "0", "abc", "١٢"]  # the last: Arabic-Indic digits
    if isinstance(kind, click.Choice):
        return ["nope"]
    if isinstance(kind, click.IntRange | click.FloatRange):
        return ["x", "99999999999999999999"]
    if isinstance(kind, click.types.IntParamType | click.types.FloatParamType):
        return ["x"]
    if isinstance(kind, click.Path) and not kind.dir_okay:
        return [str(tmp_path)]
    return []


@pytest.mark.parametrize("path", sorted(p for p, c in LEAF_COMMANDS.items() if any(
    bad_values(x, Path()) for x in c.params)))  # fmt: skip
def test_every_bad_value_of_every_parameter_is_one_line(path: str, tmp_path: Path) -> None:
    command = LEAF_COMMANDS[path]
    for param in command.params:
        for value in bad_values(param, tmp_path):
            if isinstance(param, click.Option):
                args = [*path.split(), param.opts[0], value, *required_args(command)]
                name = param.opts[0]
            else:
                others = [filler(p) for p in command.params if isinstance(p, click.Argument)]
                position = [p.name for p in command.params if isinstance(p, click.Argument)]
                others[position.index(param.name)] = value
                args = [*path.split(), *others]
                name = "Invalid value for '"  # an argument is named by its metavar
            line = one_line_error(run(*args))
            assert name in line and "(try '" in line, (args, line)


def test_every_lead_id_uses_the_one_id_type() -> None:
    ids = [
        (path, param.name)
        for path, command in LEAF_COMMANDS.items()
        for param in command.params
        if param.name and re.search(r"(^|_)ids?$", param.name)
    ]
    assert len(ids) >= 13  # merge takes two
    for path, name in ids:
        param = next(p for p in LEAF_COMMANDS[path].params if p.name == name)
        assert param.type is LEAD_ID, (path, name)


# What each id-taking command needs besides its ids to get as far as the lookup.
BESIDES_IDS = {
    "set": ["name", "x"], "score pin": ["hot"], "followup": ["today"],
    "lose": ["--reason", "r"], "log": ["--kind", "call"],
}  # fmt: skip


# What goes before the ids: `assign OWNER ID...`.
BEFORE_IDS = {"assign": ["ben"]}


@pytest.mark.parametrize("path", [p for p, c in LEAF_COMMANDS.items() if any(
    isinstance(x.type, LeadId) for x in c.params)])  # fmt: skip
def test_the_largest_id_is_no_lead_and_one_past_it_is_refused(path: str, db: str) -> None:
    ids = sum(isinstance(p.type, LeadId) for p in LEAF_COMMANDS[path].params)
    open_repository(db)  # a command that only reads creates none
    for value, message in (
        (str(2**63 - 1), "no lead with id 9223372036854775807"),
        (HUGE_ID, "is not a lead id (1 to 9223372036854775807)"),
    ):
        result = run(
            *path.split(), *BEFORE_IDS.get(path, []), *[value] * ids, *BESIDES_IDS.get(path, []),
            "--db", db,
        )  # fmt: skip
        assert message in one_line_error(result), path


@pytest.mark.parametrize("path", sorted(p for p, c in LEAF_COMMANDS.items() if any(
    p.name == "db_path" for p in c.params)))  # fmt: skip
def test_a_directory_as_db_is_one_line_before_or_after_the_command(
    path: str, tmp_path: Path
) -> None:
    command = LEAF_COMMANDS[path]
    for args in (
        [*path.split(), "--db", str(tmp_path), *required_args(command)],
        ["--db", str(tmp_path), *path.split(), *required_args(command)],
    ):
        line = one_line_error(run(*args))
        assert "is a directory" in line, (args, line)


@pytest.mark.slow
def test_the_real_entry_point_keeps_the_promise(tmp_path: Path) -> None:
    """The installed `leadtui` (launch.main), not just the click group."""
    open_repository(tmp_path / "x.db")  # kpi only reads: it creates none
    for args, message in (
        (["show", HUGE_ID], "is not a lead id"),
        (["list", "--db", str(tmp_path)], "is a directory"),
        (["--db", str(tmp_path)], "needs a terminal"),  # the TUI, with none here
        (["kpi", "--since", "0026-11-04", "--db", str(tmp_path / "x.db")], "outside"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "leadtui", *args], capture_output=True, text=True, timeout=60
        )
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 1 and len(lines) == 1, (args, done.stderr)
        assert lines[0].startswith("Error: ") and message in lines[0]
        assert done.stdout == ""


def test_control_characters_in_a_bad_value_are_shown_not_run() -> None:
    line = one_line_error(run("kpi", "--window", "7d\x1b[2J\nrm"))
    assert "\x1b" not in line and "\\x1b" in line and "\\n" in line


# ------------------------------------------------------------------ --json


def test_every_command_that_prints_data_has_json() -> None:
    missing = [
        path
        for path, command in LEAF_COMMANDS.items()
        if path not in ACTIONS and not any(p.name == "as_json" for p in command.params)
    ]
    assert missing == []


def test_readme_documents_the_keys_of_every_json_command() -> None:
    table = README.read_text(encoding="utf-8").split("| Command | `--json` prints |")[1]
    table = table.split("\n\n")[0]
    documented = set(re.findall(r"^\| `([a-z ]+?)(?: ID| NAME)?`", table, re.MULTILINE))
    documented |= {"due"}  # shares its row with list
    with_json = {
        path
        for path, command in LEAF_COMMANDS.items()
        if any(p.name == "as_json" for p in command.params)
    }
    assert with_json <= documented, with_json - documented


@pytest.fixture(scope="module")
def trained_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Enough closed leads for a model, spend, duplicates and history."""
    from leadtui.demo import build_synthetic_database
    from tests.conftest import NOW

    path = tmp_path_factory.mktemp("json") / "trained.db"
    build_synthetic_database(path, 1000, 1, NOW)
    return str(path)


@pytest.mark.parametrize(
    "args",
    [
        ["list"], ["due", "--ahead", "30"], ["dupes"], ["journal", "--limit", "3"],
        ["show", "1"], ["score", "show", "1"], ["score", "train"], ["score", "evaluate"],
        ["score", "rules"], ["kpi"], ["spend"], ["setting", "lifetime-years"], ["db", "check"],
    ],
)  # fmt: skip
def test_json_output_parses(args: list[str], trained_db: str) -> None:
    db = [] if args == ["score", "rules"] else ["--db", trained_db]
    result = run(*args, "--json", *db)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) is not None


def test_the_lead_keys_are_those_readme_lists(trained_db: str) -> None:
    text = README.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| `list`, `due` |"))
    keys = re.sub(r"\{[^}]*\}", "", row.split("[lead]:")[1])  # not bant's own keys
    documented = set(re.findall(r"`([a-z_]+)`", keys))
    record = json.loads(run("list", "--json", "--db", trained_db).stdout)[0]
    assert set(record) == documented


def test_no_model_means_no_win_chance_not_a_chance_of_0(db: str) -> None:
    assert run("add", "Ann", "--db", db).exit_code == 0
    shown = json.loads(run("show", "1", "--json", "--db", db).stdout)
    assert shown["win_chance"] is None
    assert "closed leads" in shown["win_chance_unavailable"]
    listed = json.loads(run("list", "--json", "--db", db).stdout)
    assert listed[0]["win_chance"] is None
    scored = json.loads(run("score", "show", "1", "--json", "--db", db).stdout)
    assert scored["learned"] is None and scored["learned_unavailable"]


def test_with_a_model_the_win_chance_is_a_percent(trained_db: str) -> None:
    open_lead = json.loads(run("list", "--stage", "new", "--json", "--db", trained_db).stdout)[0]
    shown = json.loads(run("show", str(open_lead["id"]), "--json", "--db", trained_db).stdout)
    assert isinstance(shown["win_chance"], int) and 0 <= shown["win_chance"] <= 100
    assert shown["win_chance_unavailable"] is None
    assert shown["win_chance"] == open_lead["win_chance"]


def test_json_of_setting_spend_and_db_check(db: str) -> None:
    setting = json.loads(run("setting", "lifetime-years", "4", "--json", "--db", db).stdout)
    assert setting == {"name": "lifetime-years", "value": 4.0}
    first = json.loads(run("spend", "Ads", "5k", "--month", "2026-11", "--json", "--db", db).stdout)
    assert first == {
        "source": "ads",
        "month": "2026-11",
        "amount_cents": 500000,
        "replaced_cents": None,
    }
    again = json.loads(run("spend", "ads", "6k", "--month", "2026-11", "--json", "--db", db).stdout)
    assert again["replaced_cents"] == 500000
    listed = json.loads(run("spend", "--json", "--db", db).stdout)
    assert listed == [{"source": "ads", "month": "2026-11", "amount_cents": 600000}]
    check = json.loads(run("db", "check", "--json", "--db", db).stdout)
    assert check["healthy"] is True and check["problems"] == [] and check["leads"] == 0


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["quick", "Ann", "--anyway", "--merge"], "--anyway and --merge: pick one"),
        (["spend", "--month", "2026-11"], "give SOURCE AMOUNT --month YYYY-MM"),
        (["spend", "--month", "2026-11", "--json"], "give SOURCE AMOUNT --month YYYY-MM"),
    ],
)
def test_options_that_cannot_go_together_are_refused_not_half_obeyed(
    args: list[str], said: str, db: str
) -> None:
    """quick --anyway --merge merged (--anyway was dropped); spend --month
    alone listed every month."""
    assert run("add", "Ann", "--db", db).exit_code == 0
    line = one_line_error(run(*args, "--db", db))
    assert line.startswith(f"Error: {said}"), line
    assert len(json.loads(run("list", "--json", "--db", db).stdout)) == 1


def test_a_command_imports_only_its_own_module(tmp_path: Path) -> None:
    """`leadtui list` pays for no other command's imports (serve's asyncio,
    import's readers, dupes' rapidfuzz): about 60 ms of each run."""
    db = str(tmp_path / "leads.db")
    assert run("add", "Ann Lee", "--db", db).exit_code == 0
    program = (
        "import sys\n"
        "from leadtui.cli.root import main\n"
        "try:\n"
        f"    main(['list', '--db', {db!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "others = ('leadtui.cli.serve', 'leadtui.cli.files', 'leadtui.cli.export',"
        " 'leadtui.cli.detail', 'rapidfuzz')\n"
        "print(sorted(name for name in others if name in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert "Ann Lee" in done.stdout
    assert done.stderr.strip() == "[]"
