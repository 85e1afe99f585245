"""A real Mosquitto on loopback, configured as a store runs it: for tests, benches and trials.

Everything MQTT in this project is proven against the real broker rather than a mock, because
what breaks in the field is the broker's behaviour: ACL denials, retained messages, last wills,
QoS 1 redelivery after a crash. ``LocalMosquitto`` writes a config of ours (password file made
by ``mosquitto_passwd``, ACLs from :mod:`kiosk.sync.broker_conf`, optional TLS with a CA made
at run time, optional bridge to a central broker), runs ``/usr/sbin/mosquitto`` on free
loopback ports and can stop, SIGKILL and restart it on the same ports and persistence.

Credentials are generated once per work directory and kept in ``credentials.json`` there, so a
second process (a fleet simulator, a bench's kiosk) reads the same ones.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import time
import weakref
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from kiosk.errors import DeviceError
from kiosk.store.atomic import atomic_write_bytes
from kiosk.sync import broker_conf, topics
from kiosk.sync.broker_conf import BridgeTarget, Listener
from kiosk.sync.broker_tls import CertFiles, LocalCA

MOSQUITTO = "/usr/sbin/mosquitto"
MOSQUITTO_PASSWD = "/usr/bin/mosquitto_passwd"  # noqa: S105 (a program, not a secret)
_START_TIMEOUT_S = 10.0
_STOP_TIMEOUT_S = 10.0

__all__ = ["BridgeTarget", "CertFiles", "LocalMosquitto", "free_port"]


def free_port() -> int:
    """A loopback port nobody listens on right now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _reap(process: subprocess.Popen[bytes]) -> None:
    """Finaliser: a broker never outlives the object (or test) that started it."""
    if process.poll() is None:
        process.kill()
        process.wait()


class LocalMosquitto:
    """One Mosquitto process with our config; see the module docstring."""

    def __init__(
        self,
        workdir: Path,
        *,
        tls: bool = False,
        kiosks: Iterable[tuple[str, str]] = (),
        fleet_users: Iterable[str] = ("fleet",),
        bridge_stores: Iterable[str] = (),
        bridge_to: BridgeTarget | None = None,
    ) -> None:
        if not Path(MOSQUITTO).exists():
            raise DeviceError(
                "cannot run a local MQTT broker",
                f"{MOSQUITTO} is not installed",
                "Install it: sudo apt-get install mosquitto mosquitto-clients",
            )
        self.workdir = Path(workdir).resolve()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.tls = tls
        self._kiosks: list[tuple[str, str]] = []
        self._fleet_users = list(fleet_users)
        self._bridge_stores = [topics.check_id(s, "store id") for s in bridge_stores]
        self._bridge_to = bridge_to
        self._secrets = self._load_secrets()
        self.port = free_port()
        self.tls_port: int | None = free_port() if tls else None
        self.cert_port: int | None = free_port() if tls else None
        self._ca = LocalCA(self.workdir / "tls") if tls else None
        self._server: CertFiles | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._finalizer: weakref.finalize[..., None] | None = None
        self._add(kiosks)

    # -- identities ---------------------------------------------------------------------------
    def _load_secrets(self) -> dict[str, str]:
        path = self.workdir / "credentials.json"
        if path.exists():
            loaded = json.loads(path.read_text(encoding="utf-8"))
            return {str(k): str(v) for k, v in loaded.items()}
        return {}

    def _secret(self, username: str) -> str:
        if username not in self._secrets:
            self._secrets[username] = secrets.token_urlsafe(18)
        return self._secrets[username]

    def _add(self, kiosks: Iterable[tuple[str, str]]) -> None:
        for store, kiosk in kiosks:
            if (store, kiosk) not in self._kiosks:
                topics.mqtt_identity(store, kiosk)  # rejects ids that would widen an ACL
                self._kiosks.append((store, kiosk))

    def _all_users(self) -> list[str]:
        users = [topics.mqtt_identity(s, k) for s, k in self._kiosks]
        users += self._fleet_users
        users += [self._bridge_username(s) for s in self._bridge_stores]
        return users

    @staticmethod
    def _bridge_username(store: str) -> str:
        return f"bridge/{store}"

    def credentials(self, store: str, kiosk: str) -> tuple[str, str]:
        """(username, password) of a kiosk declared in ``kiosks`` (or :meth:`add_kiosks`)."""
        if (store, kiosk) not in self._kiosks:
            raise KeyError(f"kiosk {store}/{kiosk} is not known to this broker")
        username = topics.mqtt_identity(store, kiosk)
        return username, self._secret(username)

    def fleet_credentials(self, name: str = "fleet") -> tuple[str, str]:
        if name not in self._fleet_users:
            raise KeyError(f"fleet user {name!r} is not known to this broker")
        return name, self._secret(name)

    def bridge_target(self, store: str, *, name: str = "central") -> BridgeTarget:
        """What a store broker needs to bridge to this (central) broker for ``store``."""
        if store not in self._bridge_stores:
            raise KeyError(f"store {store!r} has no bridge user on this broker")
        username = self._bridge_username(store)
        if self.tls:
            assert self.tls_port is not None
            return BridgeTarget(
                "127.0.0.1", self.tls_port, username, self._secret(username), store,
                cafile=self.ca_path, name=name,
            )
        return BridgeTarget("127.0.0.1", self.port, username, self._secret(username), store,
                            name=name)

    @property
    def ca_path(self) -> Path | None:
        return self._ca.files.cert if self._ca is not None else None

    def client_cert(self, store: str, kiosk: str) -> CertFiles:
        """A client certificate whose CN is the kiosk's identity, for :attr:`cert_port`."""
        if self._ca is None:
            raise DeviceError("no client certificate", "this broker was started without TLS")
        identity = topics.mqtt_identity(store, kiosk)
        return self._ca.issue(f"client-{store}-{kiosk}", identity, server=False)

    def add_kiosks(self, kiosks: Iterable[tuple[str, str]]) -> None:
        """Declare more kiosks; a running broker reloads users and ACLs (SIGHUP)."""
        self._add(kiosks)
        if self.running:
            self._write_files()
            assert self._process is not None
            self._process.send_signal(signal.SIGHUP)

    # -- files --------------------------------------------------------------------------------
    @property
    def conf_path(self) -> Path:
        return self.workdir / "mosquitto.conf"

    @property
    def log_path(self) -> Path:
        return self.workdir / "mosquitto.log"

    def _listeners(self) -> list[Listener]:
        listeners = [Listener(self.port)]
        if self._ca is not None:
            if self._server is None:
                self._server = self._ca.issue("server", "localhost", server=True)
            ca, cert, key = self._ca.files.cert, self._server.cert, self._server.key
            assert self.tls_port is not None
            assert self.cert_port is not None
            listeners.append(Listener(self.tls_port, cafile=ca, certfile=cert, keyfile=key))
            listeners.append(
                Listener(self.cert_port, cafile=ca, certfile=cert, keyfile=key,
                         require_certificate=True)
            )
        return listeners

    def _write_passwords(self, path: Path) -> None:
        plain = "".join(f"{user}:{self._secret(user)}\n" for user in self._all_users())
        atomic_write_bytes(path, plain.encode("utf-8"))
        path.chmod(0o600)
        # One mosquitto_passwd run hashes every line in place (PBKDF2-SHA512).
        result = subprocess.run(  # noqa: S603 (fixed program, our own file)
            [MOSQUITTO_PASSWD, "-U", str(path)], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise DeviceError("cannot write the broker's password file", result.stderr.strip())

    def _write_files(self) -> None:
        passwords, acl = self.workdir / "passwords", self.workdir / "acl"
        (self.workdir / "data").mkdir(exist_ok=True)
        self._write_passwords(passwords)
        bridges = [(self._bridge_username(s), s) for s in self._bridge_stores]
        acl_text = broker_conf.render_acl(self._kiosks, self._fleet_users, bridges)
        atomic_write_bytes(acl, acl_text.encode("utf-8"))
        conf = broker_conf.render_conf(
            listeners=self._listeners(),
            password_file=passwords,
            acl_file=acl,
            persistence_dir=self.workdir / "data",
            log_file=self.log_path,
            run_as=pwd.getpwuid(os.getuid()).pw_name,
            bridge=self._bridge_to,
        )
        atomic_write_bytes(self.conf_path, conf.encode("utf-8"))
        secrets_json = json.dumps(self._secrets, indent=1, sort_keys=True).encode("utf-8")
        atomic_write_bytes(self.workdir / "credentials.json", secrets_json)
        (self.workdir / "credentials.json").chmod(0o600)

    # -- process ------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self.running and self._process is not None else None

    def start(self) -> LocalMosquitto:
        """Write the config and run the broker; returns once every listener accepts."""
        if self.running:
            return self
        self._write_files()
        log_offset = self._log_size()
        with open(self.workdir / "mosquitto.stderr", "ab") as err:
            self._process = subprocess.Popen(  # noqa: S603 (fixed program, our own config)
                [MOSQUITTO, "-c", str(self.conf_path)],
                stdin=subprocess.DEVNULL, stdout=err, stderr=err, start_new_session=True,
            )
        self._finalizer = weakref.finalize(self, _reap, self._process)
        self._wait_listening(log_offset)
        return self

    def _wait_listening(self, log_offset: int) -> None:
        """Mosquitto logs "running" once every listener is open; probing TLS ports would only
        fill the log with handshake errors."""
        deadline = time.monotonic() + _START_TIMEOUT_S
        while not self._logged_since(log_offset, " running"):
            assert self._process is not None
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise DeviceError(
                    "the local MQTT broker did not start",
                    f"log: {self.log_tail()}",
                    f"See {self.log_path} and {self.workdir / 'mosquitto.stderr'}.",
                )
            time.sleep(0.01)

    def _logged_since(self, offset: int, marker: str) -> bool:
        try:
            with open(self.log_path, "rb") as log:
                log.seek(offset)
                return marker.encode() in log.read()
        except FileNotFoundError:
            return False

    def _log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except FileNotFoundError:
            return 0

    def stop(self) -> None:
        """SIGTERM: Mosquitto saves its persistence (retained, sessions, queued QoS 1) first."""
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._detach()

    def kill(self) -> None:
        """SIGKILL, as a power cut would: only what was autosaved survives."""
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._detach()

    def restart(self, *, hard: bool = False) -> LocalMosquitto:
        """Stop (or SIGKILL when ``hard``) and start again on the same ports and persistence."""
        self.kill() if hard else self.stop()
        return self.start()

    def _detach(self) -> None:
        if self._finalizer is not None:
            self._finalizer.detach()
        self._finalizer = None
        self._process = None

    def log_tail(self, lines: int = 20) -> str:
        text = ""
        for path in (self.log_path, self.workdir / "mosquitto.stderr"):
            if path.exists():
                text += path.read_text(encoding="utf-8", errors="replace")
        return " | ".join(text.strip().splitlines()[-lines:])

    def persisted_at(self) -> float | None:
        """When Mosquitto last saved retained messages and sessions (file mtime), if ever.

        Mosquitto keeps them in memory and saves every ``autosave_interval`` (2 s here) and on
        a clean stop; a SIGKILL loses what changed since. Tests that kill the broker wait for a
        save first, as a store would rely on its broker's last save.
        """
        try:
            return (self.workdir / "data" / "mosquitto.db").stat().st_mtime
        except FileNotFoundError:
            return None

    def wipe_persistence(self) -> None:
        """Forget retained messages and sessions (the broker must be stopped)."""
        if self.running:
            raise RuntimeError("stop the broker before wiping its persistence")
        shutil.rmtree(self.workdir / "data", ignore_errors=True)

    def __enter__(self) -> LocalMosquitto:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
