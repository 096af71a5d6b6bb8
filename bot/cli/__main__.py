"""``python -m bot.cli``: the ``leavebot`` command."""

import sys

from bot.cli.main import main

sys.exit(main())
