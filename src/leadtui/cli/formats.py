"""What a file's name says it holds, for the commands that write one
(`export --output`, `import --rejects`, `import --save-mapping`, `db
backup`).

A user naming `leads.csv` expects CSV: `export --output leads.csv` wrote
JSON, its default, unless `--format csv` was given too. So the extension
chooses the format when `--format` does not, and a name that says one
format while the file would hold another (`--format csv --output x.json`,
`--rejects x.json`, a CSV in `x.xlsx`, which Excel then refuses to open) is
refused in one line before anything is read or written. There is no flag
to write it anyway: stdout (`> x.json`) takes any bytes under any name.
"""

from pathlib import Path

from leadtui.domain.errors import LeadtuiError

# Extensions, in lower case, and the format they name. Compressed names are
# here too: leadtui writes no compressed file, so `x.csv.gz` would lie.
NAMED = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".ods": "ods",
    ".xml": "xml",
    ".parquet": "parquet",
    ".gz": "gzip",
    ".zip": "zip",
    ".bz2": "bzip2",
    ".xz": "xz",
    ".zst": "zstd",
    # A backup's own: an SQLite file's, and pg_dump's (`db backup` on PostgreSQL).
    ".db": "sqlite",
    ".sqlite": "sqlite",
    ".sqlite3": "sqlite",
    ".dump": "pg_dump",
}
# As a message names each (after "names").
SAID = {
    "json": "JSON",
    "jsonl": "JSON Lines",
    "csv": "CSV",
    "tsv": "tab-separated values",
    "xlsx": "an Excel workbook",
    "xls": "an old Excel workbook",
    "ods": "an OpenDocument spreadsheet",
    "xml": "XML",
    "parquet": "Parquet",
    "gzip": "a gzip file",
    "zip": "a zip file",
    "bzip2": "a bzip2 file",
    "xz": "an xz file",
    "zstd": "a Zstandard file",
    "sqlite": "an SQLite database",
    "pg_dump": "a PostgreSQL dump",
}
# The extension each format written is named with.
SUFFIX = {"json": ".json", "jsonl": ".jsonl", "csv": ".csv", "sqlite": ".db", "pg_dump": ".dump"}


def named_format(path: Path) -> str | None:
    """The format `path`'s extension names (`X.CSV` too), or None: no
    extension, or one that names none (`.txt`, `.out`, `.backup`)."""
    return NAMED.get(path.suffix.lower())


def file_format(path: Path, given: str | None, writes: tuple[str, ...], what: str) -> str | None:
    """The format `path` is written in: `given` (--format), else the one its
    extension names; None when neither says (the command's default then).
    `writes`: the formats `what` (the command or option, for the message)
    can write. An extension naming another format is refused."""
    named = named_format(path)
    if named is None or named == given:
        return given
    if named in writes and given is None:
        return named
    base = _base(path)
    if named in writes:
        raise LeadtuiError(
            f"--format {given}, but {path.name} names {SAID[named]}: leave --format out,"
            f" or name the file {base}{SUFFIX[given or writes[0]]}"
        )
    names = [f"{base}{SUFFIX[fmt]}" for fmt in ([given] if given else writes)]
    said = " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    raise LeadtuiError(
        f"{path.name} names {SAID[named]}, which {what} does not write: name it {said}"
    )


def _base(path: Path) -> str:
    """The name without the extensions that name a format: `x.csv.gz` → x."""
    while NAMED.get(path.suffix.lower()):
        path = path.with_suffix("")
    return path.name
