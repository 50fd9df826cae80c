"""Public hypothesis strategies and properties for policy teams' own tests.

>>> from hypothesis import given
>>> import discretion
>>> from discretion.testing import cases
>>> rs = discretion.load_ruleset("rulesets/tax/first-violation")
>>> @given(cases(rs, violation="late-filing"))
... def test_never_negative(case):
...     rec = discretion.evaluate(rs, case)
...     assert rec.fine is None or rec.fine.min >= 0
>>> test_never_negative()
"""

from .checks.properties import PROPERTIES, PropertyFailure, as_yaml_case, run_property
from .checks.strategies import cases, facts, thresholds

__all__ = ["PROPERTIES", "PropertyFailure", "as_yaml_case", "cases", "facts", "run_property", "thresholds"]
