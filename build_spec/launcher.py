"""Entry point of the frozen app (PyInstaller needs a script, not a console_scripts entry)."""

import multiprocessing
import sys

from pos_app.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
