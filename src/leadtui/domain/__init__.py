"""The pure core: what a lead is, how it moves through the pipeline, how it is
scored and counted. Imports no storage, no textual and no click (the
import-linter contracts in pyproject.toml hold this)."""
