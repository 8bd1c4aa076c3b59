"""Everything that imports textual lives in this package."""

from leadtui.tui.cell_widths import widen_spacing_marks

# Before anything is measured: Rich must count cells as the terminal draws them.
widen_spacing_marks()
