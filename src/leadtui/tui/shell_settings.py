"""The shell's terminal settings given back on ctrl+z, not launch's quiet ones.

Textual's driver keeps the terminal settings it finds as it starts, and
restores them whenever it gives the terminal up: on exit and on ctrl+z. At
that moment they are quiet_launch.py's, with the echo off, so a suspended
leadtui left the shell echoing nothing (dash, or any shell that does not
reset the terminal itself) until `fg`. The driver is told the settings
launch found instead, once: after a `fg` it finds the shell's own.
"""

from typing import Any

from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver

from leadtui.quiet_launch import settings_found


def shell_settings_kept(driver: type[Driver]) -> type[Driver]:
    """DRIVER, restoring the settings launch found; as it is if it keeps
    none (not LinuxDriver) or launch changed none."""
    found = settings_found()
    if found is None or not issubclass(driver, LinuxDriver):
        return driver

    class ShellSettingsDriver(driver):  # type: ignore[valid-type, misc]
        first_start = True

        def start_application_mode(self) -> None:
            super().start_application_mode()
            kept: Any = self  # LinuxDriver's attrs_before, untyped
            if self.first_start and kept.attrs_before is not None:
                kept.attrs_before = found
            self.first_start = False

    return ShellSettingsDriver
