"""The package's version: one home, read by ``__init__``, the ``User-Agent`` and ``setup.py``."""

__version__ = "1.0.0"
