"""What a user typed wrong (a field's value, a scoring rules file) is said
in the product's words, one line: pydantic's own ("String should have at
least 1 character", "Input should be a valid integer, unable to parse string
as an integer", "Value error, ...", "validation error for ...") never
reaches them, nor a field named twice ("phone: phone may hold ...")."""

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pydantic import BaseModel, Field, ValidationError

from leadtui.cli.root import main
from leadtui.domain.field_errors import field_errors, problem_text
from leadtui.domain.scoring_rules import ENV_RULES
from tests.test_cli_edges import one_line_error

JARGON = re.compile(
    r"should (be|have)|Value error|validation error|Input should|Extra inputs|unable to parse"
    r"|after validation|Field required|Assertion failed|\[type=",
    re.IGNORECASE,
)
HUGE = "x" * 5000


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def plain(line: str) -> str:
    assert not JARGON.search(line), line
    field = re.match(r"Error: ([\w.-]+): (\w+)", line)
    assert field is None or field[1] != field[2], f"the field named twice: {line}"
    return line


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "w.db")
    assert run("add", "Ann", "--db", path).exit_code == 0
    return path


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["add", ""], "name: required"),
        (["add", HUGE], "name: at most 200 characters"),
        (["add", "Bo", "--company", HUGE], "company: at most 2000 characters"),
        (["add", "Bo", "--phone", "1"], "phone: 4 to 30 digits"),
        (["add", "Bo", "--phone", "call me"], "phone: 4 to 30 digits"),
        (["add", "Bo", "--email", "a@b"], "email: not a valid email address"),
        (["add", "Bo", "--value", "-5"], "value: must be an amount of 0 or more"),
        (["add", "Bo", "--value", "1e99"], "value: must be an amount of 0 or more"),
        (["add", "Bo", "--value", "1" * 20], "value: too large: at most 10,000,000,000"),
        (["add", "Bo", "--value", "¥100.5"], "value: JPY has no minor units, so '¥100.5'"),
        (["spend", "ads", "-", "--month", "2026-11"], "amount: must be an amount of 0 or more"),
        (["set", "1", "name", " "], "name: required"),
        (["set", "1", "source", "pigeon"], "source: must be one of website,"),
        (["set", "1", "phone", "\x1b[31m"], "phone:"),
        (["set", "1", "notes", HUGE * 5], "notes: at most 20000 characters"),
        (["set", "1", "expected_close", "31/02/2026"], "expected_close: a day like 2027-01-31"),
        (["set", "1", "expected_close", "9999-12-31"], "expected_close: 9999-12-31 is outside"),
        (["set", "1", "lifecycle", "nope"], "lifecycle: 'nope' is not one of"),
        (["set", "1", "bant.need", "maybe: soon"], "bant.need: answer yes, no or unknown"),
        (["set", "1", "tags", "vip, " + "x" * 41], f"tags: '{'x' * 20}…' is longer than 40"),
        (["quick", "Bo \u202e <bad>"], "email: not a valid email address"),
        (["quick", "\x00"], "name: required"),
    ],
)
def test_a_bad_field_is_said_in_the_products_words(db: str, args: list[str], said: str) -> None:
    line = plain(one_line_error(run(*args, "--db", db)))
    assert line.startswith(f"Error: {said}"), line


@pytest.mark.parametrize(
    ("rules", "said"),
    [
        ("rules = []", "rules: needs at least 1 entry"),
        ("rules = 5", "rules = 5: must be a list"),
        ("bands = 3\n[[rules]]\nlabel='x'\npoints=1\nno_touch_days=1", "bands = 3: must be a"
         " table"),
        ("[[rules]]\nlabel=''\npoints=1\nno_touch_days=1", 'rule 1: label = "": required'),
        ("[[rules]]\nlabel='x'\npoints='a'\nno_touch_days=1", 'rule 1 ("x"): points = "a": must be'
         " a whole number"),
        ("[[rules]]\nlabel='x'\npoints=500\nno_touch_days=1", 'rule 1 ("x"): points = 500: must be'
         " at most 100"),
        ("[[rules]]\nlabel='x'\npoints=1\nno_touch_days=0", 'rule 1 ("x"): no_touch_days = 0: must'
         " be at least 1"),
        ("[[rules]]\nlabel='x'\npoints=1\nno_touch_days=1\nbogus=1", 'rule 1 ("x"): bogus = 1: not'
         " a setting leadtui knows (a typing mistake?)"),
        ("[[rules]]\nlabel='x'\npoints=1\nno_touch_days=1\npoint=1", 'rule 1 ("x"): point = 1: not'
         ' a setting leadtui knows (did you mean "points"?)'),
        ("[[rules]]\nlabel='x'\npoints=1\nactivity={kinds=['fax'], within_days=3}",
         'rule 1 ("x"): activity.kinds.0 = "fax": must be one of email, call, meeting, content,'
         " social or note"),
        ("[[rules]]\nlabel='x'\npoints=1\nfield='source'\npresent='maybe'", 'rule 1 ("x"): present'
         ' = "maybe": must be true or false'),
        ("[[rules]]\nlabel='x'\npoints=1\nfield='source'\none_of='ads'", 'rule 1 ("x"): one_of ='
         ' "ads": must be a list'),
    ],
)  # fmt: skip
def test_a_bad_rules_file_is_said_in_the_products_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rules: str, said: str
) -> None:
    path = tmp_path / "scoring.toml"
    path.write_text(rules, encoding="utf-8")
    monkeypatch.setenv(ENV_RULES, str(path))
    line = plain(one_line_error(run("score", "rules")))
    assert line.startswith(f"Error: scoring rules in {path}: {said}"), line


class Every(BaseModel):
    """One field of each kind pydantic checks, for its refusals."""

    whole: int = 0
    number: float = 0
    flag: bool = False
    text: str = ""
    items: tuple[int, ...] = ()
    few: tuple[int, ...] = Field(default=(1,), min_length=1, max_length=2)
    small: int = Field(default=0, ge=0, lt=10)
    big: int = Field(default=5, gt=0, le=9)


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ({"whole": "x"}, "must be a whole number, not 'x'"),
        ({"whole": 1.5}, "must be a whole number, not 1.5"),
        ({"number": "x"}, "must be a number, not 'x'"),
        ({"flag": "maybe"}, "must be true or false, not 'maybe'"),
        ({"text": 5}, "must be text, not 5"),
        ({"items": 5}, 'must be a list, e.g. ["a", "b"], not 5'),
        ({"few": ()}, "needs at least 1 entry"),
        ({"few": (1, 2, 3)}, "at most 2 entries"),
        ({"small": -1}, "must be at least 0"),
        ({"small": 10}, "must be less than 10"),
        ({"big": 0}, "must be more than 0"),
        ({"big": 10}, "must be at most 9"),
        ({"whole": "x" * 100}, f"must be a whole number, not '{'x' * 39}…'"),
    ],
)
def test_each_kind_of_refusal_has_words(given: dict[str, object], said: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Every.model_validate(given)
    (message,) = field_errors(caught.value).values()
    assert message == said
    assert not JARGON.search(message)
    assert problem_text(caught.value.errors()[0], quote_input=False) == said.split(", not")[0]


def test_a_tag_too_long_changes_nothing_rather_than_being_cut(db: str) -> None:
    def tags() -> list[str]:
        shown: list[str] = json.loads(run("show", "1", "--json", "--db", db).stdout)["tags"]
        return shown

    assert run("set", "1", "tags", "vip", "--db", db).exit_code == 0
    one_line_error(run("set", "1", "tags", "new, " + "y" * 41, "--db", db))
    assert tags() == ["vip"]
    exactly = "z" * 40
    assert run("set", "1", "tags", f"{exactly}, vip, VIP", "--db", db).exit_code == 0
    assert tags() == ["vip", exactly]


def test_a_missing_choice_lists_the_choices_on_its_one_line(db: str) -> None:
    """click lays the choices out a line each ("Choose from:\\n\\temail,\\n\\t
    call"); on the one error line that showed as a literal "\\n\\t" between
    every choice."""
    result = run("log", "1", "--note", "x", "--db", db)
    line = one_line_error(result)
    assert "Choose from: email, call, meeting, content, social, note" in line
    assert "\\n" not in line and "\\t" not in line


def test_a_value_starting_with_a_dash_is_a_value(db: str) -> None:
    """`set 1 notes "- call back"` was refused as an unknown option, and
    `set 1 value -5` said "No such option '-5'" instead of why -5 is no
    value."""
    assert run("add", "Ann", "--db", db).exit_code == 0
    saved = run("set", "1", "notes", "- call back Monday", "--db", db)
    assert saved.exit_code == 0, saved.output
    shown = run("show", "1", "--json", "--db", db)
    assert json.loads(shown.output)["notes"] == "- call back Monday"
    line = plain(one_line_error(run("set", "1", "value", "-5", "--db", db)))
    assert line.startswith("Error: value: must be an amount of 0 or more") and "'-5'" in line
