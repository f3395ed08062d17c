"""Complaints (aduan) and "not listed" reports, one module per concept (import from the module that
owns it; this package re-exports nothing):

window.py     when the public may file: the public test window, the locked check of each filing
limits.py     how often: per address and per (NIK, address); the keyed NIK digest
filing.py     filing a complaint or report, following it by ticket
answering.py  the agency's answer (and decision change); the open-complaints finalisation blocker
notices.py    the e-mails to the complainant, after the commit
"""
