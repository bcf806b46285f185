"""Application use-cases of the gateway: one function per command (login, refresh, key checks)."""
