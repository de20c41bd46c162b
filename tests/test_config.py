from __future__ import annotations

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


def test_file_then_environment(tmp_path: Path) -> None:
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
        ("database: [1, 2]\n", "database must be a section"),
        ("database:\n  path: [unclosed\n", "not valid YAML"),
        ("- a\n- b\n", "must be a mapping"),
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
    from bot.config import SCHEMA

    example = Path(__file__).resolve().parent.parent / "config.example.yaml"
    load_config(example, environ={})
    text = example.read_text(encoding="utf-8")
    for key in SCHEMA:
        _section, name = key.split(".")
        assert f"{name}:" in text, f"config.example.yaml does not document {key}"
