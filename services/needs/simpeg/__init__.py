"""SIMPEG, the city's HR system, and the needs service: employees in, training history out, reconciled.

``mapping`` (pure rules of the SIASN fields), ``client`` (the only module that speaks SIMPEG's HTTP), ``files``
(export files), ``jobs`` (the lock and records of every run), ``runs`` (the employee sync and import), ``history`` (training history sent
exactly once), ``reconciliation``, and the integration's own ``views``, ``metrics``, ``schemas``, ``api`` and
``cli`` (docs/simpeg.md).
"""
