"""Helpers shared by the tests: record builders, Hypothesis strategies, example stores and servers.

No test module imports another; what two of them share lives here."""
