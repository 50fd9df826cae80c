"""Checks that prove a ruleset consistent: static findings and hypothesis properties."""

# The property names, here so that the static checks (which must not need hypothesis) know them.
PROPERTY_NAMES = ("total_and_deterministic", "json_round_trip", "exempt_never_fined", "statutory_bounds", "monotone",
                  "statute_not_overridden")
