"""Every write of the verification app, one module per concern (decisions.py: deciding records)."""
