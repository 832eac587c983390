"""The state one demo run passes to every domain generator, and the allocation helpers they share."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field

from qogam.core.rules import make_bin

DEFAULT_SEED = 2026


def allocate(total: int, weights: Mapping[Hashable, float], *, minimum: int = 0) -> dict:
    """Split `total` into whole counts proportional to `weights` (largest remainder method).

    When `total` allows it, every key gets at least `minimum`, taken from the largest counts; a
    proportional split that already gives every key its minimum is left as it is. Ties go to the
    earlier key, so the result depends only on the arguments. The counts always sum to `total`.
    """
    keys = list(weights)
    if total < 0:
        raise ValueError("total must not be negative")
    if not keys:
        if total:
            raise ValueError("nothing to allocate to")
        return {}
    if any(w < 0 for w in weights.values()):
        raise ValueError("weights must not be negative")
    weight_sum = float(sum(weights.values()))
    if weight_sum <= 0:
        weight_sum, weights = float(len(keys)), dict.fromkeys(keys, 1.0)
    shares = {k: total * weights[k] / weight_sum for k in keys}
    counts = {k: int(shares[k]) for k in keys}
    leftover = total - sum(counts.values())
    order = sorted(range(len(keys)), key=lambda i: (-(shares[keys[i]] - counts[keys[i]]), i))
    for i in order[:leftover]:
        counts[keys[i]] += 1
    if total >= minimum * len(keys):
        # Raise the keys below the minimum one by one, taking from the largest count each time.
        for k in keys:
            while counts[k] < minimum:
                donor = max(keys, key=lambda d: (counts[d], -keys.index(d)))
                counts[donor] -= 1
                counts[k] += 1
    return counts


def spread(total: int, weights: Mapping[Hashable, float], rng: random.Random, *, minimum: int = 0) -> list:
    """`allocate`, expanded into a shuffled list of keys (one per item)."""
    items = [key for key, n in allocate(total, weights, minimum=minimum).items() for _ in range(n)]
    rng.shuffle(items)
    return items


def weighted_sample(items: Sequence, k: int, weight: Callable[[object], float], rng: random.Random) -> list:
    """k distinct items, each drawn with probability proportional to its weight (Efraimidis–Spirakis)."""
    if k <= 0:
        return []
    keyed = [(rng.random() ** (1.0 / weight(item)), i) for i, item in enumerate(items) if weight(item) > 0]
    keyed.sort(reverse=True)
    return [items[i] for _, i in keyed[:k]]


def months_back(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` before the month of `day`."""
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def weekday_on_or_before(day: dt.date) -> dt.date:
    """Registrations happen on weekdays: a Saturday or Sunday becomes the Friday before."""
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


class BinAllocator:
    """Unique, valid BINs whose digits 1–4 are the registration year and month (DOMAIN §2)."""

    def __init__(self, rng: random.Random, taken: set[str] | None = None):
        self._rng = rng
        self._next: dict[tuple[str, int, int], int] = {}
        self.taken: set[str] = set(taken or ())

    def new(self, registered: dt.date, *, entity_type: int = 4, subdivision: int = 0) -> str:
        key = (registered.strftime("%y%m"), entity_type, subdivision)
        serial = self._next.get(key, self._rng.randint(1, 400))
        for _attempt in range(2000):
            serial += self._rng.randint(1, 9)
            if serial >= 99_000:
                serial = self._rng.randint(1, 999)
            bin_ = make_bin(registered.year, registered.month, serial, entity_type=entity_type,
                            subdivision=subdivision)
            serial = int(bin_[6:11])
            if bin_ not in self.taken:
                self.taken.add(bin_)
                self._next[key] = serial
                return bin_
        raise RuntimeError(f"no free BIN left for {key}")  # pragma: no cover - 99,000 serials per month


@dataclass
class DemoContext:
    """What every `generate(ctx)` receives: the seed, the scale, the date and what exists so far.

    Each domain draws from its own random stream (`ctx.rng("registry")`), so adding a generator for
    a new mechanism never changes the data of the generators before it.
    """

    seed: int = DEFAULT_SEED
    scale: float = 1.0
    today: dt.date = field(default_factory=dt.date.today)
    log: Callable[[str], None] = lambda message: None
    objects: dict[str, object] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        if not self.scale > 0:
            raise ValueError("the scale must be a positive number")
        self._streams: dict[str, random.Random] = {}
        self.bins = BinAllocator(random.Random(f"{self.seed}:bins"))

    def rng(self, domain: str) -> random.Random:
        if domain not in self._streams:
            self._streams[domain] = random.Random(f"{self.seed}:{domain}")
        return self._streams[domain]

    def scaled(self, volume: float, *, minimum: int = 1) -> int:
        """A default volume at this run's scale, never below `minimum`."""
        return max(minimum, round(volume * self.scale))

    @property
    def horizon(self) -> dt.date:
        """The last day anything is registered: the demo's register is a few months old."""
        return months_back(self.today, 3) - dt.timedelta(days=1)

    def count(self, key: str, n: int) -> None:
        self.counts[key] = self.counts.get(key, 0) + n
