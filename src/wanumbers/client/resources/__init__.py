"""API operations described as ``Call`` objects (see ``_base``), one module per area."""
