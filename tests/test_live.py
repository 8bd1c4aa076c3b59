"""Where a lead a teammate changed falls in the rows a pane shows
(tui/live.py): redrawn in place only while it still sorts between its
neighbours; a lead not shown counts as entering only inside the loaded
range, or past an end with nothing beyond it."""

from leadtui.domain.models import Lead
from leadtui.tui import live


def lead(lead_id: int, score: int) -> Lead:
    return Lead.model_construct(id=lead_id, score=score)


# Ranked by score, largest first, then by id, largest first.
SHOWN = [lead(9, 90), lead(7, 70), lead(5, 70), lead(2, 40)]


def test_a_lead_stays_put_while_it_sorts_between_its_neighbours() -> None:
    assert live.stays_put(SHOWN, 1, lead(7, 80), "score")
    assert live.stays_put(SHOWN, 0, lead(9, 100), "score")  # the first has no upper neighbour
    assert live.stays_put(SHOWN, 3, lead(2, 0), "score")
    assert not live.stays_put(SHOWN, 1, lead(7, 95), "score")  # now above #9
    assert live.stays_put(SHOWN, 2, lead(5, 70), "score")  # a tie: the larger id first
    assert not live.stays_put(SHOWN, 2, lead(5, 75), "score")  # now above #7


def test_a_lead_not_shown_enters_only_inside_the_loaded_range() -> None:
    inside, above, below = lead(3, 60), lead(4, 99), lead(1, 10)
    assert live.falls_within(SHOWN, inside, "score", more_above=True, more_below=True)
    assert live.falls_within(SHOWN, above, "score", more_above=False, more_below=True)
    assert not live.falls_within(SHOWN, above, "score", more_above=True, more_below=False)
    assert not live.falls_within(SHOWN, below, "score", more_above=False, more_below=True)
    assert live.falls_within(SHOWN, below, "score", more_above=True, more_below=False)
    assert live.falls_within([], inside, "score", more_above=False, more_below=False)
    assert not live.falls_within([], inside, "score", more_above=False, more_below=True)


def test_an_ascending_order_compares_the_other_way() -> None:
    assert live.before((1, 5), (2, 1), "age")
    assert live.before((2, 1), (1, 5), "score")
