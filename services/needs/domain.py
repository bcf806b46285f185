"""Pure rules of the needs service: no Flask, no SQLAlchemy, no Kafka.

Competency dictionary, position standards, employee profiles and assessments, gaps, priorities and the annual plan.
"""
