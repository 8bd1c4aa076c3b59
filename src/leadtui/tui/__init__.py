"""Everything that imports textual lives in this package."""
