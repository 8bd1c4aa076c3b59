"""The test suite. Imported before any test module and before conftest's
imports of leadtui.

A machine may set PYTHONDONTWRITEBYTECODE (this one does): then each worker
compiled every test module again (pytest caches its assertion rewriting only
where bytecode may be written), and every leadtui module changed since its
last cache, as did each leadtui a test starts: about 3 s of CPU a worker
before its first test. The suite writes bytecode caches (git ignores them),
for what it imports and for the processes it starts.
"""

import os
import sys

sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
