"""How structured values are written to the JSON text columns (request details, outbox and job payloads).

One function for every table, so that the same value is always stored as the same text.
"""

from __future__ import annotations

import json
from typing import Any


def to_json(value: Any) -> str:
    """JSON for a text column; dates and Decimals become strings rather than failing."""
    return json.dumps(value, default=str, sort_keys=True)
