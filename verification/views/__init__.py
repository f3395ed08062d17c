"""Verification pages, one module per concern (decisions.py: the queue and the record page)."""
