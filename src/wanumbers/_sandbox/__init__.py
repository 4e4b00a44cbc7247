"""Machinery behind :mod:`wanumbers.testing`: the sync ASGI bridge, the store template and the control
plane. Private: import the public names from ``wanumbers.testing``."""
