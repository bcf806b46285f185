"""Small common library of the Bangkom services: configuration, database, events, outbox,
idempotent consumer, web helpers, metrics and logging. It knows no service's domain."""
