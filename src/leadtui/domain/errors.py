"""The one exception family the core raises for anything a user can cause.

Both front ends catch `LeadtuiError` and show its message as one line: the CLI
on stderr with exit code 1, the TUI as a notification. Anything else escaping
is a bug, not bad input.
"""


class LeadtuiError(Exception):
    """A problem the user can understand and fix; str() is the message shown."""


class LeadNotFound(LeadtuiError):
    def __init__(self, lead_id: int) -> None:
        super().__init__(f"no lead with id {lead_id}")
        self.lead_id = lead_id


class IllegalMove(LeadtuiError):
    """A pipeline move the rules do not allow, e.g. advancing a lost lead."""


class StaleLead(LeadtuiError):
    """Someone else moved the lead after the user saw it; nothing was changed."""


class InvalidInput(LeadtuiError):
    """A field failed validation; the message names the field."""


class DamagedRow(LeadtuiError):
    """A row holds a value leadtui cannot read, such as a date that is not
    one or a stage that is not a stage: another program wrote it (leadtui's
    own writes are validated). Said in one line, naming the lead, the field
    and the value, instead of failing wherever the row was read."""

    def __init__(self, lead_id: object, field: str, value: str, why: str, row: str = "") -> None:
        # `row`: what holds it, when not the lead's own row ("history line #9 of ").
        # db check reads every lead's row, not every other row (the journal's
        # millions of lines): it is named only where it will find the value.
        listed = "" if row else "; leadtui db check lists them all"
        # What is wrong, without what to do: a line of db check's report.
        self.found = f"{row}lead #{lead_id} holds {field} = {value} ({why})"
        super().__init__(
            f"{self.found}, written by another program: correct it with sqlite3 or restore"
            f" a backup{listed}"
        )
        self.lead_id, self.field = lead_id, field


class UnreadableValue(LeadtuiError, ValueError):
    """A stored value (a date, so far) that does not parse: another program
    wrote it. A ValueError too, so that code parsing what a user typed
    through the same function still says "not a time" its own way."""


class DatabaseUnavailable(LeadtuiError):
    """The database file cannot be used: missing dir, read-only, not SQLite, newer."""


class DatabaseBusy(DatabaseUnavailable):
    """Someone else held the write lock for longer than leadtui waits."""


class Interrupted(LeadtuiError):
    """A read stopped on purpose (the TUI quitting); nobody needs telling."""


class NotAllowed(LeadtuiError):
    """The signed-in user may not make this change (a rep, another rep's lead)."""


class NotYetSupported(DatabaseUnavailable):
    """A feature not yet ported to the database's engine (PostgreSQL): said
    in one line, naming the feature, instead of failing half-way."""

    def __init__(self, what: str, engine: str = "PostgreSQL") -> None:
        super().__init__(f"not yet supported on {engine}: {what}")
        self.what = what
