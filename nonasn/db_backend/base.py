"""Django's PostgreSQL backend, plus: the embedded server starts when the first connection opens.

Importing the settings starts nothing (management commands that never touch the database, such as
`check` or `compilemessages`, stay fast); the first query, test-database creation or `dbshell`
starts the server, or joins the one another process of the project already runs.
"""

from __future__ import annotations

from django.db.backends.postgresql import base, client

from nonasn.embedded_db import ensure_started


class DatabaseClient(client.DatabaseClient):
    def runshell(self, parameters):
        ensure_started(self.connection.settings_dict)
        super().runshell(parameters)


class DatabaseWrapper(base.DatabaseWrapper):
    client_class = DatabaseClient

    def get_connection_params(self):
        ensure_started(self.settings_dict)
        return super().get_connection_params()
