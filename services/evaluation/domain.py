"""Pure rules of the evaluation service: no Flask, no SQLAlchemy, no Kafka.

Post-training evaluation tasks (reaction, learning, behaviour), the closed loop back to competency levels, program effectiveness.
"""
