"""Fitting the win chance: L2-regularised logistic regression over one-hot
field values, in plain Python. Pure.

Why logistic regression: naive Bayes multiplies every factor as if the
fields were independent, so correlated fields ("came from a form" and
"source = web") count the same evidence twice and push chances to 0% or
100%. Logistic regression learns all weights together, and with an L2
penalty its chances come out calibrated. It stays explainable: each field
value has one weight, exp(weight) multiplies the odds, and a lead's
weights plus the intercept add up to exactly its log-odds.

How, without numpy: the leads arrive aggregated by their combination of
values (a "pattern" with won and total counts), so the work grows with the
distinct combinations, not the leads. Newton's method converges in a few
steps; the Hessian's diagonal blocks (one field's levels exclude each
other, so each block is diagonal) and the intercept's row are exact, and
the blocks between two fields are exact too up to MAX_EXACT patterns and
estimated from an even sample of them past that. The gradient is always
exact, so the fit converges to the true optimum either way; a step that
does not lower the penalised loss is halved.

Where the time goes at 400k closed leads (about 240k patterns): each step
reads every pattern, so the patterns are read per block of fields
(patterns.py), the values' counts too, and the sampled curvature is
factored once, not at every step.
"""

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, combinations, compress
from operator import add, itemgetter, mul, sub, truediv

from leadtui.domain.patterns import Coded, Column, Steps, block_totals, in_blocks

# The L2 penalty (λ/2)·Σw² on the summed loss: scikit-learn's C = 1/λ.
L2 = 1.0
# A value seen in fewer training leads than this is pooled with the other
# rare values of its field: a handful of leads is noise, not evidence.
POOL_BELOW = 10
# The name of the pooled level (parenthesised, like "(none)", so it can
# never be mistaken for a value someone typed).
OTHER = "(other)"
# Up to this many patterns the Hessian is exact (Newton converges in a few
# steps); past it, the blocks between fields come from an even sample.
MAX_EXACT = 20_000
# A value found in at most this many patterns is sampled whole.
RARE_PATTERNS = 200
MAX_ITERATIONS = 100
# The intercept is all but unpenalised (so the chances of the training leads
# add up to the wins); this sliver keeps it finite when every lead won.
INTERCEPT_SHARE = 1e-6
# Converged when no weight moves more than this in a step (a chance moves
# by a quarter of it at most).
TOLERANCE = 1e-6

# {values of every feature, in order: (won, total)}
Patterns = Mapping[tuple[str, ...], tuple[int, int]]


@dataclass(frozen=True)
class Fitted:
    intercept: float
    # {feature: {level: weight}}, each feature's weights centred on its
    # training mix, so 0 is "as the average lead" and the intercept is the
    # log-odds of a lead average in everything.
    weights: dict[str, dict[str, float]]
    # {feature: {level: (won, lost)}} over the training leads, rare values pooled.
    counts: dict[str, dict[str, tuple[int, int]]]
    iterations: int
    # Per field, in the patterns' order: {value: (won, total)}, nothing
    # pooled (the leak check reads them; counting them again costs as much
    # as a quarter of the fit at 400k leads).
    marginals: tuple[dict[str, tuple[float, float]], ...] = ()


def pooled(value: str, levels: Mapping[str, object]) -> str | None:
    """The level a value counts as: itself if learned, else the pooled rare
    values if there are any, else None (no evidence either way)."""
    if value in levels:
        return value
    return OTHER if OTHER in levels else None


def fit(
    names: Sequence[str], patterns: Patterns, *, l2: float = L2, pool_below: int = POOL_BELOW
) -> Fitted:
    keys = list(patterns)
    won = [float(won) for won, _ in patterns.values()]
    total = [float(total) for _, total in patterns.values()]
    # One field at a time (itemgetter in C) rather than zip(*keys), which
    # builds a tuple per pattern per field.
    raw = [list(map(itemgetter(position), keys)) for position in range(len(names))]
    if len(keys) <= MAX_EXACT:
        columns = [Column(column) for column in raw]
        totals = [_totals(column, won, total) for column in columns]
        layout = _Layout(names, columns, totals, pool_below)
        design = _Design(layout, columns, won, total)
        beta, iterations = _newton(design, l2, design)
        return layout.centred(beta, iterations)
    # Past MAX_EXACT patterns the curvature comes from a sample of them:
    # first the sample's own optimum (a few exact steps), then steps on the
    # full data, each with the exact gradient, until none moves. Those steps
    # share one curvature, the sample's at its optimum, factored once: the
    # weights move too little by then to change it. The full data is only
    # ever read per block of fields, its values' counts included.
    coded = [Coded(column) for column in raw]
    blocks = in_blocks(coded, range(len(coded)), len(keys))
    layout = _Layout(names, coded, block_totals(coded, blocks, won, total), pool_below)
    rows, weights = _sample(coded, len(keys))
    sample = _Design(
        layout, [Column([column[i] for i in rows]) for column in raw],
        [won[i] * w for i, w in zip(rows, weights, strict=True)],
        [total[i] * w for i, w in zip(rows, weights, strict=True)],
    )  # fmt: skip
    start, _ = _newton(sample, l2, sample)
    for block in blocks:
        block.bind(layout.parameter_of(coded))
    beta, iterations = _newton(Steps(layout.size, won, total, blocks), l2, sample, start)
    return layout.centred(beta, iterations)


def _sample(columns: Sequence["Coded"], n: int) -> tuple[list[int], list[float]]:
    """About MAX_EXACT patterns standing for all n, with weights: every
    pattern of a value found in few patterns (a sample could miss it, and
    its curvature with it), then an even stride through the rest, each of
    those counting for the rest's size over the stride's."""
    forced: set[int] = set()
    for column in columns:
        rare = {value for value, count in Counter(column.index).items() if count <= RARE_PATTERNS}
        if rare:
            forced.update(compress(range(n), map(rare.__contains__, column.index)))
    rest = [i for i in range(n) if i not in forced]
    stride = rest[:: max(1, -(-len(rest) // max(1, MAX_EXACT - len(forced))))]
    weight = len(rest) / len(stride) if stride else 1.0
    rows = sorted(forced) + stride
    return rows, [1.0] * len(forced) + [weight] * len(stride)


def marginals(patterns: Patterns, width: int) -> tuple[dict[str, tuple[float, float]], ...]:
    """Per field: {value: (won, total)} over the patterns (Fitted.marginals)."""
    keys = list(patterns)
    won = [float(won) for won, _ in patterns.values()]
    total = [float(total) for _, total in patterns.values()]
    return tuple(
        _totals(Column(list(map(itemgetter(position), keys))), won, total)
        for position in range(width)
    )


def _totals(
    column: Column, won: Sequence[float], total: Sequence[float]
) -> dict[str, tuple[float, float]]:
    return {
        value: (sum(map(won.__getitem__, members)), sum(map(total.__getitem__, members)))
        for value, members in zip(column.values, column.members, strict=True)
    }


class _Layout:
    """Which parameter each field value has: 0 is the intercept, then every
    kept level of every field that has at least two (rare values pooled)."""

    def __init__(
        self, names: Sequence[str], columns: Sequence[Coded],
        totals: Sequence[dict[str, tuple[float, float]]], pool_below: int,
    ) -> None:  # fmt: skip
        """`totals`: per column, {value: (won, total)}."""
        self.features: list[str] = []
        self.levels: list[list[str]] = []  # per feature, its kept levels in order
        self.parameters: list[dict[str, int]] = []  # per feature, each value's parameter
        self.counts: dict[str, dict[str, tuple[int, int]]] = {}
        self.positions: list[int] = []  # per feature, its column in the patterns
        self.first: list[int] = []  # per feature, its first parameter
        self.marginals: list[dict[str, tuple[float, float]]] = []  # per column
        self.size = 1
        for position, (name, column) in enumerate(zip(names, columns, strict=True)):
            self.marginals.append(totals[position])
            if self._add_feature(name, column, totals[position], pool_below):
                self.positions.append(position)

    def _add_feature(
        self, name: str, column: Coded, totals: dict[str, tuple[float, float]], pool_below: int
    ) -> bool:
        """Pool a field's rare values; True if it has two levels or more to learn."""
        kept = [value for value in column.values if totals[value][1] >= pool_below]
        rare = [value for value in column.values if totals[value][1] < pool_below]
        levels = kept + ([OTHER] if rare else [])
        counts = {value: totals[value] for value in kept}
        if rare:
            counts[OTHER] = (sum(totals[v][0] for v in rare), sum(totals[v][1] for v in rare))
        self.counts[name] = {level: (int(w), int(t - w)) for level, (w, t) in counts.items()}
        if len(levels) < 2:
            return False  # one level for every lead says nothing the intercept does not
        self.first.append(self.size)
        parameter = {level: self.size + offset for offset, level in enumerate(levels)}
        for value in rare:
            parameter[value] = parameter[OTHER]
        self.features.append(name)
        self.levels.append(levels)
        self.parameters.append(parameter)
        self.size += len(levels)
        return True

    def parameter_of(self, columns: Sequence[Coded]) -> list[list[int] | None]:
        """Per column, each value's parameter (by the value's number), or
        None for a column not learned."""
        found: list[list[int] | None] = [None] * len(columns)
        for parameter, position in zip(self.parameters, self.positions, strict=True):
            found[position] = [parameter[value] for value in columns[position].values]
        return found

    def centred(self, beta: Sequence[float], iterations: int) -> Fitted:
        intercept = beta[0]
        weights: dict[str, dict[str, float]] = {}
        parameter = 1
        for name, levels in zip(self.features, self.levels, strict=True):
            raw = beta[parameter : parameter + len(levels)]
            sizes = [sum(self.counts[name][level]) for level in levels]
            mean = sum(map(mul, raw, sizes)) / sum(sizes)
            intercept += mean
            weights[name] = {level: w - mean for level, w in zip(levels, raw, strict=True)}
            parameter += len(levels)
        return Fitted(intercept, weights, self.counts, iterations, tuple(self.marginals))


class _Design(Steps):
    """Patterns few enough for the exact curvature: in one-hot form, each
    pattern's parameter per field and each parameter's patterns."""

    def __init__(
        self, layout: _Layout, columns: Sequence[Column], won: list[float], total: list[float]
    ) -> None:
        blocks = in_blocks(columns, layout.positions, len(won))
        for block in blocks:
            block.bind(layout.parameter_of(columns))
        super().__init__(layout.size, won, total, blocks)
        self.index: list[list[int]] = []
        self.members: list[list[int]] = [list(range(self.n))] + [[] for _ in range(self.size - 1)]
        for parameter, position in zip(layout.parameters, layout.positions, strict=True):
            column = columns[position]
            of_value = [parameter[value] for value in column.values]
            self.index.append(list(map(of_value.__getitem__, column.index)))
            for number, members in zip(of_value, column.members, strict=True):
                self.members[number].extend(members)
        # For each pair of fields, the patterns per pair of their levels: the
        # Hessian's blocks between fields are sums over these.
        # Sorted by a joint code (in C), each pair of levels is a run of the
        # order, as long as its count; a run's sum is a difference of
        # running totals.
        self.pairs: list[tuple[list[int], list[tuple[int, int, int, int]]]] = []
        size = self.size
        for first, second in combinations(self.index, 2):
            codes = list(map(add, map(size.__mul__, first), second))
            order = sorted(range(self.n), key=codes.__getitem__)
            runs = []
            start = 0
            for code, length in sorted(Counter(codes).items()):
                runs.append((*divmod(code, size), start, start + length))
                start += length
            self.pairs.append((order, runs))


# Past this |log-odds| exp() would overflow; the fast path needs all below.
_EXP_SAFE = 700.0


def _softplus(x: float) -> float:
    """log(1 + e^x) without overflow."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    z = math.exp(x)
    return z / (1 + z)


def _probabilities(eta: list[float]) -> list[float]:
    # map() over C functions: a Python call per pattern would cost more
    # than everything else in an iteration.
    if max(map(abs, eta), default=0.0) < _EXP_SAFE:
        odds = list(map(math.exp, eta))
        return list(map(truediv, odds, map((1.0).__add__, odds)))
    return list(map(_sigmoid, eta))


def _loss(design: Steps, beta: Sequence[float], eta: list[float], l2: float) -> float:
    """The penalised negative log-likelihood."""
    if max(map(abs, eta), default=0.0) < _EXP_SAFE:
        softplus = map(math.log1p, map(math.exp, eta))
    else:
        softplus = map(_softplus, eta)
    data = math.fsum(map(mul, design.total, softplus)) - math.fsum(map(mul, design.won, eta))
    penalty = math.fsum(w * w for w in beta[1:]) + INTERCEPT_SHARE * beta[0] * beta[0]
    return data + l2 / 2 * penalty


def _newton(
    design: Steps, l2: float, curvature: _Design, start: list[float] | None = None
) -> tuple[list[float], int]:
    """Minimise the penalised loss over `design`, the curvature taken from
    `curvature`: the design itself (exact, at every step), or a weighted
    sample of its patterns (at the start, for every step)."""
    rate = (sum(design.won) + 0.5) / (sum(design.total) + 1.0)
    beta = start or [math.log(rate / (1 - rate))] + [0.0] * (design.size - 1)
    eta = design.log_odds(beta)
    loss = _loss(design, beta, eta, l2)
    fixed = None
    if curvature is not design:
        fixed = _factor(_hessian(curvature, _probabilities(curvature.log_odds(beta)), l2))
    for iteration in range(1, MAX_ITERATIONS + 1):
        p = _probabilities(eta)
        residual = list(map(sub, map(mul, design.total, p), design.won))
        gradient = design.gradient(residual)
        gradient[0] += l2 * INTERCEPT_SHARE * beta[0]
        for parameter in range(1, design.size):
            gradient[parameter] += l2 * beta[parameter]
        step = _substitute(fixed or _factor(_hessian(curvature, p, l2)), gradient)
        shrink = 1.0
        while True:
            trial = [w - shrink * d for w, d in zip(beta, step, strict=True)]
            trial_eta = design.log_odds(trial)
            trial_loss = _loss(design, trial, trial_eta, l2)
            if trial_loss <= loss or shrink < 1e-9:
                break
            shrink /= 2
        if trial_loss > loss:
            return beta, iteration  # no step lowers the loss: at its floating-point optimum
        beta, eta, loss = trial, trial_eta, trial_loss
        if max(map(abs, step)) * shrink < TOLERANCE:
            return beta, iteration
    return beta, MAX_ITERATIONS


def _hessian(design: _Design, p: list[float], l2: float) -> list[list[float]]:
    """X'VX + λI (the intercept all but unpenalised)."""
    size = design.size
    expected = map(mul, design.total, p)
    weight = list(map(mul, expected, map((1.0).__sub__, p)))
    hessian = [[0.0] * size for _ in range(size)]
    for parameter, members in enumerate(design.members):
        value = sum(map(weight.__getitem__, members))
        hessian[parameter][parameter] = value + (l2 if parameter else l2 * INTERCEPT_SHARE)
        hessian[0][parameter] = hessian[parameter][0] = value
    for order, runs in design.pairs:
        running = list(accumulate(map(weight.__getitem__, order), initial=0.0))
        for a, b, start, end in runs:
            hessian[a][b] = hessian[b][a] = running[end] - running[start]
    return hessian


def _factor(matrix: list[list[float]]) -> list[list[float]]:
    """The Cholesky factor of a symmetric positive definite matrix. A matrix
    made indefinite by the sampled blocks is damped towards its diagonal
    until it is not."""
    damping = 0.0
    while True:
        factor = _cholesky(matrix, damping)
        if factor is not None:
            return factor
        damping = max(2 * damping, 1e-6)


def _substitute(factor: list[list[float]], vector: list[float]) -> list[float]:
    """Solve L·L'·x = vector, given the Cholesky factor L."""
    size = len(vector)
    forward = [0.0] * size
    for i in range(size):
        row = factor[i]
        forward[i] = (vector[i] - sum(map(mul, row[:i], forward[:i]))) / row[i]
    solution = [0.0] * size
    for i in reversed(range(size)):
        tail = math.fsum(factor[j][i] * solution[j] for j in range(i + 1, size))
        solution[i] = (forward[i] - tail) / factor[i][i]
    return solution


def _cholesky(matrix: list[list[float]], damping: float) -> list[list[float]] | None:
    size = len(matrix)
    factor: list[list[float]] = [[] for _ in range(size)]
    for i in range(size):
        row_i = factor[i]
        for j in range(i):
            row_j = factor[j]
            row_i.append((matrix[i][j] - sum(map(mul, row_i[:j], row_j[:j]))) / row_j[j])
        pivot = matrix[i][i] * (1 + damping) - sum(map(mul, row_i, row_i))
        if pivot <= 0:
            return None
        row_i.append(math.sqrt(pivot))
    return factor
