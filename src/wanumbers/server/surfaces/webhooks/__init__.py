"""Meta's webhook callback, served in live mode (``--upstream graph`` with ``--graph-app-secret``)."""
