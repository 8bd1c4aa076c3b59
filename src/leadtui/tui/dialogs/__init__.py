"""Modal screens. Each returns a typed result through dismiss(); the caller,
never the dialog, writes to the database."""
