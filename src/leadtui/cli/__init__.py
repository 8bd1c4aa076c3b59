"""The command line: click commands, one module per group of commands. Every
command goes through the repository's public API (leadtui.repository) and the
use cases (leadtui.usecases); none imports textual except to launch the TUI."""
