"""Random draws keyed by what they are for, so that two scenarios run with one seed stay in step.

Each subsystem (movement, combat, air, defection, population) has its own Philox counter-based
generator keyed by the run's seed and the subsystem; a draw is addressed by the day and what it
concerns (an engagement's cell, a unit's id), not by how many draws came before it. Where two
scenarios differ, only the draws that concern the difference change: a unit's defection draw on a
day is the same in both whether or not some other unit elsewhere fought that day. This is what
makes common random numbers sharpen comparisons (the paired intervals of ``sim.experiments.compare``).
"""

from __future__ import annotations

import numpy as np

#: The master seed every command and the app use unless told otherwise (the campaign's day 0, 2017-09-10).
DEFAULT_SEED = 20170910
STREAMS = ("movement", "combat", "air", "defection", "population")


class KeyedDraws:
    """Generators and uniforms addressed by (stream, day, keys...) for one run's seed."""

    def __init__(self, seed: int):
        children = np.random.SeedSequence(seed).spawn(len(STREAMS))
        self._keys = {name: child.generate_state(2, dtype=np.uint64)
                      for name, child in zip(STREAMS, children, strict=True)}
        self._generators = {name: np.random.Generator(np.random.Philox(key=key)) for name, key in self._keys.items()}
        self._uniforms: dict[tuple[str, int], np.ndarray] = {}
        self._counter = [0, 0, 0, 0]
        self._states = {  # each stream's fresh state, reused for every reset (building one is slower); plain
            # lists rather than arrays, which the state setter reads word by word faster
            name: {"bit_generator": "Philox", "state": {"counter": self._counter, "key": key.tolist()},
                   "buffer": [0, 0, 0, 0], "buffer_pos": 4, "has_uint32": 0, "uinteger": 0}
            for name, key in self._keys.items()}

    def generator(self, stream: str, day: int, *keys: int) -> np.random.Generator:
        """A generator for one purpose: the same (stream, day, keys) always gives the same draws.

        The purpose (day and up to two non-negative keys) is the upper three words of Philox's 256-bit
        counter; the generator counts its draws in the lowest word, so one purpose's draws never run
        into another's (2**64 blocks of four draws before they could). The stream's one generator is
        reset to the purpose's counter (cheaper than building one): use it at once, before asking for
        another of the same stream."""
        if len(keys) > 2:
            raise ValueError(f"a draw is addressed by a day and at most two keys, not {len(keys)}")
        counter = self._counter  # set in place: the state setter copies it into the bit generator
        counter[1] = int(day)
        counter[2] = int(keys[0]) if keys else 0
        counter[3] = int(keys[1]) if len(keys) > 1 else 0
        generator = self._generators[stream]
        generator.bit_generator.state = self._states[stream]
        return generator

    def uniform(self, stream: str, day: int, index: int) -> float:
        """A uniform draw in [0, 1) for an entity (e.g. a unit's id) on a day."""
        return float(self.uniforms(stream, day, index + 1)[index])

    def uniforms(self, stream: str, day: int, size: int) -> np.ndarray:
        """The day's uniform draws of a stream, at least ``size`` of them, indexed by entity id."""
        key = (stream, int(day))
        values = self._uniforms.get(key)
        if values is None or values.size < size:
            values = self.generator(stream, day, 1 << 30).random(max(size, 256) * 2)
            self._uniforms = {k: v for k, v in self._uniforms.items() if k[1] == day}  # keep today's only
            self._uniforms[key] = values
        return values
