"""Offline validation of 360Giving data packages against the vendored official schemas.

The package schema refers to the grant schema by an absolute URL (upstream, release 1.4.3 names the grant
schema by its 1.4.2 URL). Every such reference is served from the vendored file through a ``referencing``
registry, and the registry cannot retrieve anything else, so validation never touches the network.
Provenance of the files: ``schemas/README.md``.

Both schemas declare JSON Schema draft 2020-12 (spelt ``http://json-schema.org/draft/2020-12/schema``,
which jsonschema does not recognise by itself), so the 2020-12 validator and resource specification are
chosen explicitly. In 2020-12 ``format`` is only an annotation unless a format checker is given; the
360Giving date fields (``oneOf`` of ``format: date-time`` and a ``YYYY-MM-DD`` pattern) only work with
``format`` asserted, so a checker is always used. Its ``date-time`` (RFC 3339) and ``uri`` (RFC 3986) checks
are defined here, because jsonschema only checks them when further optional packages are installed.
"""

import json
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import urldefrag

from jsonschema import Draft4Validator, Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
PACKAGE_SCHEMA_FILE = SCHEMA_DIR / "360-giving-package-schema.json"
GRANT_SCHEMA_FILE = SCHEMA_DIR / "360-giving-schema.json"
OCDS_PACKAGE_SCHEMA_FILE = SCHEMA_DIR / "ocds-release-package-schema.json"
OCDS_RELEASE_SCHEMA_FILE = SCHEMA_DIR / "ocds-release-schema.json"

_DRAFT_2020_12 = "json-schema.org/draft/2020-12/schema"
_MISSING = "this required field is missing"

JsonPath = tuple[str | int, ...]

# --- format checks ------------------------------------------------------------------------------------

FORMAT_CHECKER = FormatChecker()

_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))", re.ASCII
)
_URI = re.compile(
    r"[A-Za-z][A-Za-z0-9+.\-]*:(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*", re.ASCII
)


@FORMAT_CHECKER.checks("date-time")
def is_date_time(instance: object) -> bool:
    """RFC 3339 ``date-time``: full date, time and offset (a leap second 60 is allowed)."""
    if not isinstance(instance, str):
        return True
    match = _DATE_TIME.fullmatch(instance)
    if match is None:
        return False
    year, month, day, hour, minute, second = (int(group) for group in match.groups()[:6])
    offset_hour, offset_minute = match.group(7), match.group(8)
    if second > 60 or (offset_hour is not None and (int(offset_hour) > 23 or int(offset_minute) > 59)):
        return False
    try:
        datetime(year, month, day, hour, minute, min(second, 59))
    except ValueError:
        return False
    return True


@FORMAT_CHECKER.checks("uri")
def is_uri(instance: object) -> bool:
    """RFC 3986 absolute URI: a scheme, then only characters a URI may contain (or %-escapes)."""
    if not isinstance(instance, str):
        return True
    return _URI.fullmatch(instance) is not None


# --- schema loading -----------------------------------------------------------------------------------


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _declares_2020_12(schema: dict) -> bool:
    declared = urldefrag(schema.get("$schema", ""))[0]
    return declared.split("://", 1)[-1] == _DRAFT_2020_12


def _external_refs(node: object) -> Iterable[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            yield urldefrag(ref)[0]
        for value in node.values():
            yield from _external_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _external_refs(value)


@cache
def package_validator() -> Draft202012Validator:
    """The validator for a whole data package, with the grant schema resolved from the vendored file."""
    package_schema = _load(PACKAGE_SCHEMA_FILE)
    grant_schema = _load(GRANT_SCHEMA_FILE)
    for path, schema in ((PACKAGE_SCHEMA_FILE, package_schema), (GRANT_SCHEMA_FILE, grant_schema)):
        if not _declares_2020_12(schema):
            raise RuntimeError(f"{path.name} does not declare JSON Schema draft 2020-12")
    grant = Resource(contents=grant_schema, specification=DRAFT202012)
    uris = {grant_schema["$id"]}
    for ref in _external_refs(package_schema):
        if not ref.endswith("/schema/360-giving-schema.json"):
            raise RuntimeError(f"{PACKAGE_SCHEMA_FILE.name} refers to {ref}, which is not vendored")
        uris.add(ref)
    registry = Registry().with_resources((uri, grant) for uri in sorted(uris))
    return Draft202012Validator(package_schema, registry=registry, format_checker=FORMAT_CHECKER)


@cache
def ocds_package_validator() -> Draft4Validator:
    """The validator for an OCDS 1.1 release package (JSON Schema draft 4), the release schema served from
    the vendored file under the URL the package schema names."""
    package_schema = _load(OCDS_PACKAGE_SCHEMA_FILE)
    release_schema = _load(OCDS_RELEASE_SCHEMA_FILE)
    release = Resource(contents=release_schema, specification=DRAFT4)
    uris = {release_schema["id"]}
    for ref in _external_refs(package_schema):
        if ref != release_schema["id"]:
            raise RuntimeError(f"{OCDS_PACKAGE_SCHEMA_FILE.name} refers to {ref}, which is not vendored")
    if list(_external_refs(release_schema)):
        raise RuntimeError(f"{OCDS_RELEASE_SCHEMA_FILE.name} refers to schemas that are not vendored")
    registry = Registry().with_resources((uri, release) for uri in sorted(uris))
    return Draft4Validator(package_schema, registry=registry, format_checker=FORMAT_CHECKER)


# --- readable errors ----------------------------------------------------------------------------------


def validate_360giving(package: dict) -> list[str]:
    """Errors of a 360Giving data package as "path: message" lines, e.g. ``grants[0].title: ...``.

    An empty list means the package is valid. Paths use dots for fields and [n] for list items; "$" is
    the package itself.
    """
    return _readable(package_validator().iter_errors(package))


def validate_ocds(package: dict) -> list[str]:
    """Errors of an OCDS release package, in the same "path: message" form."""
    return _readable(ocds_package_validator().iter_errors(package))


def _readable(iterator) -> list[str]:
    errors = list(iterator)
    # A value of the wrong type makes the other keywords at the same place meaningless (a non-string date
    # satisfies both branches of its oneOf, for instance): report the type alone.
    wrong_type = {tuple(error.absolute_path) for error in errors if error.validator == "type"}
    found: list[tuple[JsonPath, str]] = []
    for error in errors:
        if error.validator != "type" and tuple(error.absolute_path) in wrong_type:
            continue
        found.extend(_describe(error))
    lines: list[str] = []
    for path, message in sorted(found, key=lambda item: _path_key(item[0])):
        line = f"{render_path(path)}: {message}"
        if line not in lines:
            lines.append(line)
    return lines


def render_path(path: Sequence[str | int]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "$"


def _path_key(path: JsonPath) -> tuple:
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, str(part)) for part in path)


def _short(value: object, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _describe(error: ValidationError) -> list[tuple[JsonPath, str]]:
    path: JsonPath = tuple(error.absolute_path)
    keyword, expected, value = error.validator, error.validator_value, error.instance
    if keyword == "required":
        present = value if isinstance(value, dict) else {}
        return [(path + (name,), _MISSING) for name in expected if name not in present]
    if keyword in ("oneOf", "anyOf"):
        return _describe_alternatives(error)
    if keyword == "type":
        types = " or ".join(expected) if isinstance(expected, list) else expected
        message = f"must be of type {types}, not {_json_type(value)} ({_short(value)})"
    elif keyword == "enum":
        if len(expected) <= 10:
            message = f"{_short(value)} is not one of {', '.join(_short(option) for option in expected)}"
        else:
            codelist = error.schema.get("codelist")
            suffix = f" (see the 360Giving codelist {codelist})" if codelist else ""
            message = f"{_short(value)} is not an allowed value{suffix}"
    elif keyword == "const":
        message = f"must be {_short(expected)}"
    elif keyword == "pattern":
        message = f"{_short(value)} does not match the pattern {expected}"
    elif keyword == "format":
        message = f"{_short(value)} is not a valid {expected}"
    elif keyword == "minItems":
        message = f"must contain at least {_plural(expected, 'item')}"
    elif keyword == "maxItems":
        message = f"must contain at most {_plural(expected, 'item')}"
    elif keyword == "uniqueItems":
        message = "contains duplicate items"
    elif keyword == "minLength":
        message = f"must be at least {_plural(expected, 'character')} long"
    elif keyword == "maxLength":
        message = f"must be at most {_plural(expected, 'character')} long"
    elif keyword in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        relation = {
            "minimum": "at least",
            "exclusiveMinimum": "greater than",
            "maximum": "at most",
            "exclusiveMaximum": "less than",
        }[keyword]
        message = f"must be {relation} {expected}, not {_short(value)}"
    else:
        message = error.message if len(error.message) <= 200 else error.message[:197] + "..."
    return [(path, message)]


def _describe_alternatives(error: ValidationError) -> list[tuple[JsonPath, str]]:
    """A failed oneOf/anyOf, said in terms of what to change rather than as a dump of the alternatives."""
    path: JsonPath = tuple(error.absolute_path)
    value, branches = error.instance, error.validator_value
    requireds = [branch.get("required") for branch in branches]
    only_required = all(
        isinstance(branch, dict) and set(branch) == {"required"} for branch in branches
    ) and isinstance(value, dict)

    if not error.context:
        # oneOf with several matching alternatives.
        if only_required:
            distinct = _ordered(name for names in requireds for name in names if name in value)
            distinct = [name for name in distinct if not all(name in names for names in requireds)]
            if len(distinct) > 1:
                return [(path, f"give only one of {', '.join(distinct)}")]
        return [(path, "matches more than one of the allowed alternatives; exactly one must match")]

    if only_required:
        missing = [[name for name in names if name not in value] for names in requireds]
        common = [name for name in missing[0] if all(name in names for names in missing)]
        found: list[tuple[JsonPath, str]] = [(path + (name,), _MISSING) for name in common]
        rest = [[name for name in names if name not in common] for names in missing]
        if all(rest):
            if all(len(names) == 1 for names in rest):
                found.append((path, f"one of {' or '.join(names[0] for names in rest)} is required"))
            else:
                groups = " or ".join(f"({', '.join(names)})" for names in rest)
                found.append((path, f"required fields are missing: give all of {groups}"))
        return found

    description = error.schema.get("description")
    if description:
        return [(path, f"{_short(value)} is not valid. {description}")]
    by_branch: dict[int, list[str]] = {}
    for sub in error.context:
        by_branch.setdefault(sub.relative_schema_path[0], []).extend(m for _, m in _describe(sub))
    options = "; or ".join(", ".join(messages) for _, messages in sorted(by_branch.items()))
    return [(path, f"{_short(value)} matches none of the allowed alternatives: {options}")]


def _ordered(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))
