"""gunicorn's logger for `make serve`: access and error lines through the same masking as Django's.

Used with `gunicorn --access-logfile - --logger-class nonasn.access_log.MaskingLogger`.
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from nonasn.logging import MaskPersonalData


class MaskingLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, MaskPersonalData) for f in handler.filters):
                    handler.addFilter(MaskPersonalData())
