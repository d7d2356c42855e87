#!/usr/bin/env python3
"""Command line of the Deir ez-Zor campaign simulation: ``python run.py --help``."""

import sys

from sim.cli import main

if __name__ == "__main__":
    sys.exit(main())
