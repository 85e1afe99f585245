"""``kiosk-fleet keygen``: the fleet's Ed25519 signing key, and loading it for signing.

The private key never leaves the fleet manager's machine (a PEM file readable by its owner
only); kiosks get the public half in their configuration (``mqtt.fleet_public_keys``) or,
later, through a signed key-rotation command. The key id kiosks and signers use is derived
from the public key (:func:`kiosk.sync.signing.key_id_for`), so nobody has to keep names in
step.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.sync.signing import (
    generate_key,
    key_id_for,
    load_private_key,
    public_key_hex,
    write_private_key,
    write_public_key,
)


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A private key and the id kiosks know it by."""

    key: Ed25519PrivateKey
    key_id: str

    @classmethod
    def load(cls, path: Path) -> SigningKey:
        key = load_private_key(path)
        return cls(key, key_id_for(key))


def keygen(private_path: Path) -> list[str]:
    """Write ``private_path`` (0600) and ``<name>.pub`` (hex) beside it; lines to print."""
    key = generate_key()
    public_path = private_path.with_suffix(".pub")
    write_private_key(private_path, key)
    write_public_key(public_path, key)
    return [
        f"private key: {private_path} (mode 0600; keep it on this machine only)",
        f"public key:  {public_path}",
        f"key id:      {key_id_for(key)}",
        "",
        "Put the public key in each kiosk's configuration:",
        "  [mqtt]",
        f'  fleet_public_keys = ["{public_key_hex(key)}"]',
    ]
