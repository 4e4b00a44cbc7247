"""The SDK version, sent in ``User-Agent`` (kept in step with ``wanumbers.__version__``)."""

__version__ = "0.1.0"
