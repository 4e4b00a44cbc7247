"""Repositories: the only place SQL is written. Each takes a Connection inside a unit of work and
speaks in domain records."""
