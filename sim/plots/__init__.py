"""Figures drawn from results on disk (never from live models)."""
