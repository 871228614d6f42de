"""Change a few settings of the user's ``config.toml`` in place, keeping everything else.

The file is the user's: their comments, blank lines, order and other settings stay byte for
byte. Only the line of each changed key is rewritten (its trailing comment kept), or a line is
added under its table (the table is added at the end when missing). The result is parsed again
and must hold exactly the wanted values, else nothing is written (a layout this editor does not
understand, such as dotted keys or inline tables, gets a clear error instead).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import ConfigError

_HEADER = re.compile(r"^\s*\[\s*([A-Za-z0-9_-]+)\s*\]\s*(#.*)?$")
_ANY_HEADER = re.compile(r"^\s*\[")


def _value_text(value: str | bool | float) -> str:
    """A TOML value (a basic string with JSON escapes is valid TOML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def _trailing_comment(line: str, key: str) -> str:
    """The ``# …`` after a ``key = value`` line's value, or "" (a ``#`` inside a string is not)."""
    start = line.find("=")
    for index in range(start + 1, len(line)):
        if line[index] != "#":
            continue
        try:
            tomllib.loads(f"{key} = {line[start + 1 : index].strip()}")
        except tomllib.TOMLDecodeError:
            continue
        return line[index:].rstrip("\r\n")
    return ""


def edit_toml(text: str, changes: Mapping[tuple[str, str], str | bool | float]) -> str:
    """``text`` with each ``(table, key)`` set to its value, comments and layout kept.

    Raises:
        ConfigError: the text is not TOML, or the edit would not give the wanted values.
    """
    from .i18n import t

    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(t("setup.config_not_toml", error=str(exc))) from None
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    for (table, key), value in changes.items():
        line = f"{key} = {_value_text(value)}"
        key_pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        current = ""
        header_at: int | None = None
        done = False
        for index, existing in enumerate(lines):
            match = _HEADER.match(existing)
            if match:
                current = match.group(1)
                if current == table:
                    header_at = index
                continue
            if _ANY_HEADER.match(existing):
                current = ""  # an array of tables or a dotted header: not ours
                continue
            if current == table and key_pattern.match(existing):
                comment = _trailing_comment(existing, key)
                lines[index] = line + (f"  {comment}" if comment else "") + "\n"
                done = True
                break
        if done:
            continue
        if header_at is None:
            if lines and lines[-1].strip():
                lines.append("\n")
            lines += [f"[{table}]\n", line + "\n"]
        else:
            lines.insert(header_at + 1, line + "\n")
    result = "".join(lines)
    try:
        data: dict[str, Any] = tomllib.loads(result)
    except tomllib.TOMLDecodeError:
        data = {}
    for (table, key), value in changes.items():
        section = data.get(table)
        if not isinstance(section, dict) or section.get(key) != value:
            raise ConfigError(t("setup.config_layout", key=f"{table}.{key}"))
    return result


def write_settings(path: Path, changes: Mapping[tuple[str, str], str | bool | float]) -> None:
    """Apply :func:`edit_toml` to the file at ``path`` (created when missing), atomically.

    Raises:
        ConfigError: the file cannot be read, edited or written (nothing was changed).
    """
    from .i18n import t

    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        text = t("setup.config_header")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {getattr(exc, 'strerror', None) or exc}") from None
    result = edit_toml(text, changes)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(result, "utf-8", newline="")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ConfigError(f"{path}: {exc.strerror or exc}") from None
