"""Needs assessment (analisis kebutuhan, AKPK): Competency dictionary, position standards, employee profiles and assessments, gaps, priorities and the annual plan."""
