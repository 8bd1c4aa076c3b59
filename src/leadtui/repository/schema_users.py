"""The sign-ins of `leadtui serve` (one migration step, self-contained).

Only hashes are stored: a sign-in link's one-time token and each browser
session's id are random 256-bit strings, kept as their SHA-256. Someone who
reads the file learns who may sign in, not how.
"""

STEP = """
CREATE TABLE users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('rep', 'manager')),
    created_at TEXT NOT NULL,
    -- The one-time sign-in link (`leadtui user add` / `user link`) until used.
    link_hash TEXT UNIQUE,
    link_expires_at TEXT,
    -- The theme this user last chose in the browser; NULL: the server's.
    theme TEXT
);
CREATE TABLE web_sessions (
    id_hash TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    seen_at TEXT NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_name);
"""
