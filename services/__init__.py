"""The Bangkom services: needs, training, evaluation, notifications (each with its worker) and the gateway."""
