"""The event loop: effects run in order, and nothing after a durable write runs before it lands."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from dataclasses import dataclass, field

from kiosk.loop import DurableWriteFailed, EventLoop


@dataclass(frozen=True)
class Record:
    name: str


@dataclass(frozen=True)
class Show:
    name: str


@dataclass
class Out:
    session: int
    effects: tuple = ()
    rejected: object = None


@dataclass
class World:
    shown: list[str] = field(default_factory=list)
    writes: list[Future] = field(default_factory=list)
    failures: list[DurableWriteFailed] = field(default_factory=list)

    def loop(self) -> EventLoop:
        def step(session: int, event: str) -> Out:
            return Out(session + 1, (Show("before"), Record(event), Show(f"paid {event}")))

        def record(effect: Record) -> Future:
            future: Future = Future()
            self.writes.append(future)
            return future

        return EventLoop(0, step, {Record: record, Show: lambda e: self.shown.append(e.name)},
                         on_failure=self.failures.append)


def test_effects_after_a_durable_write_wait_for_it() -> None:
    world = World()
    loop = world.loop()
    loop.post("sale-1")
    loop.drain()
    assert world.shown == ["before"]  # "paid" must not show while the write is outstanding
    assert not loop.idle
    world.writes[0].set_result(None)
    loop.drain()
    assert world.shown == ["before", "paid sale-1"]
    assert loop.idle


def test_a_failed_durable_write_drops_what_depended_on_it_and_says_so() -> None:
    world = World()
    loop = world.loop()
    loop.post("sale-2")
    loop.drain()
    world.writes[0].set_exception(OSError("disk full"))
    loop.drain()
    assert world.shown == ["before"]
    assert [str(f.error) for f in world.failures] == ["disk full"]
    assert world.failures[0].dropped == (Show("paid sale-2"),)


def test_the_write_may_complete_on_another_thread() -> None:
    world = World()
    loop = world.loop()
    loop.post("sale-3")
    loop.drain()
    thread = threading.Thread(target=world.writes[0].set_result, args=(None,))
    thread.start()
    thread.join()
    assert loop.run_once(timeout=5)
    assert world.shown[-1] == "paid sale-3"
    assert loop.session == 1
