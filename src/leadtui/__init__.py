"""leadtui: a keyboard-first terminal console for a sales team's leads."""

__version__ = "0.1.0"
