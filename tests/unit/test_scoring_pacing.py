"""How long background scoring rests after a cycle: it spends its duty of the time in cycles."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from application.scoring.engine import rest_after


def test_a_rest_makes_the_cycle_its_duty_of_the_time() -> None:
    assert rest_after(0.02, 1.0) == 0.0  # full duty: no rest
    assert rest_after(0.02, 0.5) == pytest.approx(0.02)
    assert rest_after(0.03, 0.25) == pytest.approx(0.09)
    assert rest_after(-1.0, 0.5) == 0.0  # a clock that stepped back is no reason to rest


@given(st.floats(1e-6, 60), st.floats(0.01, 1))
def test_busy_time_over_busy_and_rest_is_the_duty(busy: float, duty: float) -> None:
    rest = rest_after(busy, duty)
    assert rest >= 0
    assert busy / (busy + rest) == pytest.approx(duty)


@pytest.mark.parametrize("duty", [0.0, -0.5, 1.01])
def test_a_duty_outside_zero_to_one_is_refused(duty: float) -> None:
    with pytest.raises(ValueError, match="duty"):
        rest_after(1.0, duty)
