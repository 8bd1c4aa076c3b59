"""Importing other systems' lead files (headless: no textual, no SQLite).

reading (file → rows) → plan (columns → fields, with overrides) → convert
(row → validated lead or problem) → the repository's import_leads (one
transaction) → report (summary line, preview, rejects CSV).
"""
