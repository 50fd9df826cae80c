"""Checks that prove a ruleset consistent: static findings and hypothesis properties."""
