"""Reading a policy file's YAML, for every door that takes one (``leavebot policies load``, HR's
policy page), so that a syntax error reads the same wherever the file was handed in."""

from __future__ import annotations

from typing import Any


def read_policy_yaml(text: str, name: str) -> Any:
    """The document in ``text`` (``name`` says where it came from, for the message).

    Raises:
        ValueError: a YAML syntax error, with its line: ``policy.yaml:3: YAML syntax error: ...``.
    """
    import yaml  # here, so that a CLI command that loads no policy does not pay for it

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark is not None else name
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ValueError(f"{where}: YAML syntax error: {problem}") from None
