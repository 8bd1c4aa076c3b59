"""pydantic's refusals as the short lines a user reads: one per field, in
words (an inline error under the field, a reject reason, the CLI's error,
a scoring rules file's problem). pydantic's own wording ("String should have
at least 1 character", "Input should be a valid integer, unable to parse
string as an integer") is jargon to a salesperson; it never reaches them."""

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

# How much of a refused value a message quotes.
_SHOWN = 40

# pydantic's error types, by what the value should have been.
_EXPECTED = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a number",
    "decimal_type": "a number",
    "decimal_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "tuple_type": 'a list, e.g. ["a", "b"]',
    "list_type": 'a list, e.g. ["a", "b"]',
    "dict_type": "a table of settings",
    "model_type": "a table of settings",
    "model_attributes_type": "a table of settings",
    "date_type": "a day like 2027-01-31",
    "date_parsing": "a day like 2027-01-31",
    "date_from_datetime_parsing": "a day like 2027-01-31",
    "date_from_datetime_inexact": "a day like 2027-01-31",
    "datetime_type": "a time like 2026-11-20T09:30:00+00:00",
    "datetime_parsing": "a time like 2026-11-20T09:30:00+00:00",
    "datetime_from_date_parsing": "a time like 2026-11-20T09:30:00+00:00",
}


def _quoted(value: Any) -> str:
    """Text quoted (cut short), a number as written."""
    if not isinstance(value, str):
        return str(value)
    return repr(value if len(value) <= _SHOWN else value[: _SHOWN - 1] + "…")


def _choices(expected: object) -> str:
    """pydantic's "'email', 'call' or 'note'" as "email, call or note"."""
    return str(expected).replace("'", "")


def problem_text(problem: Mapping[str, Any], *, quote_input: bool = True) -> str:
    """One of pydantic's problems in the product's words: what the value
    must be, and (for a value of the wrong kind, unless the caller shows it
    already: `quote_input=False`) what it was."""
    kind = str(problem["type"])
    context: Mapping[str, Any] = problem.get("ctx") or {}
    given = problem.get("input")
    message = str(problem["msg"])
    if kind in ("value_error", "assertion_error"):  # our own validators' words
        return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind == "missing":
        return "required"
    if kind == "string_too_short":
        least = context.get("min_length", 1)
        return "required" if least == 1 else f"at least {least} characters"
    if kind == "string_too_long":
        return f"at most {context.get('max_length')} characters"
    if kind == "too_short":
        least = context.get("min_length", 1)
        return f"needs at least {least} {'entry' if least == 1 else 'entries'}"
    if kind == "too_long":
        return f"at most {context.get('max_length')} entries"
    if kind == "extra_forbidden":
        return "not a setting leadtui knows (a typing mistake?)"
    bounds = {
        "greater_than_equal": ("at least", "ge"),
        "greater_than": ("more than", "gt"),
        "less_than_equal": ("at most", "le"),
        "less_than": ("less than", "lt"),
    }
    if kind in bounds:
        words, key = bounds[kind]
        return f"must be {words} {context.get(key)}"
    if kind in ("enum", "literal_error"):
        expected = f"must be one of {_choices(context.get('expected', ''))}"
    elif kind in _EXPECTED:
        expected = f"must be {_EXPECTED[kind]}"
    else:  # a type this list does not name yet: pydantic's sentence, reworded
        return message.replace("Input should be ", "must be ").replace(" should ", " must ")
    scalar = isinstance(given, str | int | float) and not isinstance(given, bool)
    return f"{expected}, not {_quoted(given)}" if scalar and quote_input else expected


def field_errors(error: ValidationError) -> dict[str, str]:
    """Map each failing field to a short human message (for inline errors)."""
    messages: dict[str, str] = {}
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else "input"
        message = "not a valid email address" if field == "email" else problem_text(problem)
        messages.setdefault(field, message)
    return messages


def value_errors_folded(errors: dict[str, str]) -> dict[str, str]:
    """A form's errors with the currency's under the value: the currency is
    typed in the value ("5k XYZ"), and a form has no currency field to show
    it under."""
    folded = dict(errors)
    if "currency" in folded:
        message = folded.pop("currency")
        folded.setdefault("value_cents", message)
    return folded


def describe_validation_error(error: ValidationError) -> str:
    field, message = next(iter(field_errors(error).items()))
    return f"{field.removesuffix('_cents')}: {message}"
