"""`leadtui spend --import`: the file read as lead import reads one
(importing/spend.py), then recorded in one transaction, all rows or none."""

from pathlib import Path

from leadtui.domain.errors import InvalidInput
from leadtui.importing.spend import SpendFile, read_spend
from leadtui.repository import Repository


def import_spend(repo: Repository, path: Path, decimal_comma: bool | None = None) -> SpendFile:
    """Record every row of the spend file at `path`; what was read, with how
    its amounts were read, for the report."""
    read = read_spend(path, repo.team_currency(), decimal_comma)
    try:
        repo.import_spend(read.lines)
    except InvalidInput as error:
        raise InvalidInput(f"{path} {error}; nothing was recorded") from None
    return read
