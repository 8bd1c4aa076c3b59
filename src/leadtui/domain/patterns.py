"""The patterns of a logistic fit, coded and read in blocks. Pure.

A pattern is one combination of field values with its wins and leads
(logistic.py). Each field is coded as numbers once; a step of the fit reads
every pattern, so fields are read together in blocks (a few fields whose
combinations of values are few): a step then reads each pattern once per
block rather than once per field, and never in a Python loop of its own.
"""

from collections.abc import Iterable, Sequence
from itertools import repeat


class Coded:
    """One field over the patterns: its distinct values and each pattern's
    value (as a number)."""

    def __init__(self, column: Sequence[str]) -> None:
        self.values = sorted(set(column))
        number = {value: i for i, value in enumerate(self.values)}
        self.index = list(map(number.__getitem__, column))


class Column(Coded):
    """A field as Coded, with each value's patterns too."""

    def __init__(self, column: Sequence[str]) -> None:
        super().__init__(column)
        self.members: list[list[int]] = [[] for _ in self.values]
        for position, value in enumerate(self.index):
            self.members[value].append(position)


class Steps:
    """What a step reads: each pattern's wins and leads, and its fields in
    blocks (a few fields whose combinations of values are few), so that a
    step reads each pattern once per block rather than once per field."""

    def __init__(
        self, size: int, won: list[float], total: list[float], blocks: Sequence["Block"]
    ) -> None:
        self.size = size
        self.won = won
        self.total = total
        self.n = len(won)
        self.blocks = blocks

    def log_odds(self, beta: Sequence[float]) -> list[float]:
        # Each block's combinations are few: their log-odds are summed once,
        # then a pattern's is one sum over its blocks (zip and sum in C).
        looked_up = [map(block.log_odds(beta).__getitem__, block.code) for block in self.blocks]
        return list(map(sum, zip(repeat(beta[0], self.n), *looked_up, strict=True)))

    def gradient(self, residual: list[float]) -> list[float]:
        """X'·residual: each parameter's sum over its patterns, from each
        block's sums per combination."""
        gradient = [0.0] * self.size
        gradient[0] = sum(residual)
        for block in self.blocks:
            for parameters, members in zip(block.combinations, block.members, strict=True):
                part = sum(map(residual.__getitem__, members))
                for parameter in parameters:
                    gradient[parameter] += part
        return gradient


# A block of fields may have up to the patterns over this many combinations
# of their values: fewer blocks than fields means fewer passes over the
# patterns per step, and their combinations stay cheap to sum.
BLOCK_SHARE = 16


def in_blocks(columns: Sequence[Coded], positions: Iterable[int], n: int) -> list["Block"]:
    """The columns at `positions` in blocks whose combinations of values
    number at most n / BLOCK_SHARE (a column with more is a block alone),
    the columns with the most values placed first."""
    groups: list[list[int]] = []
    products: list[int] = []
    most = n // BLOCK_SHARE
    for position in sorted(positions, key=lambda position: -len(columns[position].values)):
        size = len(columns[position].values)
        for number, product in enumerate(products):
            if product * size <= most:
                groups[number].append(position)
                products[number] *= size
                break
        else:
            groups.append([position])
            products.append(size)
    return [Block(columns, group) for group in groups]


class Block:
    """Some columns together: each pattern's combination of their values (a
    number: the values' numbers in mixed radix), and for each combination
    found, the values' numbers, its patterns and (once bound to a layout)
    its parameters."""

    def __init__(self, columns: Sequence[Coded], positions: Sequence[int]) -> None:
        self.positions = positions
        radix = 1
        scaled = []
        for position in positions:
            scaled.append(map(radix.__mul__, columns[position].index))
            radix *= len(columns[position].values)
        self.size = radix
        self.code = list(map(sum, zip(*scaled, strict=True)))
        self.found = sorted(set(self.code))
        slot = dict(zip(self.found, range(len(self.found)), strict=True))
        self.members: list[list[int]] = [[] for _ in self.found]
        for position, code in enumerate(self.code):
            self.members[slot[code]].append(position)
        self.values: list[tuple[int, ...]] = []  # per combination found
        for code in self.found:
            numbers = []
            for position in positions:
                code, number = divmod(code, len(columns[position].values))
                numbers.append(number)
            self.values.append(tuple(numbers))
        self.combinations: list[tuple[int, ...]] = []

    def bind(self, parameter_of: Sequence[Sequence[int] | None]) -> None:
        """Each combination's parameters (Layout.parameter_of: per column,
        each value's parameter, None for a column not learned)."""
        learned = [
            (index, parameters)
            for index, parameters in enumerate(parameter_of[p] for p in self.positions)
            if parameters is not None
        ]
        self.combinations = [
            tuple(parameters[numbers[index]] for index, parameters in learned)
            for numbers in self.values
        ]

    def log_odds(self, beta: Sequence[float]) -> list[float]:
        """Each combination's share of the log-odds, by its number."""
        table = [0.0] * self.size
        for code, parameters in zip(self.found, self.combinations, strict=True):
            table[code] = sum(map(beta.__getitem__, parameters))
        return table


def block_totals(
    columns: Sequence[Coded], blocks: Sequence[Block], won: list[float], total: list[float]
) -> list[dict[str, tuple[float, float]]]:
    """Per column, {value: (won, total)}, from each block's sums per
    combination (the counts are whole numbers: any order sums them exactly)."""
    found: list[dict[str, tuple[float, float]]] = [{} for _ in columns]
    for block in blocks:
        wins = [sum(map(won.__getitem__, members)) for members in block.members]
        leads = [sum(map(total.__getitem__, members)) for members in block.members]
        for index, position in enumerate(block.positions):
            values = columns[position].values
            sums = [[0.0, 0.0] for _ in values]
            for numbers, w, t in zip(block.values, wins, leads, strict=True):
                pair = sums[numbers[index]]
                pair[0] += w
                pair[1] += t
            found[position] = {value: (w, t) for value, (w, t) in zip(values, sums, strict=True)}
    return found
