"""The files in deploy/ say what deploy/README.md says they do. Neither systemd nor Docker runs
here, so the unit, the Dockerfile and the compose file are read and checked as text."""

from __future__ import annotations

import configparser
import json
import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any, cast

import discord
import pytest
import yaml

from bot.config_keys import SCHEMA
from bot.errors import TRY_AGAIN_LATER

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
GUIDE = (DEPLOY / "README.md").read_text(encoding="utf-8")

# What the bot needs in a channel, as deploy/README.md lists them.
NEEDED = discord.Permissions(view_channel=True, send_messages=True, embed_links=True, read_message_history=True,
                             create_public_threads=True, send_messages_in_threads=True)


class UnitFile(configparser.ConfigParser):
    """A systemd unit: keys are case-sensitive."""

    def optionxform(self, optionstr: str) -> str:
        return optionstr


def unit() -> configparser.ConfigParser:
    # systemd allows a key more than once (strict=False) and a % in values (no interpolation).
    parser = UnitFile(strict=False, interpolation=None)
    parser.read(DEPLOY / "banter.service", encoding="utf-8")
    return parser


def deploy_config() -> dict[str, Any]:
    return cast(dict[str, Any], yaml.safe_load((DEPLOY / "config.yaml").read_text(encoding="utf-8")))


def test_the_unit_runs_the_bot_as_its_own_user_with_the_token_from_a_file() -> None:
    service = unit()["Service"]
    assert service["User"] not in ("", "root", "0")
    assert service["Group"]
    assert service["EnvironmentFile"].startswith("/etc/")
    assert "DISCORD_TOKEN" not in service.get("Environment", "")
    argv = shlex.split(service["ExecStart"])
    assert argv[0].endswith("/.venv/bin/python")
    assert argv[1:4] == ["-m", "bot", "run"]
    assert argv[4:] == ["--config", "/etc/banter/config.yaml"]
    assert Path(service["WorkingDirectory"]).is_absolute()


def test_the_unit_restarts_on_a_network_failure_but_not_on_a_bad_config() -> None:
    service = unit()["Service"]
    assert service["Restart"] == "on-failure"
    prevented = service["RestartPreventExitStatus"].split()
    assert "2" in prevented
    assert str(TRY_AGAIN_LATER) not in prevented


def test_the_unit_can_write_only_its_data_folder() -> None:
    service = unit()["Service"]
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    writable = [Path(p) for p in service["ReadWritePaths"].split()]
    data = Path(service["WorkingDirectory"])
    assert data in writable
    database = Path(deploy_config()["database"]["path"])
    assert database.is_absolute() and database.parent in writable
    # The lock, the -wal and the -shm go beside the database, in that same folder.
    assert service["StateDirectory"] == data.name == "banter"


def test_the_deploy_config_uses_only_known_keys() -> None:
    config = deploy_config()
    keys = {f"{section}.{name}" for section, body in config.items() for name in body}
    assert keys <= set(SCHEMA)
    assert "discord.token" not in keys


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_unit() -> None:
    out = subprocess.run(["systemd-analyze", "verify", str(DEPLOY / "banter.service")], capture_output=True,
                         text=True, timeout=60)
    # The venv's python exists only on the server it is installed on.
    complaints = [line for line in (out.stdout + out.stderr).splitlines()
                  if line.strip() and "is not executable: No such file or directory" not in line]
    assert complaints == []


def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions, as (INSTRUCTION, arguments), continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (DEPLOY / "Dockerfile").read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def test_the_image_installs_the_project_as_the_guide_does_and_nothing_else() -> None:
    steps = dockerfile()
    assert steps[0][0] == "FROM" and steps[0][1].startswith("python:3.11")
    commands = [shlex.split(part) for kind, args in steps if kind == "RUN" for part in args.split("&&")]
    installs = [argv for argv in commands if any("pip" in word for word in argv)]
    assert len(installs) == 1
    pip = installs[0]
    assert pip[0].endswith("/bin/pip") and pip[1] == "install"
    assert [a for a in pip[2:] if a != "--no-cache-dir"] == ["."]
    venv = [argv for argv in commands if argv[:3] == ["python", "-m", "venv"]]
    assert len(venv) == 1 and pip[0] == f"{venv[0][3]}/bin/pip"
    # Apart from the install, only the service's user and its data folder are set up.
    others = [argv[0] for argv in commands if argv not in installs + venv]
    assert set(others) <= {"useradd", "mkdir", "chown"}
    # The same install as the guide's systemd steps: a venv, then `pip install .` of the project.
    assert "sudo python3 -m venv .venv\nsudo .venv/bin/pip install .\n" in GUIDE


def test_the_image_copies_what_pip_install_builds_from() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    copied = {word.rstrip("/") for kind, args in dockerfile() if kind == "COPY" for word in args.split()[:-1]}
    packages = {name.rstrip("*") for name in project["tool"]["setuptools"]["packages"]["find"]["include"]}
    assert packages | {"pyproject.toml", project["project"]["readme"]} <= copied


def test_the_image_runs_the_bot_as_a_user_with_data_on_a_volume() -> None:
    steps = dockerfile()
    cmd = [args for kind, args in steps if kind == "CMD"]
    assert len(cmd) == 1 and json.loads(cmd[0]) == ["python", "-m", "bot", "run"]
    env = " ".join(args for kind, args in steps if kind == "ENV")
    assert "PATH=/opt/banter/bin:$PATH" in env  # so "python" is the venv's
    users = [args for kind, args in steps if kind == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert ("VOLUME", "/data") in steps
    assert [args for kind, args in steps if kind == "WORKDIR"][-1] == "/data"


def test_compose_builds_the_image_and_keeps_the_data_and_token_out_of_it() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    service = compose["services"]["banter"]
    assert service["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert service["env_file"] == "banter.env"
    assert "environment" not in service
    assert "banter-data:/data" in service["volumes"]
    assert "banter-data" in compose["volumes"]
    assert service["restart"] == "on-failure"


def test_the_invite_asks_for_exactly_the_permissions_the_bot_needs() -> None:
    asked = {int(n) for n in re.findall(r"permissions=(\d+)", GUIDE)}
    assert asked == {NEEDED.value}
    assert f"`{NEEDED.value}` is exactly these permissions" in GUIDE
    url = discord.utils.oauth_url("YOUR_APPLICATION_ID", permissions=NEEDED, scopes=("bot", "applications.commands"))
    assert url in GUIDE


def test_no_privileged_intents_are_needed() -> None:
    from bot.bot import BanterBot

    intents = BanterBot(cast(Any, None)).intents
    assert not (intents.members or intents.presences or intents.message_content)
    assert "no privileged intents" in GUIDE
