"""sitroom: news reports about armed conflict -> sourced, mapped, time-resolved events and situation."""

import logging

__all__ = ["__version__"]
__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
