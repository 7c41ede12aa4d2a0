"""Schema migrations: an upgrade of callsim never drops a record (SQLite and PostgreSQL)."""

from __future__ import annotations

import ast
import json
import sqlite3
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, inspect

from callsim.core import store as store_module
from callsim.core.store import (
    HEAD,
    REVISIONS,
    VERSION_TABLE,
    JSONType,
    Store,
    UTCDateTime,
    metadata,
    run_migrations,
)

from .fixtures.store.calls import Played, new_call

pytest_plugins = ["tests.fixtures.store.backends"]  # db_url (SQLite and PostgreSQL), pg_url, played

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "store"
MIGRATIONS = Path(store_module.__file__).with_name("migrations")


def old_store(url: str, revision: str) -> Store:
    """A database brought only as far as ``revision``, as an older callsim left it."""
    s = Store.open(url, migrate=False)
    with s._writer.begin() as conn:
        run_migrations(conn, revision)
    return s


# The 0001 tables, as the first release wrote them (only what the test inserts).
_v1 = MetaData()
V1_SESSIONS = Table(
    "sessions", _v1, Column("id", String(16), primary_key=True), Column("trainee", String(200)),
    Column("scenario_id", String(200)), Column("scenario_version", Integer), Column("seed", Integer),
    Column("mode", String(20)), Column("started", UTCDateTime), Column("updated", UTCDateTime),
    Column("ended", UTCDateTime), Column("n_turns", Integer), Column("state", JSONType),
    Column("outcome_id", String(100)), Column("overall", Float), Column("record", JSONType),
)
V1_TURNS = Table(
    "turns", _v1, Column("session_id", String(16), primary_key=True), Column("idx", Integer, primary_key=True),
    Column("taken", UTCDateTime), Column("node", String(200)), Column("reply", String), Column("debtor", String),
    Column("data", JSONType),
)


def test_revisions_match_the_migration_scripts() -> None:
    script = ScriptDirectory(str(MIGRATIONS))
    chain = [r.revision for r in script.walk_revisions()][::-1]  # base first
    assert tuple(chain) == REVISIONS
    assert script.get_current_head() == HEAD


def test_no_migration_drops_anything() -> None:
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        upgrade = next(f for f in tree.body if isinstance(f, ast.FunctionDef) and f.name == "upgrade")
        calls = [n.func.attr for n in ast.walk(upgrade)
                 if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)]
        assert not [c for c in calls if c.startswith("drop_")], f"{path.name} drops something"
        text = ast.unparse(upgrade).upper()
        assert "DROP " not in text and "DELETE " not in text and "TRUNCATE" not in text, path.name


def test_migrating_from_nothing_gives_exactly_the_current_tables(db_url: str) -> None:
    with old_store(db_url, HEAD) as migrated, migrated.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "version_table": VERSION_TABLE})
        assert compare_metadata(ctx, metadata) == []
    # and a new database (created from the tables, then stamped) is stamped at the head
    with Store.open(db_url) as fresh:
        assert fresh.schema_version() == HEAD


def test_a_fresh_database_matches_the_migrations(db_url: str) -> None:
    with Store.open(db_url) as fresh, fresh.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "version_table": VERSION_TABLE})
        assert compare_metadata(ctx, metadata) == []
        names = {ix["name"] for ix in inspect(conn).get_indexes("sessions")}
        assert {"ix_sessions_trainee_started", "ix_sessions_scenario_started", "ix_sessions_started"} <= names


def test_an_old_database_is_upgraded_with_every_record_kept(db_url: str, played: Played) -> None:
    old = old_store(db_url, "0001")
    assert old.schema_version() == "0001"
    no_turns = {k: v for k, v in played.record.items() if k != "turns"}
    with old._writer.begin() as conn:
        conn.execute(V1_SESSIONS.insert(), [
            {"id": "oldfinish1", "trainee": "Zoë", "scenario_id": played.scenario_id, "scenario_version": 1,
             "seed": 1, "mode": "coaching", "started": _t("2026-01-05 10:00"), "updated": _t("2026-01-05 10:07"),
             "ended": _t("2026-01-05 10:07"), "n_turns": len(played.turns), "state": None,
             "outcome_id": played.record["outcome"]["id"], "overall": played.record["scores"]["overall"],
             "record": no_turns},
            {"id": "oldopen001", "trainee": "Zoë", "scenario_id": played.scenario_id, "scenario_version": 1,
             "seed": 1, "mode": "coaching", "started": _t("2026-01-06 10:00"), "updated": _t("2026-01-06 10:02"),
             "ended": None, "n_turns": 2, "state": {k: v for k, v in played.states[1].items() if k != "turns"},
             "outcome_id": None, "overall": None, "record": None},
        ])
        conn.execute(V1_TURNS.insert(), [
            {"session_id": sid, "idx": t["index"], "taken": _t("2026-01-05 10:01"), "node": t["node"],
             "reply": t["reply"], "debtor": t["debtor"]["text"], "data": t}
            for sid, ts in (("oldfinish1", played.turns), ("oldopen001", played.turns[:2])) for t in ts
        ])
    old.close()

    with Store.open(db_url) as store:  # the upgrade
        assert store.schema_version() == HEAD
        done = store.get("oldfinish1")
        assert done.turns == played.turns and done.record == played.record
        assert done.rubric_version == 1 and done.n_reviews == 0 and done.review_score is None
        assert done.started.isoformat() == "2026-01-05T10:00:00+00:00"
        assert [s.id for s in store.unfinished("Zoë")] == ["oldopen001"]
        call = new_call().compiled.restore(store.resume_state("oldopen001"))
        assert call.state().to_json() == played.states[1]
        store.add_review("oldfinish1", reviewer="Lin", comment="Read after the upgrade", override_score=70,
                         reason="test")
        assert store.count_sessions(trainee="Zoë") == 2
        assert store.get("oldfinish1").overall == played.record["scores"]["overall"]


def _t(s: str) -> Any:
    from datetime import UTC, datetime

    return datetime.fromisoformat(s).replace(tzinfo=UTC)


def test_the_first_release_file_upgrades_and_is_backed_up_first(tmp_path: Path) -> None:
    """A frozen SQLite file from schema 0001 (tests/fixtures/store): upgraded in place, copy kept."""
    path = tmp_path / "callsim.db"
    db = sqlite3.connect(path)
    db.executescript((FIXTURES / "callsim-0001.sql").read_text(encoding="utf-8"))
    db.close()
    expected = json.loads((FIXTURES / "callsim-0001-expected.json").read_text(encoding="utf-8"))
    with Store.open(str(path)) as store:
        assert store.schema_version() == HEAD
        done = store.get("k7m2")
        assert done.trainee == "Zoë Ng" and done.status == ("passed" if expected["record"]["passed"] else "failed")
        assert done.record == expected["record"] and done.turns == expected["turns"]
        assert store.resume_state("a1b2c3d4e5").to_json() == expected["state2"]
        assert [s.id for s in store.list_sessions(trainee="Zoë Ng")] == ["a1b2c3d4e5", "k7m2p9q4rs"]
    backup = tmp_path / "callsim.db.schema-0001.bak"
    assert backup.exists()
    b = sqlite3.connect(backup)
    try:
        assert b.execute("SELECT version_num FROM callsim_schema_version").fetchone()[0] == "0001"
        assert b.execute("SELECT count(*) FROM turns").fetchone()[0] == len(expected["turns"]) + 2
    finally:
        b.close()


def test_migrations_run_once_when_many_processes_open_an_old_database(db_url: str) -> None:
    import subprocess
    import sys

    old_store(db_url, "0001").close()
    code = ("import sys\nfrom callsim.core.store import Store\n"
            "s = Store.open(sys.argv[1]); print(s.schema_version()); s.close()\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, db_url], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(4)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [o[1][-2000:] for o in outs]
    assert [o[0].strip() for o in outs] == [HEAD] * 4
