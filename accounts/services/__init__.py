"""Writes of the accounts app: self-registration (registration.py), notifications, staff (staff.py)."""
