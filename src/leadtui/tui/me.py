"""Who "me" is: the OS account running leadtui, as the password database
names it. Not $USER or $LOGNAME, which any shell or script can set to
anyone: `owner:me` and a quick-added lead's default owner must be the rep
at the keyboard."""

import getpass
import os


def current_user() -> str:
    try:
        import pwd  # POSIX only
    except ImportError:  # pragma: no cover - Windows has no password database
        return getpass.getuser()
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:  # no entry for this uid, e.g. in some containers
        return str(os.getuid())
