"""Great Expectations 1.x suites that enforce every definition of shared/DOMAIN.md (issue #6).

Layout:
- :mod:`expectations.spec`     plain-data description of a suite (``Suite``) and of one expectation
  (``Expect``: GE class name, arguments, the DOMAIN.md definition it enforces, severity). Importing it does
  not import Great Expectations, so the Dagster code location loads fast.
- :mod:`expectations.suites`   the suites, one module per area (raw contracts, court, CBP, encounters, NRI).
- :mod:`expectations.registry` every suite, by name, with the Dagster asset it validates and its SQL.
- :mod:`expectations.runner`   read the suite's SQL through DuckDB (read-only, connection closed before
  validating), validate the pandas frame with an ephemeral GE context, summarise failures, record results.
- :mod:`expectations.data_docs` the static, offline Data Docs site: every suite's latest validation page.

Cross-row rules (earliest completion per case, contiguous months, sums across rows) are computed as helper
columns in each suite's DuckDB query (window functions, joins); standard GE expectations then test those
columns row by row, so every failure points at the rows that break the rule.
"""
