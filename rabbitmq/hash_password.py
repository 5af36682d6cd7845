#!/usr/bin/env python3
"""Print a RabbitMQ password hash (rabbit_password_hashing_sha256).

Usage: python3 rabbitmq/hash_password.py PASSWORD
       (or read the password from stdin:  printf %s "$PW" | python3 rabbitmq/hash_password.py -)

The hash is base64(salt + sha256(salt + utf8(password))) with a random 4-byte salt,
which is what RabbitMQ's definitions.json expects in "password_hash" together with
"hashing_algorithm": "rabbit_password_hashing_sha256".
"""
import base64
import hashlib
import os
import sys


def rabbit_sha256(password, salt=None):
    salt = os.urandom(4) if salt is None else salt
    digest = hashlib.sha256(salt + password.encode("utf-8")).digest()
    return base64.b64encode(salt + digest).decode("ascii")


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    pw = sys.stdin.read().rstrip("\n") if sys.argv[1] == "-" else sys.argv[1]
    print(rabbit_sha256(pw))
    return 0


if __name__ == "__main__":
    sys.exit(main())
