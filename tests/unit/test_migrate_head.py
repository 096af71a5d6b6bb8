"""The newest revision read from the scripts' file names is the one Alembic finds in them.

:func:`storage.migrate.upgrade` trusts the file names to skip Alembic on a database that is
already current; a script named out of step with its revision would make it skip a migration.
"""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory

from storage import migrate


def test_the_head_from_file_names_is_alembics_head() -> None:
    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    assert migrate.head_revision() == scripts.get_current_head()


def test_every_script_is_named_after_its_revision() -> None:
    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    for script in scripts.walk_revisions():
        assert script.path is not None
        assert migrate.SCRIPT_NAME.fullmatch(Path(script.path).name)
        assert Path(script.path).name.startswith(f"{script.revision}_")
