"""Public pages: lists (lists.py), Cek Status (status.py), card verification (cards.py), complaints
(complaints.py); the agency portal's complaints queue (agency_complaints.py)."""
