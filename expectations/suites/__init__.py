"""The suites, one module per area; :mod:`expectations.registry` collects them."""
