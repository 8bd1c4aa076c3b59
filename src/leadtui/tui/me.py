"""Who "me" is: the OS account running leadtui, as the password database
names it. Not $USER or $LOGNAME, which any shell or script can set to
anyone: `owner:me` and a quick-added lead's default owner must be the rep
at the keyboard."""

import getpass
import os
import re


def current_user() -> str:
    try:
        import pwd  # POSIX only
    except ImportError:  # pragma: no cover - Windows has no password database
        return getpass.getuser()
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:  # no entry for this uid, e.g. in some containers
        return str(os.getuid())


_OWNER_ME = re.compile(r"(?i)(?<!\S)owner:me(?!\S)")


def resolve_me(filter_text: str) -> str:
    """A typed filter with `owner:me` read as the current user's name."""
    return _OWNER_ME.sub(lambda _: f"owner:{current_user()}", filter_text)
