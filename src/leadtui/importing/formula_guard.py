"""The formula guard a CSV export puts before a cell a spreadsheet would run
("'=SUM(A1)", "'+44 20 …"), undone on the way in: by the conversion of each
row and by the look at a column's values (profile.py), so both read a cell
alike."""


def unquote_formula(value: str, *, own_export: bool = False) -> str:
    """Undo an export's formula guard: "'=SUM(A1)" was "=SUM(A1)". In
    leadtui's own export a value that began with ' is guarded too ("''=x"
    was "'=x"), so there one leading ' before another is undone as well."""
    if (
        value.startswith("'")
        and value[1:2]
        and value[1] in ("=+-@\t\r'" if own_export else "=+-@\t\r")
    ):
        return value[1:]
    return value
