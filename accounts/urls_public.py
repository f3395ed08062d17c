"""Public pages of the accounts app (card verification), mounted at the site root."""

app_name = "card"

urlpatterns: list = []
