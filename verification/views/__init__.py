"""Pages of the verification app, one module per concern (decisions.py: the queue and the record
page; phases.py: prefinalisation, finalisation, SPTJM; national.py: the national desk)."""
