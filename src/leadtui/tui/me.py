"""Who "me" is: whoever the app acts as, the repository's actor. In a
terminal that is the OS account running leadtui (never $USER or $LOGNAME,
which any shell can set to anyone); in a browser tab, the user signed in.
`owner:me` and a quick-added lead's default owner are the rep at the
keyboard, not the account the server runs as."""

import re

_OWNER_ME = re.compile(r"(?i)(?<!\S)owner:me(?!\S)")


def resolve_me(filter_text: str, me: str) -> str:
    """A typed filter with `owner:me` read as `me`'s name."""
    return _OWNER_ME.sub(lambda _: f"owner:{me}", filter_text)


BROWSER_IMPORT_REFUSED = (
    "Import file… is not offered in a browser: it would read a file on the server,"
    " not on your computer. On the server: leadtui import FILE"
)


def in_browser(app: object) -> bool:
    """Whether APP runs for a user signed in through `leadtui serve`: files
    it names are the server's, out of that user's reach."""
    identity = getattr(app, "identity", None)
    return identity is not None and bool(identity.signed_in)
