"""Pure rules of the training service: no Flask, no SQLAlchemy, no Kafka.

Partner institutions, programs, batches (angkatan), nomination, attendance and completion.
"""
