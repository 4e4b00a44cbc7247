"""Use cases: one function per operation, one unit of work each. Contract-neutral: the Kaleyra and
Graph surfaces both call these and render the results (or ``DomainError``) in their own envelopes."""
