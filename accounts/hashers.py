"""The password hasher every account uses: Argon2id at OWASP's minimum parameters.

OWASP's Password Storage Cheat Sheet: Argon2id with m=19 MiB, t=2, p=1. Django's own
Argon2PasswordHasher defaults to 100 MiB and 8 lanes, which costs several times the CPU per login on
a sync app server that runs one request per process (on deadline day the logins are the crowd);
these parameters keep a login around 20 ms of CPU and still cost an attacker 19 MiB per guess.
The hasher keeps Django's algorithm name ("argon2"), so a hash made with other Argon2 parameters is
still checked and is rehashed with these at the next login (`must_update`), like a PBKDF2 one.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id (Django's Argon2 variant), memory 19 MiB, 2 passes, 1 lane."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
