from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import load_config
from bot.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_need_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config(None, environ={})
    assert config.database_path == Path("banter.db")
    assert config.content_builtin is True
    assert config.token is None
    assert config.log_level == "INFO"
    assert config.daily_catch_up_minutes == 360
    assert config.review_remind_after_hours == 24
    assert (config.joke_cooldown, config.mood_cooldown, config.cooldown_exempt_moderators) == (5, 5, True)
    assert (config.history_days, config.reports_days) == (180, 90)


def test_file_then_environment(tmp_path: Path) -> None:
    (tmp_path / "extra").mkdir()
    path = write(tmp_path, "discord:\n  token: from-file\n  dev_guild_id: 1234\nlogging:\n  level: debug\n"
                           "content:\n  paths: [extra]\n")
    config = load_config(path, environ={"DISCORD_TOKEN": "from-env"})
    assert config.token == "from-env"
    assert config.dev_guild_id == 1234
    assert config.log_level == "DEBUG"
    assert config.content_paths == (tmp_path / "extra",)
    assert config.database_path == tmp_path / "banter.db"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("databse:\n  path: x.db\n", "unknown key databse"),
        ("database:\n  paht: x.db\n", "unknown key database.paht"),
        ("database:\n  path: 12\n", "database.path must be a string"),
        ("discord:\n  dev_guild_id: yes\n", "discord.dev_guild_id must be a whole number"),
        ("discord:\n  dev_guild_id: -4\n", "discord.dev_guild_id must be a Discord id"),
        ("logging:\n  level: LOUD\n", "logging.level must be one of"),
        ("content:\n  paths: packs\n", "content.paths must be a list"),
        ("daily:\n  catch_up_minutes: -1\n", "daily.catch_up_minutes must be 0 or more"),
        ("review:\n  remind_after_hours: 0\n", "review.remind_after_hours must be"),
        ("review:\n  remind_after_hours: soon\n", "review.remind_after_hours must be a whole number"),
        ("database: [1, 2]\n", "database must be a section"),
        ("database:\n  path: [unclosed\n", "not valid YAML at line 3: did not find expected ',' or ']'"),
        ("database:\n  path: x.db\n   extra: 1\n", "not valid YAML at line 3: mapping values are not allowed"),
        ("discord:\n  connect_timeout: 0\n", "discord.connect_timeout must be a number of seconds"),
        ("discord:\n  connect_timeout: soon\n", "discord.connect_timeout must be a number, not 'soon'"),
        ("- a\n- b\n", "must be a mapping"),
        ("cooldowns:\n  joke_seconds: -1\n", "cooldowns.joke_seconds must be a number of seconds from 0"),
        ("cooldowns:\n  mood_seconds: 3601\n", "cooldowns.mood_seconds must be a number of seconds from 0"),
        ("cooldowns:\n  mood_seconds: 2.5\n", "cooldowns.mood_seconds must be a whole number"),
        ("cooldowns:\n  exempt_moderators: 1\n", "cooldowns.exempt_moderators must be true or false"),
        ("privacy:\n  history_days: 0\n", "privacy.history_days must be a number of days, at least 1"),
        ("privacy:\n  reports_days: soon\n", "privacy.reports_days must be a whole number, not 'soon'"),
    ],
)
def test_bad_config_names_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text), environ={})
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_cli_reports_bad_config_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "discord:\n  token: secret-token-value\n  dev_guild_id: soon\n")
    assert main(["check-content", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0
    assert "discord.dev_guild_id" in err
    assert "Traceback" not in err


def test_run_without_token_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["run"]) == 2
    assert "DISCORD_TOKEN is not set" in capsys.readouterr().err
    assert not (tmp_path / "banter.db").exists()


def test_example_config_is_valid_and_documents_every_key(tmp_path: Path) -> None:
    from bot.config_keys import SCHEMA

    example = Path(__file__).resolve().parent.parent / "config.example.yaml"
    load_config(example, environ={})
    text = example.read_text(encoding="utf-8")
    for key in SCHEMA:
        name = key.rsplit(".", 1)[1]
        assert f"{name}:" in text, f"config.example.yaml does not document {key}"


def test_yaml_error_says_where_an_unclosed_bracket_was_opened(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "database:\n  path: [unclosed\nlogging:\n  level: INFO\n"), environ={})
    assert "(while parsing a flow sequence started at line 2)" in str(caught.value)


def test_connect_timeout_takes_fractions_of_a_second(tmp_path: Path) -> None:
    assert load_config(None, environ={}).connect_timeout == 60
    assert load_config(write(tmp_path, "discord:\n  connect_timeout: 0.2\n"), environ={}).connect_timeout == 0.2


def bad_path(tmp_path: Path, key: str, value: str) -> str:
    """The one line ``python -m bot check-content`` prints for a config with ``key: value``."""
    section, name = key.split(".")
    if key == "content.paths":
        value = f"[{value!r}]"
    config = write(tmp_path, f"{section}:\n  {name}: {value}\n")
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(ConfigError) as caught:
        load_config(config, environ={})
    assert sorted(tmp_path.rglob("*")) == before, "a refused config must not create anything"
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"config: {key}")
    return message


def test_database_path_that_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    assert bad_path(tmp_path, "database.path", "data") == (
        f"config: database.path is a folder, not a file: {tmp_path / 'data'} "
        f"(name the file, e.g. {tmp_path / 'data' / 'banter.db'})")


def test_database_path_through_a_file(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    message = bad_path(tmp_path, "database.path", "notes.txt/db/banter.db")
    assert f"goes through a file: {tmp_path / 'notes.txt'} is not a folder" in message


def test_a_typo_in_the_database_folder_creates_nothing(tmp_path: Path) -> None:
    message = bad_path(tmp_path, "database.path", "dta/sub/banter.db")
    assert f"is in a folder that does not exist: {tmp_path / 'dta' / 'sub'}" in message
    assert not (tmp_path / "dta").exists()


def test_a_missing_database_folder_is_made_when_its_parent_exists(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "database:\n  path: data/banter.db\n"), environ={})
    assert config.database_path == tmp_path / "data" / "banter.db"
    assert main(["export", str(tmp_path / "out"), "--config", str(tmp_path / "config.yaml")]) == 0
    assert (tmp_path / "data" / "banter.db").is_file()


def test_database_in_a_place_nobody_may_write(tmp_path: Path) -> None:
    # /sys refuses new files even to root, for whom access() always says yes.
    message = bad_path(tmp_path, "database.path", "/sys/banter.db")
    assert message == "config: database.path cannot be written: no file can be created in /sys (Permission denied)"


@pytest.mark.parametrize(
    ("arrange", "value", "message"),
    [
        (lambda t: None, "packs", "content.paths[0] folder not found: {t}/packs"),
        (lambda t: (t / "packs").write_text("x"), "packs", "content.paths[0] is a file, not a folder: {t}/packs"),
        (lambda t: (t / "packs").write_text("x"), "packs/jokes",
         "content.paths[0] goes through a file: {t}/packs is not a folder (in {t}/packs/jokes)"),
    ],
)
def test_content_paths_are_checked(tmp_path: Path, arrange: Callable[[Path], object], value: str,
                                   message: str) -> None:
    arrange(tmp_path)
    assert bad_path(tmp_path, "content.paths", value) == "config: " + message.format(t=tmp_path)


def test_cli_bad_database_path_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "data").mkdir()
    config = write(tmp_path, "database:\n  path: data\n")
    assert main(["run", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("config: database.path is a folder, not a file:")
    assert err.count("\n") == 1


SECRET = "s" * 40


def test_the_dashboard_is_off_until_all_its_keys_are_set(tmp_path: Path) -> None:
    assert load_config(None, environ={}).web.dashboard is None
    path = write(tmp_path, f"web:\n  session_secret: {SECRET}\n  oauth:\n    client_id: 1234\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    message = str(caught.value)
    assert "web.oauth.client_secret missing" in message and "BANTER_OAUTH_CLIENT_SECRET" in message
    assert SECRET not in message
    dashboard = load_config(path, environ={"BANTER_OAUTH_CLIENT_SECRET": "from-the-env"}).web.dashboard
    assert dashboard is not None
    assert (dashboard.client_id, dashboard.client_secret, dashboard.discord_url) == (
        1234, "from-the-env", "https://discord.com")
    assert "from-the-env" not in repr(dashboard) and SECRET not in repr(dashboard)


def test_secrets_are_checked_without_being_repeated(tmp_path: Path) -> None:
    path = write(tmp_path, "web:\n  session_secret: tooshort\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    assert "web.session_secret must be at least 32 characters" in str(caught.value)
    assert "tooshort" not in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        load_config(None, environ={"BANTER_SESSION_SECRET": "short-from-env"})
    assert "BANTER_SESSION_SECRET (for web.session_secret)" in str(caught.value)
    assert "short-from-env" not in str(caught.value)


def test_unknown_keys_inside_web_oauth_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "web:\n  oauth:\n    client_secrett: x\n"), environ={})
    assert "unknown key web.oauth.client_secrett" in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "web:\n  oauth:\n    discord_url: ftp://x\n"), environ={})
    assert "web.oauth.discord_url must be an http:// or https:// address" in str(caught.value)
def test_shards_default_to_all_of_them(tmp_path: Path) -> None:
    config = load_config(None, environ={})
    assert config.shards.count is None and config.shards.ids is None
    assert not config.shards.is_cluster
    assert config.shards.owns(2**40)


def test_shards_from_file_and_environment(tmp_path: Path) -> None:
    path = write(tmp_path, "discord:\n  shard_count: 4\n  shard_ids: [0, 2]\n")
    from_file = load_config(path, environ={})
    assert (from_file.shards.count, from_file.shards.ids) == (4, (0, 2))
    assert from_file.shards.is_cluster
    # The environment wins, so one file serves every cluster.
    from_env = load_config(path, environ={"BANTER_SHARD_IDS": "1,3"})
    assert (from_env.shards.count, from_env.shards.ids) == (4, (1, 3))
    only_env = load_config(None, environ={"BANTER_SHARD_COUNT": "2", "BANTER_SHARD_IDS": " 1 "})
    assert (only_env.shards.count, only_env.shards.ids) == (2, (1,))
    # A server is on shard (id >> 22) % count.
    assert only_env.shards.owns(5 << 22) and not only_env.shards.owns(4 << 22)


@pytest.mark.parametrize(
    ("text", "environ", "message"),
    [
        ("discord:\n  shard_ids: [0]\n", {}, "discord.shard_ids needs discord.shard_count too"),
        ("discord:\n  shard_count: 2\n  shard_ids: [0, 2]\n", {}, "from 0 to 1 with discord.shard_count 2 (got 2)"),
        ("discord:\n  shard_count: 3\n  shard_ids: [1, 1]\n", {}, "lists shard 1 more than once"),
        ("discord:\n  shard_count: 3\n  shard_ids: []\n", {}, "must list at least one shard"),
        ("discord:\n  shard_count: 0\n", {}, "discord.shard_count must be greater than 0"),
        ("discord:\n  shard_count: 2\n  shard_ids: [a]\n", {}, "discord.shard_ids must be a list of shard numbers"),
        ("discord:\n  shard_ids: 1\n", {}, "discord.shard_ids must be a list"),
        ("", {"BANTER_SHARD_COUNT": "two"}, "BANTER_SHARD_COUNT must be a whole number"),
        ("", {"BANTER_SHARD_COUNT": "2", "BANTER_SHARD_IDS": "0;1"}, "BANTER_SHARD_IDS must be shard numbers"),
        ("", {"BANTER_SHARD_IDS": "0"}, "discord.shard_ids needs discord.shard_count too"),
        ("", {"BANTER_SHARD_COUNT": "2", "BANTER_SHARD_IDS": "3"}, "must be from 0 to 1"),
    ],
)
def test_bad_shards_are_refused_in_one_line(tmp_path: Path, text: str, environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text), environ=environ)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(("text", "problem"), [
    ("url: mysql://db/banter", "database.url must be a file path, sqlite:///PATH or postgresql://..., not a mysql://"),
    ("url: sqlite://relative.db", "database.url must be sqlite:///PATH (three slashes)"),
    ("url: postgresql://u:pw@db:99999/banter", "database.url has a port that is not a number"),
    ("url: x.db\n  path: y.db", "give database.path or database.url, not both"),
])
def test_a_bad_database_url_is_one_line(tmp_path: Path, text: str, problem: str) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"database:\n  {text}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(cfg, environ={})
    assert str(raised.value).startswith(f"config: {problem}")
    assert "pw" not in str(raised.value).replace("path", "")


def test_the_database_url_names_a_file_or_a_server(tmp_path: Path) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text("database:\n  url: sqlite:///" + str(tmp_path / "a.db").lstrip("/") + "\n", encoding="utf-8")
    sqlite = load_config(cfg, environ={})
    assert (sqlite.database_path, sqlite.database_url) == (tmp_path / "a.db", None)
    cfg.write_text("database:\n  url: b.db\n", encoding="utf-8")
    assert load_config(cfg, environ={}).database_path == tmp_path / "b.db"
    server = load_config(cfg, environ={"BANTER_DATABASE_URL": "postgresql://banter:pw@db.example/banter"})
    assert server.database_url == "postgresql://banter:pw@db.example/banter"
    assert server.database_label() == "postgresql://banter:***@db.example/banter"
    assert load_config(None, environ={}).database_url is None  # banter.db, as before


def test_the_config_as_printed_keeps_the_token_and_the_database_password_out(tmp_path: Path) -> None:
    path = write(tmp_path, "database:\n  url: postgresql://banter:hunter2-pw@db.example/banter\n")
    config = load_config(path, environ={"DISCORD_TOKEN": "secret-token-value"})
    shown = repr(config)
    assert "secret-token-value" not in shown and "hunter2-pw" not in shown
    assert "token='***'" in shown and "postgresql://banter:***@db.example/banter" in shown
    assert f"database_path={config.database_path!r}" in shown  # the rest as it is
    assert config.token == "secret-token-value"  # only the printing hides it
