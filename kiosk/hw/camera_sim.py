"""The simulated camera: real photos through the real camera path, for demos and tests.

It runs :class:`~kiosk.hw.camera.CameraScanner` unchanged (grabber, decode pipeline,
confirmation) on a simulated camera, one of:

- ``folder``: an empty scan area until a person "scans" a chosen photo (``scan-image PATH``
  in the headless kiosk): the photo is held up to the camera, frame after frame with fresh
  sensor noise, until the kiosk confirms a scan or ``present_s`` has passed;
- ``image``: one photo in every frame, as if an item were left under the camera (it is
  scanned once); photos can still be held up over it;
- ``video``: a video file played as the camera's frames; its end is a camera that stopped,
  which the kiosk reports and then reopens (replays).

Photos are read through ``cv2.VideoCapture``, as camera frames are. A fault script
(kiosk.hw.camera_faults) makes the simulated camera stall, go black or raise on cue.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from kiosk.errors import DeviceError
from kiosk.hw.camera_debug import DebugCapture
from kiosk.hw.camera_faults import FaultScript, parse_faults
from kiosk.hw.camera_scanner import CameraScanner, Decoded, ScanSettings, decoded
from kiosk.hw.camera_sources import (
    ImageError,
    Opener,
    Presenter,
    empty_scene,
    open_capture,
    photos_in,
    read_photo,
)
from kiosk.hw.health import CAMERA, DeviceHealth, HealthReporter, Post
from kiosk.hw.scan_confirm import Accepted

SCENE_SIZE = (640, 480)
DECODE_GRACE_S = 5.0  # how long a loaded machine may take to decode the last frames shown


class SimulatedScanner:
    """The camera simulator; see the module docstring for its three kinds."""

    def __init__(self, images: Path, *, kind: str = "folder", video: Path | None = None,
                 settings: ScanSettings | None = None, present_s: float = 1.5,
                 faults: Iterable[str] = (), debug: DebugCapture | None = None) -> None:
        self.images = images
        self.kind = kind
        self.video = video
        self.settings = settings or ScanSettings()
        self.present_s = present_s
        self._script = FaultScript(parse_faults(faults))
        self._presenter: Presenter | None = None
        self._debug = debug
        self.camera: CameraScanner | None = None
        self._post: Post | None = None
        self._health: HealthReporter | None = None
        self._presenting = threading.Lock()
        self._found: list[tuple[Decoded, str]] | None = None
        self._done = threading.Event()
        self._shown_keys: set[str] = set()  # codes scanned in the last presentation
        self._next = 0

    def start(self, post: Post) -> None:
        self._post = post
        try:
            opener, description = self._simulated_camera()
        except DeviceError as exc:
            self._health = HealthReporter(CAMERA, post, simulated=True)
            self._health.failed(exc)
            return
        self.camera = CameraScanner(
            f"simulator ({self.kind})", settings=self.settings,
            opener=self._script.wrap(opener), simulated=True,
            describe=lambda: f"Camera simulator with {description}", debug=self._debug)
        self.camera.listen(self._scanned)
        self.camera.start(post)

    def stop(self) -> None:
        if self.camera is not None:
            self.camera.stop()
        self._post = None

    def health(self) -> DeviceHealth:
        if self.camera is not None:
            return self.camera.health()
        if self._health is not None:
            return self._health.current
        return DeviceHealth(CAMERA, False, "Camera simulator not started", True)

    def image_paths(self) -> list[Path]:
        """The photos on offer: the file itself, or a folder's pictures in name order."""
        return photos_in(self.images)

    def scan_image(self, path: Path) -> list[Decoded]:
        """Hold the photo up to the simulated camera; the scans it produced (also posted).

        Each call is one presentation: the photo stays in view until the kiosk confirms a
        scan or ``present_s`` passes, then leaves the view for the confirmation cooldown, so
        scanning the same photo twice adds the item twice, as holding a product up twice
        would. Raises ImageError for a file that is not a photo.
        """
        self._started()
        presenter = self._presenter
        if presenter is None or self.camera is None:
            raise DeviceError("The simulated camera cannot be shown a photo",
                              f"it is a {self.kind} simulator that is not running")
        photo = read_photo(path)
        with self._presenting:
            self._await_gone(self.camera)
            found = self._found = []
            self._done.clear()
            frames = max(1, math.ceil(self.present_s * self.settings.fps))
            presenter.present(photo, frames)
            self._watch(presenter)
            presenter.withdraw()
            self._found = None
        return [scan for scan, _ in found]

    def scan_next(self) -> list[Decoded]:
        """Hold up the next photo in turn (for a demo button: "scan something")."""
        paths = self.image_paths()
        if not paths:
            raise ImageError(f"the camera simulator has no photos in {self.images}")
        path = paths[self._next % len(paths)]
        self._next += 1
        return self.scan_image(path)

    def scan_text(self, text: str, symbology: str = "ean13") -> Decoded:
        """Post a code as if the camera had read it (scripted runs, staff key-in demos)."""
        code = Decoded(text, symbology)
        self._started()(code)
        return code

    def _simulated_camera(self) -> tuple[Opener, str]:
        """The frame source for this kind of simulator, and how the health line names it."""
        if self.kind == "video":
            video = self.video
            if video is None or not video.is_file():
                raise DeviceError(f"Camera simulator: video {video} does not exist",
                                  "devices.camera.video names no file",
                                  "Codes can still be given as text.")
            return (lambda: open_capture(str(video))), f"video {video}"
        if not self.images.exists():
            raise DeviceError(f"Camera simulator: {self.images} does not exist",
                              "devices.camera.images names no folder or photo",
                              "Codes can still be given as text.")
        if self.kind == "image":
            photos = self.image_paths()
            if not photos:
                raise DeviceError(f"Camera simulator: no photo in {self.images}",
                                  "devices.camera.images names no photo to show",
                                  "Codes can still be given as text.")
            try:
                background = read_photo(photos[0])
            except ImageError as exc:
                raise DeviceError(exc.what, exc.why, "Codes can still be given as text.") from None
            described = f"{photos[0]} in view"
        else:
            background = empty_scene(*SCENE_SIZE)
            described = f"{len(self.image_paths())} photos from {self.images}"
        presenter = self._presenter = Presenter(background)
        return (lambda: presenter), described

    def _await_gone(self, camera: CameraScanner) -> None:
        """Until the codes of the last photo have left the camera's view (the cooldown), so
        the next showing of the same photo is a new scan."""
        deadline = time.monotonic() + self.settings.cooldown_s + DECODE_GRACE_S
        while camera.codes_in_view() & self._shown_keys and time.monotonic() < deadline:
            time.sleep(0.01)

    def _watch(self, presenter: Presenter) -> None:
        """Until a scan completes, or the photo has left the view and its frames are decoded."""
        camera = self.camera
        deadline = time.monotonic() + self.present_s + DECODE_GRACE_S
        while not self._done.wait(0.01):
            if camera is None or time.monotonic() > deadline:
                return
            if not presenter.showing():
                # the frame being decoded now may still hold the photo: let it finish
                camera.wait_decoded(camera.frames_decoded + 2,
                                    max(0.0, deadline - time.monotonic()))
                return

    def _scanned(self, scans: list[Accepted]) -> None:
        """From the decode thread: scans completed while a photo was held up end the showing."""
        found = self._found
        if not scans or found is None:
            return
        found.extend((decoded(scan), scan.candidate.key) for scan in scans)
        self._shown_keys = {key for _, key in found}
        if self._presenter is not None:
            self._presenter.withdraw()  # the shopper heard the beep and moves on
        self._done.set()

    def _started(self) -> Post:
        if self._post is None:
            raise DeviceError("Camera simulator is not started", "start(post) was not called")
        return self._post
