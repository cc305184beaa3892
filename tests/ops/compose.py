"""What `docker compose config` does before it prints a project, for a machine without Docker Compose:
read the YAML (anchors and `<<` merges resolved), interpolate `${VAR}`, `${VAR:-default}`,
`${VAR-default}`, `${VAR:?error}`, `${VAR?error}` and `$$` from an env file, then validate the result
against the Compose specification (the compose-spec package: the compose_spec Rust crate's parser)."""

import json
import re
from pathlib import Path

import yaml
from compose_spec import PyCompose

_VARIABLE = re.compile(r"\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


class InterpolationError(ValueError):
    pass


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def interpolate(value, env: dict[str, str]):
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match) -> str:
        escaped, name, operator, argument, bare = match.groups()
        if escaped:
            return "$"
        name = name or bare
        current = env.get(name)
        unset_or_empty = not current if operator and operator.startswith(":") else current is None
        if operator in (":-", "-"):
            return argument if unset_or_empty else current
        if operator in (":?", "?"):
            if unset_or_empty:
                raise InterpolationError(f"{name}: {argument}")
            return current
        return current or ""

    return _VARIABLE.sub(replace, value)


def config(compose_file: Path, env: dict[str, str]) -> dict:
    """The project as `docker compose config` would see it; raises on an invalid file."""
    data = interpolate(yaml.safe_load(compose_file.read_text()), env)
    PyCompose.from_json(json.dumps(data)).validate()
    return data
