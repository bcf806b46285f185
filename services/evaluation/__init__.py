"""Evaluation (evaluasi pasca pelatihan): Post-training evaluation tasks (reaction, learning, behaviour), the closed loop back to competency levels, program effectiveness."""
