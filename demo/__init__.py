"""Demo data for `make run`: agencies, accounts and workers in every state, through every app's services."""
