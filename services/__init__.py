"""The Bangkom services: needs, training, evaluation (each with its worker) and the gateway."""
