"""Planner tools over whole rule sets: tests as data (uji), semantic comparison (banding)."""
