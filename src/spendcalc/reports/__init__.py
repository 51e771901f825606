"""Neutral reports, one module per command: a table for people and tidy records for programs (`model`)."""
