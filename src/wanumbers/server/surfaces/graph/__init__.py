"""Meta's Graph API (Cloud API) phone-number surface (seed 004 and Meta's OpenAPI; docs/graph.md)."""
