"""The worker self-registration site: registration (account and login), sections (data), cards (PDFs)."""
