"""Whatever bytes arrive, the preview draws something and never raises; any split parses alike.

Two kinds of input: arbitrary bytes, and streams stitched from command prefixes with random
parameters, which reach the command handlers that random bytes rarely hit.
"""

from __future__ import annotations

from escpos_png_helpers import printer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.hw.escpos_png import Parser, ParseWarning, parse, render
from kiosk.hw.escpos_png.ops import Op

PREFIXES = [
    b"\x1b@", b"\x1b!", b"\x1bE", b"\x1b-", b"\x1bM", b"\x1ba", b"\x1bt", b"\x1bd", b"\x1bJ",
    b"\x1b3", b"\x1b$", b"\x1b\\", b"\x1bD", b"\x1b*", b"\x1b&", b"\x1b(A", b"\x1bR",
    b"\x1d!", b"\x1dB", b"\x1dV", b"\x1dv0", b"\x1d(k", b"\x1d(L", b"\x1d8L", b"\x1dk",
    b"\x1dP", b"\x1dL", b"\x1dW", b"\x1d*", b"\x1d(", b"\x1c&", b"\x1cq", b"\x1c(", b"\x1cg1",
    b"\x10\x04", b"\x10\x14", b"\t", b"\n", b"\r", b"\x0c",
]
QR_SETUP = b"\x1d(k\x03\x001C\x04\x1d(k\x03\x001E1"
stitched = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(PREFIXES), st.binary(max_size=12)).map(b"".join),
        st.text(max_size=20).map(lambda t: t.encode("utf-8")),
        st.binary(min_size=1, max_size=40).map(
            lambda d: b"\x1d(k" + bytes((len(d) + 3, 0)) + b"1P0" + d + b"\x1d(k\x03\x001Q0"),
        st.just(QR_SETUP),
    ),
    max_size=30,
).map(b"".join)


def in_chunks(data: bytes, cuts: list[int]) -> list[Op]:
    parser = Parser()
    ops: list[Op] = []
    start = 0
    for cut in sorted(c % (len(data) + 1) for c in cuts):
        ops += parser.feed(data[start:cut])
        start = cut
    return ops + parser.feed(data[start:]) + parser.finish()


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_parse_without_raising(data: bytes) -> None:
    for op in parse(data):
        assert not isinstance(op, ParseWarning) or op.message


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=600), stitched))
def test_any_stream_renders_without_raising(data: bytes) -> None:
    rendering = render(data, paper_dots=384)
    assert rendering.image.size[0] == 384
    assert all(isinstance(w, str) and w for w in rendering.warnings)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.binary(max_size=300), stitched), st.lists(st.integers(0, 10_000),
                                                              max_size=8))
def test_any_split_gives_the_same_operations(data: bytes, cuts: list[int]) -> None:
    assert in_chunks(data, cuts) == parse(data)


def _real_receipt() -> bytes:
    p = printer()
    p.set(align="center", bold=True, double_height=True)
    p.textln("Épicerie — 5,45 €")
    p.qr("K1-000042", native=True)
    p.textln("")
    p.cut()
    return p.output


REAL = _real_receipt()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, len(REAL)), max_size=12))
def test_a_real_receipt_split_anywhere_parses_the_same(cuts: list[int]) -> None:
    assert in_chunks(REAL, cuts) == parse(REAL)
