"""``python -m vidfoley …``: the same as the ``vidfoley`` command."""

import sys

from vidfoley.pipeline.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
