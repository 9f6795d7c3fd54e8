"""The one rule for seconds and whole numbers that every argument and setting check uses."""

import math

import pytest

from bacalhau_client._numbers import is_seconds, is_whole_number
from bacalhau_client.ipfs import fetch

CID = "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH"


@pytest.mark.parametrize("value", [0.001, 1, 2.5, 1e6])
def test_positive_finite_numbers_are_seconds(value):
    assert is_seconds(value)


@pytest.mark.parametrize("value", [0, -1, True, False, math.nan, math.inf, -math.inf, "1", None, [1]])
def test_anything_else_is_not_seconds(value):
    assert not is_seconds(value)


def test_zero_counts_only_when_allowed_and_the_upper_limit_holds():
    assert is_seconds(0, zero=True) and not is_seconds(-0.1, zero=True)
    assert is_seconds(86400, zero=True, most=86400) and not is_seconds(86400.5, zero=True, most=86400)


@pytest.mark.parametrize("value, least, most, expected", [
    (1, 1, None, True), (10 ** 30, 0, None, True), (0, 1, None, False), (30, 0, 30, True), (31, 0, 30, False),
    (True, 0, 1, False), (1.0, 0, 10, False), ("1", 0, 10, False), (None, 0, 10, False),
])
def test_whole_numbers(value, least, most, expected):
    assert is_whole_number(value, least, most) is expected


@pytest.mark.parametrize("timeout", [math.nan, math.inf, True])
def test_fetch_refuses_a_timeout_that_could_never_end_or_is_not_seconds(tmp_path, timeout):
    with pytest.raises(ValueError, match="^timeout: expected seconds > 0, got"):
        fetch(CID, tmp_path / "out", gateway="http://127.0.0.1:9", timeout=timeout)
    assert not (tmp_path / "out").exists()
