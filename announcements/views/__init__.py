"""Public pages: lists (lists.py), Cek Status (status.py), card verification (cards.py)."""
