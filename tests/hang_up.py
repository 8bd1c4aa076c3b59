"""A session that ends midway through a write in chunks (an ssh drop), for
the tests of what such a write leaves and says."""

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest


def hang_up_at_call(
    monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str, call: int
) -> None:
    """`module.name` raises KeyboardInterrupt (the terminal closed) on its
    `call`-th call, inside that chunk's transaction; the calls before run."""
    real: Callable[..., Any] = getattr(module, name)
    calls = 0

    def hung_up(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == call:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(module, name, hung_up)
