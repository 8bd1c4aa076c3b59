"""The steps above the repository that both front ends take the same way:
an import (plan, preview, run, rejects), the question before qualifying on
thin BANT, and a KPI report's rows. The CLI and the TUI call these; neither
writes them again."""
