"""A private OpenSSH server for the end-to-end tests: Debian's sshd, started
from a config in a temp dir, listening on a free port of 127.0.0.1, letting
in only the key made for it, as the account running the tests (sshd run by
someone other than root lets in only that account; CI runs as root).

A rep's way into leadtui is `ssh server` then `leadtui`: the tests go the
same way, through a real ssh client in a real pty, so what the rep sees
is what sshd's terminal hands on. When sshd cannot start the tests fail
(with what to install): a skip would let CI pass with them unrun.
"""

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SSHD_PATHS = ("/usr/sbin/sshd", "/usr/local/sbin/sshd")
START_TIMEOUT_SECONDS = 20.0


class SshUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class SshServer:
    port: int
    key: Path  # the client's private key, the one sshd lets in

    def command(self, remote: str) -> list[str]:
        """`ssh` with a terminal (-tt) running `remote` on the server, asking
        nothing (no known_hosts, no config of the user running the tests)."""
        return [
            "ssh", "-tt", "-F", "/dev/null", "-p", str(self.port), "-i", str(self.key),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "LogLevel=ERROR", "-o", "BatchMode=yes",
            "127.0.0.1", remote,
        ]  # fmt: skip


def _sshd() -> str:
    for path in SSHD_PATHS:
        if os.access(path, os.X_OK):
            return path
    found = shutil.which("sshd")
    if found is None:
        raise SshUnavailable("no sshd: install openssh-server (.ci/install-system-packages does)")
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def ssh_server(root: Path) -> Iterator[SshServer]:
    sshd = _sshd()
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation
    keygen = ["ssh-keygen", "-q", "-t", "ed25519", "-N", ""]
    subprocess.run([*keygen, "-f", str(root / "host_key")], check=True)
    subprocess.run([*keygen, "-f", str(root / "client_key")], check=True)
    shutil.copyfile(root / "client_key.pub", root / "authorized_keys")
    port = _free_port()
    config = root / "sshd_config"
    config.write_text(
        f"Port {port}\n"
        "ListenAddress 127.0.0.1\n"
        f"HostKey {root / 'host_key'}\n"
        f"PidFile {root / 'sshd.pid'}\n"
        f"AuthorizedKeysFile {root / 'authorized_keys'}\n"
        "PermitRootLogin prohibit-password\n"
        "PasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\n"
        "UsePAM no\n"
        "StrictModes no\n"  # the temp dir's modes are the test's business
        "LogLevel ERROR\n"
    )
    log = (root / "sshd.log").open("wb")
    process = subprocess.Popen([sshd, "-D", "-e", "-f", str(config)], stderr=log)
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not _listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise SshUnavailable(f"sshd did not start: {(root / 'sshd.log').read_text()}")
            time.sleep(0.05)  # polling a port: there is nothing to await
        yield SshServer(port, root / "client_key")
    finally:
        process.terminate()
        process.wait()
        log.close()
