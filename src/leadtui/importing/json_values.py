"""JSON read for an import: every value kept as the file writes it.

Python's json turns numbers into floats and ints, and so changes what the
user wrote: 1e400 becomes inf, 1.10 becomes 1.1, -0 becomes 0, NaN becomes
nan, and an integer of more than 4,300 digits raises ValueError. Here every
number (and NaN/Infinity, which json also takes) is kept as its text, a
`Number`; nested lists and objects are written back as JSON text with those
numbers untouched. An object naming a key twice keeps both values (the
second as "key (2)"), as json's dict would keep only the last.
"""

import json
from typing import IO, Any


class Number(str):
    """A JSON number as written in the file."""

    __slots__ = ()


class _Text(str):
    """Punctuation written out as it is (see as_json_text)."""

    __slots__ = ()


class TooDeep(ValueError):
    """The document nests lists or objects deeper than Python can read."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for key, value in pairs:
        name, number = key, 1
        while name in record:
            number += 1
            name = f"{key} ({number})"
        record[name] = value
    return record


_DECODER = json.JSONDecoder(
    parse_float=Number, parse_int=Number, parse_constant=Number, object_pairs_hook=_object
)


def loads(text: str) -> Any:
    """The document in `text`; json.JSONDecodeError if it is not JSON,
    TooDeep if it nests past what the parser's recursion allows."""
    try:
        return _DECODER.decode(text)
    except RecursionError:
        raise TooDeep("nested too deeply to read") from None


def load(stream: IO[str]) -> Any:
    return loads(stream.read())


def as_json_text(value: Any) -> str:
    """A parsed value as JSON text, its numbers as written. Iterative, so a
    value the parser could read is never too deep to write back."""
    parts: list[str] = []
    todo: list[Any] = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, Number | _Text):
            parts.append(item)
        elif isinstance(item, dict):
            todo.append(_Text("}"))
            entries = list(item.items())
            for index in reversed(range(len(entries))):
                key, inner = entries[index]
                todo.append(inner)
                todo.append(_Text(json.dumps(key, ensure_ascii=False) + ": "))
                if index:
                    todo.append(_Text(", "))
            todo.append(_Text("{"))
        elif isinstance(item, list):
            todo.append(_Text("]"))
            for index in reversed(range(len(item))):
                todo.append(item[index])
                if index:
                    todo.append(_Text(", "))
            todo.append(_Text("["))
        else:  # a string, true, false or null
            parts.append(json.dumps(item, ensure_ascii=False))
    return "".join(parts)
