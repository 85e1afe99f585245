"""Typed, layered configuration.

Layers, later wins: the defaults in ``config/kiosk.toml``; the file named on the command line,
else ``/etc/kiosk/kiosk.toml`` when it exists; then environment variables
``KIOSK__SECTION__KEY=value`` (values are read as TOML where they parse, e.g. ``true`` or ``9100``,
else as text). The merged result is validated once, at start: a bad value stops start-up with a
message that names the file (or variable) that set it, the key, and what was expected — store IT
reads that line in the journal and fixes the one value, rather than guessing.

Secrets never sit in these files: the MQTT password and the staff PINs come from files that the
configuration names.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from kiosk.core.labels import LabelTemplate
from kiosk.core.light_patterns import (
    BeepPattern,
    BuzzerPolicy,
    LightPatternError,
    QuietHours,
    beeps_with,
    patterns_with,
)
from kiosk.core.money import MINOR_UNITS
from kiosk.core.receipt import qr_template_problem
from kiosk.core.staff import Roles
from kiosk.errors import ConfigError

REPO_CONFIG = Path(__file__).resolve().parent.parent / "config"
SYSTEM_CONFIG = Path("/etc/kiosk/kiosk.toml")
ENV_PREFIX = "KIOSK__"
IDENT = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"

Mode = Literal["real", "simulated", "off"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StoreConfig(_Section):
    store_id: Annotated[str, Field(pattern=IDENT)]
    kiosk_id: Annotated[str, Field(pattern=IDENT)]
    name: str = "Store"
    address: tuple[str, ...] = ()
    vat_number: str = ""


class LocaleConfig(_Section):
    currency: str = "EUR"
    language: str = "en"
    languages: tuple[str, ...] = ("en", "fr", "zh")
    timezone: str = "Europe/Paris"

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        if value not in MINOR_UNITS:
            raise ValueError(f"an ISO 4217 currency code such as EUR, one of {sorted(MINOR_UNITS)}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("an IANA time zone such as Europe/Paris") from None
        return value


def _percent_to_bp(value: Any) -> int:
    """VAT rates are written as percent (``5.5``) and kept as integer basis points (550)."""
    try:
        bp = Decimal(str(value)) * 100
    except InvalidOperation:
        raise ValueError("a VAT rate in percent, e.g. 20 or 5.5") from None
    if bp != bp.to_integral_value() or not 0 <= bp < 10000:
        raise ValueError("a VAT rate in percent between 0 and 100 with at most 2 decimals")
    return int(bp)


class LabelTemplateConfig(_Section):
    name: str
    pattern: str
    kind: Literal["price", "weight"]
    decimals: int = Field(default=2, ge=0, le=5)

    @model_validator(mode="after")
    def _parses(self) -> LabelTemplateConfig:
        self.template()  # the core's own parser is the one judge of a pattern
        return self

    def template(self) -> LabelTemplate:
        return LabelTemplate.from_config(self.pattern, self.kind, self.decimals, self.name)


class BarcodeConfig(_Section):
    templates: tuple[LabelTemplateConfig, ...] = ()
    reference_year: int | None = None  # GS1 dates; None means the current year at run time


Symbology = Literal["ean13", "ean8", "upca", "upce", "code128", "databar", "databar-expanded",
                    "qrcode", "datamatrix"]


class CameraConfig(_Section):
    """The camera scanner (kiosk.hw.camera).

    ``device`` is a V4L2 node, a camera index or a video file. The simulator shows a photo
    from ``images`` when a person chooses one (``simulator = "folder"``), shows one photo in
    every frame (``"image"``: ``images`` names the photo) or plays ``video``. Frames never
    leave the kiosk's memory unless ``debug_capture`` is on (shoppers' privacy).
    """

    mode: Mode = "off"
    device: str = "/dev/video0"
    width: int = Field(default=1280, gt=0)
    height: int = Field(default=720, gt=0)
    fps: int = Field(default=15, gt=0, le=120)
    exposure: float | None = Field(default=None, gt=0)  # driver units; None: automatic
    focus: float | None = Field(default=None, ge=0)  # driver units; None: autofocus
    symbologies: tuple[Symbology, ...] = get_args(Symbology)
    confirm_frames: int = Field(default=2, ge=1, le=10)  # identical reads, unless both decoders
    cooldown_s: float = Field(default=1.0, gt=0, le=30)  # out of view this long: a new scan
    stall_s: float = Field(default=2.0, gt=0, le=60)  # no frame (or only black) this long: failed
    retry_s: float = Field(default=3.0, gt=0, le=300)  # between attempts to reopen the camera
    simulator: Literal["folder", "image", "video"] = "folder"
    images: str = "tests/data/barcodes"
    video: str = ""
    present_s: float = Field(default=1.5, gt=0, le=30)  # a chosen photo held up at most this long
    debug_capture: bool = False  # write decoded and near-miss frames to disk, for tuning only
    debug_dir: str = ""  # default: camera-debug in the data directory
    debug_max_frames: int = Field(default=200, ge=1, le=100000)  # oldest removed beyond this

    @field_validator("symbologies")
    @classmethod
    def _some_symbologies(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value or len(set(value)) != len(value):
            raise ValueError(f"a list of distinct symbologies among {list(get_args(Symbology))}")
        return value

    @model_validator(mode="after")
    def _video_named(self) -> CameraConfig:
        if self.mode == "simulated" and self.simulator == "video" and not self.video:
            raise ValueError("a video file in devices.camera.video for simulator = 'video'")
        return self


class PrinterConfig(_Section):
    mode: Mode = "off"
    transport: Literal["usb", "serial", "network", "file"] = "usb"
    usb_vendor: int = Field(default=0x04B8, ge=0, le=0xFFFF)
    usb_product: int = Field(default=0x0202, ge=0, le=0xFFFF)
    serial_port: str = "/dev/ttyUSB1"
    baudrate: int = Field(default=19200, gt=0)
    host: str = ""
    port: int = Field(default=9100, gt=0, lt=65536)
    file: str = "/dev/usb/lp0"
    # The model (a python-escpos profile: code pages, print width, QR) and the paper. Columns
    # default to the model's font A columns, or 32 on 58 mm and 48 on 80 mm for a model whose
    # width python-escpos does not know (e.g. profile "default").
    profile: str = "TM-T88V"
    paper_mm: Literal[58, 80] = 80
    columns: int | None = Field(default=None, ge=24, le=64)
    # Real-time status (DLE EOT) before and after each receipt and every status_interval_s
    # while idle; off only for a model that cannot answer it.
    status_query: bool = True
    status_timeout_s: float = Field(default=1.0, gt=0, le=10)
    status_interval_s: float = Field(default=5.0, ge=0.2, le=300)
    # What the receipt's QR code holds; {sale_id} is required ({store_id}, {kiosk_id},
    # {sale_number} may be used), e.g. "https://receipts.example.com/{store_id}/{sale_id}".
    receipt_qr: str = "{sale_id}"

    @field_validator("receipt_qr")
    @classmethod
    def _qr_template(cls, value: str) -> str:
        problem = qr_template_problem(value)
        if problem is not None:
            raise ValueError(f"a receipt QR template such as '{{sale_id}}', but {problem}")
        return value

    def layout_columns(self) -> int:
        """Columns when no printer can be asked (printer off): as configured, else the
        common count for the paper."""
        return self.columns or (32 if self.paper_mm == 58 else 48)


class BeepConfig(_Section):
    count: int = Field(ge=1, le=10)
    on_s: float = Field(gt=0, le=5)
    off_s: float = Field(ge=0, le=5)

    def beep(self) -> BeepPattern:
        return BeepPattern(self.count, self.on_s, self.off_s)


def _light_check(parse: Callable[[Any], object], value: Any) -> None:
    try:
        parse(value)
    except LightPatternError as exc:
        raise ValueError(f"{exc.why}; {exc.what}") from None


BcmPin = Annotated[int, Field(ge=0, le=27)]  # BCM GPIO numbers on the 40-pin header


class LightConfig(_Section):
    """The tower light; what patterns and beeps do is kiosk.core.light_patterns' data."""

    mode: Mode = "off"
    red_pin: BcmPin = 17
    amber_pin: BcmPin = 27
    green_pin: BcmPin = 22
    buzzer_pin: BcmPin = 23
    help_button_pin: BcmPin = 24
    active_high: bool = True  # lamps; false for active-low relay boards
    buzzer_active_high: bool = True
    help_button_pull_up: bool = True  # the button connects its pin to ground
    blink_s: float = Field(default=0.5, gt=0, le=5)  # half period of "blink"
    flash_s: float = Field(default=0.15, gt=0, le=5)  # half period of "flash"
    patterns: dict[str, dict[str, str]] = {}  # replaces whole default patterns by name
    beeps: dict[str, BeepConfig] = {}  # replaces default beeps by kind (ok, error, attention)
    beep_on_scan: bool = True  # "ok": an item went into the basket
    beep_on_error: bool = True  # "error": a scan or an action was refused
    beep_on_attention: bool = True  # "attention": staff needed (and fault patterns)
    quiet_hours: str = ""  # store-local window with every beep muted, e.g. "22:00-07:00"
    help_hold_s: float = Field(default=3.0, gt=0, le=30)
    help_held_is_distinct: bool = False  # a held press posts HelpHeld instead of HelpPressed
    help_bounce_s: float = Field(default=0.05, ge=0, le=1)

    @field_validator("amber_pin", "green_pin", "buzzer_pin", "help_button_pin")
    @classmethod
    def _pin_of_its_own(cls, value: int, info: ValidationInfo) -> int:
        # info.data holds the pins declared above this one (pydantic validates in order)
        taken = [name.removesuffix("_pin") for name, pin in info.data.items()
                 if name.endswith("_pin") and pin == value]
        if taken:
            raise ValueError(f"a GPIO pin of its own; {value} is the {taken[0]} pin")
        return value

    # The core's own parsers are the one judge of patterns, beeps and quiet hours.
    @field_validator("patterns")
    @classmethod
    def _known_patterns(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        _light_check(patterns_with, value)
        return value

    @field_validator("beeps")
    @classmethod
    def _known_beeps(cls, value: dict[str, BeepConfig]) -> dict[str, BeepConfig]:
        _light_check(beeps_with, {kind: b.beep() for kind, b in value.items()})
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_window(cls, value: str) -> str:
        if value:
            _light_check(lambda window: QuietHours(*window), _hours(value))
        return value

    def buzzer_policy(self) -> BuzzerPolicy:
        kinds = {kind for kind, wanted in (("ok", self.beep_on_scan),
                                            ("error", self.beep_on_error),
                                            ("attention", self.beep_on_attention)) if wanted}
        quiet = QuietHours(*_hours(self.quiet_hours)) if self.quiet_hours else None
        return BuzzerPolicy(frozenset(kinds), quiet)


class TerminalConfig(_Section):
    """The card terminal (kiosk.hw.zvt, kiosk.hw.concert). Timeouts are per phase of a payment
    and default to production values; ``timeout_s`` must stay below ``sale.payment_timeout_s``
    so the driver, which knows why, reports an unknown outcome before the session's backstop.
    The ZVT password comes from ``password_file`` (or ``password`` for a lab), never the repo."""

    mode: Mode = "off"
    protocol: Literal["zvt", "concert"] = "zvt"
    port: str = "/dev/ttyUSB0"
    baudrate: int = Field(default=9600, gt=0)
    currency: str = "EUR"  # what the terminal is set up for: the kiosk's locale.currency
    password: str = ""  # ZVT: six digits
    password_file: str = ""  # ZVT: a file holding the six digits, e.g. /etc/kiosk/secrets/...
    pos_number: str = Field(default="01", pattern=r"^[0-9]{2}$")  # Concert: the till's number
    long_answer: bool = True  # Concert: ask for the long answer (card data for the receipt)
    ack_timeout_s: float = Field(default=1.0, gt=0, le=10)  # the line's one-byte ACK/NAK
    answer_timeout_s: float = Field(default=5.0, gt=0, le=60)  # first answer to a command
    timeout_s: float = Field(default=120.0, gt=0)  # the card holder's dialogue, to the result
    completion_timeout_s: float = Field(default=30.0, gt=0)  # silence after the result
    reconnect_s: float = Field(default=30.0, gt=0)  # between tries to reach a terminal

    @field_validator("currency")
    @classmethod
    def _terminal_currency(cls, value: str) -> str:
        return LocaleConfig._known_currency(value)

    @field_validator("password")
    @classmethod
    def _six_digits(cls, value: str) -> str:
        if value and not (len(value) == 6 and value.isdigit()):
            raise ValueError("the terminal password as six digits, or empty with password_file")
        return value


class DevicesConfig(_Section):
    camera: CameraConfig = CameraConfig()
    printer: PrinterConfig = PrinterConfig()
    light: LightConfig = LightConfig()
    terminal: TerminalConfig = TerminalConfig()


class MqttConfig(_Section):
    """The link to the store's broker (kiosk.sync). ``username`` empty means the kiosk's
    identity ``{store_id}/{kiosk_id}``, which the broker's pattern ACLs expect."""

    enabled: bool = False
    host: str = "localhost"
    port: int = Field(default=1883, gt=0, lt=65536)
    username: str = ""
    password_file: str = ""  # the secret lives in this file, never in the config itself
    tls_ca: str = ""  # CA file: set it and the link uses TLS
    tls_cert: str = ""  # optional client certificate (CN = {store_id}/{kiosk_id}) and its key
    tls_key: str = ""
    keepalive_s: int = Field(default=30, ge=5, le=3600)
    protocol: Literal["auto", "5", "3.1.1"] = "auto"  # auto: MQTT 5, 3.1.1 if the broker lacks 5
    reconnect_min_s: float = Field(default=1.0, gt=0, le=600)  # backoff doubles, with jitter,
    reconnect_max_s: float = Field(default=60.0, gt=0, le=3600)  # up to this
    connect_timeout_s: float = Field(default=10.0, gt=0, le=120)
    session_expiry_s: int = Field(default=86400, ge=0)  # broker keeps cmd messages this long
    status_interval_s: float = Field(default=300.0, ge=1)  # retained status refreshed this often
    outbox_window: int = Field(default=100, ge=1, le=1000)  # QoS 1 messages in flight at once
    outbox_poll_s: float = Field(default=2.0, gt=0, le=60)  # idle look at the outbox
    fleet_public_key: str = ""  # Ed25519 public key (hex or PEM) that signs fleet messages
    fleet_public_keys: tuple[str, ...] = ()  # more trusted fleet keys (rotation adds/retires)
    command_max_lifetime_s: int = Field(default=86400, ge=60)  # longer-lived commands refused
    command_clock_skew_s: int = Field(default=300, ge=0, le=3600)
    catalogue_parts_timeout_s: float = Field(default=120.0, ge=5, le=3600)  # then rejected


class StaffConfig(_Section):
    file: str = "/etc/kiosk/staff.json"  # salted PIN hashes; see kiosk.core.staff
    roles: dict[str, tuple[str, ...]] = {}

    @field_validator("roles")
    @classmethod
    def _known_permissions(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        Roles.from_config(value)  # a typo in a permission is an error, never silently dropped
        return value
    max_pin_attempts: int = Field(default=5, ge=1, le=20)
    lockout_s: int = Field(default=300, ge=0)
    assisted_timeout_s: int = Field(default=120, ge=10)


def _hours(value: Any) -> tuple[time, time]:
    match = re.fullmatch(r"(\d{2}):(\d{2})-(\d{2}):(\d{2})", str(value))
    if not match:
        raise ValueError("a local time window such as '06:00-22:00'")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise ValueError("a local time window such as '06:00-22:00' with valid times")
    return time(h1, m1), time(h2, m2)


class SaleConfig(_Section):
    void_needs_staff: bool = True
    receipt_timeout_s: int = Field(default=20, ge=1)
    approval_timeout_s: int = Field(default=300, ge=10)
    payment_timeout_s: int = Field(default=180, ge=30)  # then the outcome is UNKNOWN
    print_timeout_s: int = Field(default=30, ge=5)
    idle_timeout_s: int = Field(default=90, ge=10)  # an untouched basket calls staff
    max_quantity_per_line: int = Field(default=99, ge=1)
    max_items_per_sale: int = Field(default=200, ge=1)
    max_suspended: int = Field(default=5, ge=0, le=50)  # suspended sales kept for recall
    quick_picks: tuple[str, ...] = ()
    category_hours: dict[str, str] = {}

    @field_validator("category_hours")
    @classmethod
    def _valid_windows(cls, value: dict[str, str]) -> dict[str, str]:
        for window in value.values():
            _hours(window)
        return value

    def hours(self) -> dict[str, tuple[time, time]]:
        return {category: _hours(window) for category, window in self.category_hours.items()}


class UiConfig(_Section):
    """The touch screen (kiosk/screens). ``dpi`` is the panel's: 10.1" 1280x800 is about 149,
    the official 7" 800x480 about 133; touch targets are sized from it (>= 15 mm)."""

    size: Literal["1280x800", "800x480"] = "1280x800"
    orientation: Literal["landscape", "portrait"] = "landscape"
    dpi: int = Field(default=149, ge=60, le=600)
    fullscreen: bool = False  # the appliance sets true; the demo runs in a window
    font: str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    cjk_font: str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"  # used for zh
    cjk_languages: tuple[str, ...] = ("zh",)
    large_text: bool = False  # accessibility defaults; the shopper can turn them on per sale
    high_contrast: bool = False
    speech: bool = False
    speech_command: str = "espeak-ng"  # spoken guidance; off (said in the log) when absent
    audio: bool = True  # the kiosk has a loudspeaker: spoken guidance is offered only then
    speech_wav_dir: str = ""  # write each spoken sentence to a WAV here instead of playing it
    message_s: float = Field(default=6.0, gt=0, le=60)  # a screen message stays this long
    accessible_time_factor: float = Field(default=2.0, ge=1, le=10)  # every shopper timeout
    lookup_timeout_s: float = Field(default=60.0, gt=0, le=600)  # look-up panel closes itself

    def window_size(self) -> tuple[int, int]:
        width, height = (int(n) for n in self.size.split("x"))
        return (width, height) if self.orientation == "landscape" else (height, width)


class PathsConfig(_Section):
    data_dir: str = "/var/lib/kiosk"
    initial_catalogue: str = ""  # snapshot seeded on first boot only (the demo uses one)


class KioskConfig(_Section):
    store: StoreConfig
    locale: LocaleConfig = LocaleConfig()
    vat: dict[str, int] = {}
    barcode: BarcodeConfig = BarcodeConfig()
    devices: DevicesConfig = DevicesConfig()
    mqtt: MqttConfig = MqttConfig()
    staff: StaffConfig = StaffConfig()
    sale: SaleConfig = SaleConfig()
    paths: PathsConfig = PathsConfig()
    ui: UiConfig = UiConfig()

    @field_validator("vat", mode="before")
    @classmethod
    def _vat_bp(cls, value: Any) -> dict[str, int]:
        if not isinstance(value, Mapping) or not value:
            raise ValueError("a table of VAT codes to rates in percent, e.g. standard = 20")
        return {str(code): _percent_to_bp(rate) for code, rate in value.items()}

    def resolve(self, path: str) -> Path:
        """Relative paths in config are relative to the checkout (demo) or absolute (appliance)."""
        candidate = Path(path)
        return candidate if candidate.is_absolute() else REPO_CONFIG.parent / candidate


@dataclass(frozen=True)
class LoadedConfig:
    """The validated configuration and where each layer came from, for the start-up banner."""

    config: KioskConfig
    sources: tuple[str, ...]


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist", "",
                          "Give an existing file or leave the option out.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML", str(exc),
                          "Fix the syntax at the line named.") from None
    except OSError as exc:
        raise ConfigError(f"config file {path} cannot be read", exc.strerror or str(exc)) from None


def _env_layer(environ: Mapping[str, str]) -> dict[str, Any]:
    """``KIOSK__MQTT__HOST=broker`` becomes ``{"mqtt": {"host": "broker"}}``."""
    layer: dict[str, Any] = {}
    for name, raw in sorted(environ.items()):
        if not name.startswith(ENV_PREFIX):
            continue
        keys = [k.lower() for k in name[len(ENV_PREFIX):].split("__") if k]
        if not keys:
            continue
        try:
            value: Any = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw
        node = layer
        for key in keys[:-1]:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                raise ConfigError(f"environment variable {name} conflicts with another", "",
                                  "Remove one of them.")
        node[keys[-1]] = value
    return layer


def _merge(base: dict[str, Any], layer: Mapping[str, Any], source: str,
           provenance: dict[tuple[str, ...], str], prefix: tuple[str, ...] = ()) -> None:
    """Deep-merge ``layer`` into ``base``; tables merge key by key, anything else replaces."""
    for key, value in layer.items():
        path = (*prefix, key)
        if isinstance(value, Mapping) and isinstance(base.get(key), dict) and key != "vat":
            _merge(base[key], value, source, provenance, path)
        else:
            base[key] = dict(value) if isinstance(value, Mapping) else value
            provenance[path] = source


def _source_of(loc: tuple[str | int, ...], provenance: Mapping[tuple[str, ...], str],
               order: Sequence[str]) -> str:
    """The latest layer that set this key, a table above it, or anything inside it."""
    keys = tuple(str(part) for part in loc)
    touching = [source for path, source in provenance.items()
                if path[:len(keys)] == keys or keys[:len(path)] == path]
    return max(touching, key=order.index) if touching else "the defaults"


def _explain(exc: ValidationError, provenance: Mapping[tuple[str, ...], str],
             order: Sequence[str]) -> ConfigError:
    lines = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        key = ".".join(str(part) for part in loc) or "(top level)"
        expected = error["msg"].removeprefix("Value error, ")
        got = error.get("input")
        shown = "" if error["type"] == "missing" else f" = {got!r}"
        lines.append(f"{_source_of(loc, provenance, order)}: {key}{shown}: expected {expected}")
    return ConfigError("the configuration is not valid", "; ".join(lines),
                       "Fix the value named; the kiosk does not start with a bad configuration.")


def load_config(path: Path | None = None, *, environ: Mapping[str, str] | None = None,
                defaults: Path | None = None, system: Path = SYSTEM_CONFIG) -> LoadedConfig:
    """Merge the layers and validate; raises :class:`ConfigError` naming file, key, expectation."""
    environ = os.environ if environ is None else environ
    layers: list[tuple[str, dict[str, Any]]] = []
    default_file = defaults or REPO_CONFIG / "kiosk.toml"
    layers.append((str(default_file), _read_toml(default_file)))
    override = path if path is not None else (system if system.exists() else None)
    if override is not None:
        layers.append((str(override), _read_toml(override)))
    env = _env_layer(environ)
    if env:
        layers.append(("environment variables", env))
    merged: dict[str, Any] = {}
    provenance: dict[tuple[str, ...], str] = {}
    for source, layer in layers:
        _merge(merged, layer, source, provenance)
    try:
        config = KioskConfig.model_validate(merged)
    except ValidationError as exc:
        raise _explain(exc, provenance, [source for source, _ in layers]) from None
    return LoadedConfig(config, tuple(source for source, _ in layers))
