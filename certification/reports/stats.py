"""Small statistics for the training-impact report: pure functions, no Django, no SciPy.

Only the 95 % level is offered, so the one quantile needed is t(0.975, df). Up to 30
degrees of freedom it comes from the printed table (a fractional df, as Welch's gives, is
rounded down: the interval gets slightly wider, never narrower); above 30 from the
Cornish–Fisher series around the normal quantile, which agrees with the table to 4
decimals at df = 30 and tends to 1.96. The method is explained in docs/impact-method.md.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

# Fewer people than this and the report says it cannot conclude, whatever the interval.
MIN_PEOPLE = 5

Z_975 = 1.959963984540054

# t(0.975, df) for df = 1..30 (four decimals, from the standard table).
T_975 = (
    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
    2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
    2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
)  # fmt: skip

# Verdicts, independent of whether a rise is good (the caller knows the KPI's direction).
TOO_SMALL = "too_small"
NO_CLEAR_CHANGE = "no_clear_change"
INCREASE = "increase"
DECREASE = "decrease"


def mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def sample_sd(values: Sequence[float]) -> float | None:
    """Standard deviation with n − 1 in the denominator (None below two values)."""
    if len(values) < 2:
        return None
    centre = math.fsum(values) / len(values)
    return math.sqrt(math.fsum((v - centre) ** 2 for v in values) / (len(values) - 1))


def t_quantile_975(df: float) -> float:
    """The two-sided 95 % critical value of Student's t with ``df`` degrees of freedom."""
    if df < 1:
        raise ValueError("t needs at least one degree of freedom")
    if df <= 30:
        return T_975[math.floor(df) - 1]
    z = Z_975
    return (
        z
        + (z**3 + z) / (4 * df)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3)
        + (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / (92160 * df**4)
    )


def _verdict(n_smallest: int, low: float | None, high: float | None, min_n: int) -> str:
    if n_smallest < min_n or low is None or high is None:
        return TOO_SMALL
    if low <= 0 <= high:
        return NO_CLEAR_CHANGE
    return INCREASE if low > 0 else DECREASE


@dataclass(frozen=True)
class MeanInterval:
    """A mean with its 95 % interval (one group: a bucket, or a set of differences)."""

    n: int
    mean: float | None
    sd: float | None
    se: float | None
    df: int | None
    t: float | None
    low: float | None
    high: float | None


def mean_interval(values: Sequence[float]) -> MeanInterval:
    n = len(values)
    centre, sd = mean(values), sample_sd(values)
    if sd is None or centre is None:
        return MeanInterval(n, centre, None, None, None, None, None, None)
    se = sd / math.sqrt(n)
    t = t_quantile_975(n - 1)
    return MeanInterval(n, centre, sd, se, n - 1, t, centre - t * se, centre + t * se)


@dataclass(frozen=True)
class Paired:
    """The same people measured before and after: the mean of (after − before)."""

    n: int
    mean_before: float | None
    mean_after: float | None
    difference: MeanInterval
    verdict: str

    @property
    def mean_difference(self) -> float | None:
        return self.difference.mean


def paired(before: Sequence[float], after: Sequence[float], *, min_n: int = MIN_PEOPLE) -> Paired:
    if len(before) != len(after):
        raise ValueError("a paired comparison needs one before and one after per person")
    changes = [a - b for b, a in zip(before, after, strict=True)]
    interval = mean_interval(changes)
    return Paired(
        n=len(changes),
        mean_before=mean(before),
        mean_after=mean(after),
        difference=interval,
        verdict=_verdict(len(changes), interval.low, interval.high, min_n),
    )


@dataclass(frozen=True)
class TwoGroups:
    """Welch's interval for mean(a) − mean(b), unequal variances allowed."""

    n_a: int
    n_b: int
    mean_a: float | None
    mean_b: float | None
    difference: float | None
    se: float | None
    df: float | None
    t: float | None
    low: float | None
    high: float | None
    verdict: str


def welch(a: Sequence[float], b: Sequence[float], *, min_n: int = MIN_PEOPLE) -> TwoGroups:
    mean_a, mean_b = mean(a), mean(b)
    sd_a, sd_b = sample_sd(a), sample_sd(b)
    if mean_a is None or mean_b is None or sd_a is None or sd_b is None:
        return TwoGroups(
            len(a), len(b), mean_a, mean_b, None, None, None, None, None, None, TOO_SMALL
        )
    va, vb = sd_a**2 / len(a), sd_b**2 / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        # Nobody varies: Welch's df is undefined; the pooled df is the natural stand-in.
        df: float = len(a) + len(b) - 2
    else:
        df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    t = t_quantile_975(df)
    difference = mean_a - mean_b
    low, high = difference - t * se, difference + t * se
    return TwoGroups(
        n_a=len(a),
        n_b=len(b),
        mean_a=mean_a,
        mean_b=mean_b,
        difference=difference,
        se=se,
        df=df,
        t=t,
        low=low,
        high=high,
        verdict=_verdict(min(len(a), len(b)), low, high, min_n),
    )
