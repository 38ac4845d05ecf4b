"""Which tier of the suite is running.

`make test-fast` leaves the slow tests out (``-m "not ... slow ..."``) and runs each property
test with a tenth of its examples: the same properties, a quicker sample, for the edit-test
loop. `make test` and CI run every example. The tier is read from the mark expression when
pytest starts (tests/conftest.py), before the test modules are imported.
"""

from __future__ import annotations

_fast = False


def tier_fast_set(*, markexpr: str) -> None:
    global _fast
    _fast = "not slow" in markexpr


def tier_is_fast() -> bool:
    return _fast


def examples(full: int) -> int:
    """How many examples a property test draws: ``full`` in the full tier, a tenth (at least
    ten) in the fast tier."""
    return max(full // 10, 10) if _fast else full
