"""Pure rules of the gateway: no Flask, no SQLAlchemy, no Kafka (role rules, signature checks)."""
