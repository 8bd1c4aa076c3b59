"""pydantic's refusals as the short lines a user reads: one per field, in
words (an inline error under the field, a reject reason, the CLI's error)."""

from pydantic import ValidationError


def field_errors(error: ValidationError) -> dict[str, str]:
    """Map each failing field to a short human message (for inline errors)."""
    messages: dict[str, str] = {}
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else "input"
        message = problem["msg"].removeprefix("Value error, ")
        context = problem.get("ctx") or {}
        if field == "email":
            message = "not a valid email address"
        elif problem["type"] == "string_too_short":
            # pydantic's "String should have at least 1 character" is jargon.
            least = context.get("min_length", 1)
            message = "required" if least == 1 else f"at least {least} characters"
        elif problem["type"] == "string_too_long":
            message = f"at most {context.get('max_length')} characters"
        messages.setdefault(field, message)
    return messages


def describe_validation_error(error: ValidationError) -> str:
    field, message = next(iter(field_errors(error).items()))
    return f"{field.removesuffix('_cents')}: {message}"
