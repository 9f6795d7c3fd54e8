"""``python -m bacalhau_client``: the command line (see :mod:`bacalhau_client.cli`)."""

import sys

from bacalhau_client.cli import main

if __name__ == "__main__":
    sys.exit(main())
