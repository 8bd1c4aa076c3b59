"""Who runs this process, in a module of its own: the quick start
(launch.py) asks it before sqlite-utils is imported."""

import os
import pwd


def current_actor() -> str:
    """The OS account running this process: who made a change, as recorded on
    every write. Never $USER or $LOGNAME (getpass reads those first): anyone
    can set them, and `USER=rep2 leadtui` must not act as rep2."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:  # no passwd entry, e.g. in some containers
        return f"uid{os.getuid()}"
