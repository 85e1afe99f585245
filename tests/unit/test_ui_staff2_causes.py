"""Device problems told to shoppers: the cause is read from the adapters' own health sentences
(written for store IT, in English) and shown in the shopper's language from the catalogues."""

from __future__ import annotations

import pytest

from kiosk.core.device_causes import (
    CAUSES,
    COVER_OPEN,
    FAULT,
    NOT_RESPONDING,
    PAPER_OUT,
    device_cause,
)
from kiosk.errors import DeviceError
from kiosk.hw.camera_sources import open_capture
from kiosk.hw.printer_check import status_problem
from kiosk.hw.printer_status import PrinterStatus
from kiosk.hw.terminal import _port_error
from kiosk.screens import i18n


def _message(error: DeviceError | None) -> str:
    assert error is not None
    return error.message


@pytest.mark.parametrize(("status", "cause"), [
    (PrinterStatus(paper_out=True), PAPER_OUT),
    (PrinterStatus(paper_out=True, cover_open=True), PAPER_OUT),  # the worse one first
    (PrinterStatus(cover_open=True), COVER_OPEN),
    (PrinterStatus(online=False), NOT_RESPONDING),
    (PrinterStatus(error=True, errors=("autocutter",)), FAULT),
])
def test_the_printers_status_words_give_the_cause(status: PrinterStatus, cause: str) -> None:
    assert device_cause(_message(status_problem(status, "the TM-T20III"))) == cause


def test_a_missing_terminal_or_camera_is_not_responding() -> None:
    port = "/dev/ttyUSB7"
    assert device_cause(_port_error(port, OSError("[Errno 2] could not open port"))
                        .message) == NOT_RESPONDING
    assert device_cause(_port_error(port, OSError("[Errno 16] Device or resource busy"))
                        .message) == NOT_RESPONDING
    with pytest.raises(DeviceError) as caught:
        open_capture("/dev/video97")
    assert device_cause(caught.value.message) == NOT_RESPONDING
    assert device_cause("Camera unplugged") == NOT_RESPONDING
    assert device_cause("The ZVT terminal driver failed, because a frame was garbled") == FAULT


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_cause_has_words_in_every_language(lang: str) -> None:
    words = {cause: i18n.tr(f"error.why.{cause}", lang) for cause in CAUSES}
    assert len(set(words.values())) == len(CAUSES)
    if lang != "en":
        english = {i18n.tr(f"error.why.{cause}", "en") for cause in CAUSES}
        assert not set(words.values()) & english
