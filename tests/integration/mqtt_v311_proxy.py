"""A front for the real Mosquitto that behaves like a broker without MQTT 5.

Mosquitto 2.0 cannot be told to refuse MQTT 5 on a listener, so to prove the link's fallback
this proxy answers an MQTT 5 CONNECT the way a 3.1.1-only broker does (MQTT 3.1.1 section
3.2.2.3: CONNACK with return code 0x01, "unacceptable protocol version", then close) and passes
every other connection through to the real broker byte for byte. Only the protocol check is
ours; sessions, QoS and ACLs are Mosquitto's.
"""

from __future__ import annotations

import contextlib
import socket
import threading

REFUSE_PROTOCOL = b"\x20\x02\x00\x01"


def _read_exact(sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def read_packet(sock: socket.socket) -> bytes:
    """One whole MQTT control packet (fixed header, remaining length, body)."""
    head = _read_exact(sock, 1)
    length, shift, raw_len = 0, 0, b""
    while True:
        byte = _read_exact(sock, 1)
        raw_len += byte
        length |= (byte[0] & 0x7F) << shift
        shift += 7
        if not byte[0] & 0x80:
            break
    return head + raw_len + _read_exact(sock, length)


def protocol_level(connect: bytes) -> int:
    """The protocol level byte of a CONNECT packet (4 = 3.1.1, 5 = MQTT 5)."""
    index = 1
    while connect[index] & 0x80:
        index += 1
    body = connect[index + 1:]
    name_length = int.from_bytes(body[:2], "big")
    return body[2 + name_length]


class V311OnlyProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.refused_v5 = 0
        self.passed = 0
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._closing = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            first = read_packet(client)
        except (ConnectionError, OSError):
            client.close()
            return
        if protocol_level(first) == 5:
            self.refused_v5 += 1
            client.sendall(REFUSE_PROTOCOL)
            client.close()
            return
        self.passed += 1
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        upstream.sendall(first)
        threading.Thread(target=_pipe, args=(upstream, client), daemon=True).start()
        _pipe(client, upstream)

    def close(self) -> None:
        self._closing = True
        self._server.close()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
