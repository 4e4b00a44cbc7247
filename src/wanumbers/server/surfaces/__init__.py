"""The wire contracts: thin layers that parse, authenticate, call a service and render the result."""
