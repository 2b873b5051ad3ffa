"""Synthetic data for the demo, generated from documented parameters (PURE: no Django; seeded)."""
