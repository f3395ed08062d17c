"""Every write of the verification app, one module per concern (decisions.py: deciding records;
phases.py: phase changes; sptjm.py: the statement; blockers: what may refuse finalisation)."""
