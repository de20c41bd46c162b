"""The command line as an admin meets it: --version, help for every argument, output that pipes
cleanly (results on stdout, logs on stderr) and YAML errors that say what and where."""

from __future__ import annotations

import argparse
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from bot.__main__ import _parser, main


def test_version_comes_from_the_package(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"banter {metadata.version('banter')}\n"


def _arguments(parser: argparse.ArgumentParser, where: str) -> list[tuple[str, argparse.Action]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _arguments(sub, f"{where} {name}")
        elif not isinstance(action, argparse._HelpAction):
            found.append((where, action))
    return found


def test_every_argument_has_help() -> None:
    arguments = _arguments(_parser(), "banter")
    assert len(arguments) > 10
    missing = [f"{where} {action.dest}" for where, action in arguments if not action.help]
    assert missing == []


def test_every_subcommand_has_a_description(capsys: pytest.CaptureFixture[str]) -> None:
    sub = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert {"run", "backup", "restore"} <= set(sub.choices)
    for name, parser in sub.choices.items():
        assert parser.description, name


def test_import_output_pipes_cleanly(tmp_path: Path) -> None:
    """stdout carries the result alone; the INFO logs (migration, import) go to stderr."""
    packs = tmp_path / "packs" / "jokes"
    packs.mkdir(parents=True)
    (packs / "mine.yaml").write_text(
        "pack: mine\ncredit: me\njokes:\n  - id: a\n    text: A short joke.\n    categories: [puns]\n",
        encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "bot", "import", "packs"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120, env={"PATH": ""})
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [f"imported packs: {out.stdout.split(': ', 1)[1].strip()}"]
    assert "1 added" in out.stdout
    assert " INFO " in out.stderr and "migrated" in out.stderr
    assert "imported packs" not in out.stderr


def test_a_pack_yaml_error_names_the_reason_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jokes = tmp_path / "packs" / "jokes"
    jokes.mkdir(parents=True)
    (jokes / "broken.yaml").write_text(
        "pack: broken\njokes:\n  - id: a\n    categories: [puns, space\n    text: Oops.\n", encoding="utf-8")
    assert main(["check-content", str(tmp_path / "packs")]) == 2
    err = capsys.readouterr().err.splitlines()
    # libyaml and pure-Python PyYAML word the reason differently; both say what and where.
    assert err[1].startswith(f"  {jokes / 'broken.yaml'}, line 5: not valid YAML: ")
    assert "expected ',' or ']'" in err[1]
    assert err[1].endswith(" (while parsing a flow sequence started at line 4)")


def test_a_config_yaml_error_names_the_reason_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("database:\n  path: banter.db\n logging:\n  level: INFO\n", encoding="utf-8")
    assert main(["check-content", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"config: {config} is not valid YAML at line 3: ")
    assert err.count("\n") == 1
