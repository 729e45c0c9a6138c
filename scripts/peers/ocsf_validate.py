#!/usr/bin/env python3
"""Validate OCSF events against the OCSF schema as published on PyPI.

Usage: ocsf_validate.py [--json] [FILE ...]
Reads NDJSON (one OCSF event per line; blank lines are skipped) from the files, or from stdin when
none is given, and checks each event against the class its `class_uid` names, in the schema version
its `metadata.version` names:

  1. `pydantic-ocsf` (the OCSF schemas 1.0.0-1.7.0 bundled as JSON, turned into Pydantic models),
     validated in strict mode: required attributes, attribute types, enum values (`activity_id`,
     `severity_id`, `status_id`, ...), the consistency of caption siblings (`activity_name`,
     `severity`, `status`), `category_uid` and `type_uid`.
  2. No attribute that the schema does not define, anywhere but under `unmapped`.
  3. The schema's constraints (`at_least_one`, `just_one`) of the class and of every object in the
     event, and the formats of typed strings (`ip_t`, `email_t`, `datetime_t`, ... by the schema's
     own regular expressions and lengths), read from the same bundled schema.
  4. `type_uid == class_uid * 100 + activity_id` and `category_uid == class_uid // 1000`, stated
     here once more.
  5. When the event's version is the one `ocsf-emitter` was generated for (1.5.0), its models
     (compiled from the OCSF metaschema by ocsf-lib) and its `validate()` invariants: a second,
     independent reading of the same schema.

Versions: the Herald mapping targets 1.5.0, which every check above covers. pydantic-ocsf 3.0.0's
1.3.0 and older bundles lack the base event's attributes (`class_uid`, `time`, ...), so events
declaring those versions fail check 2 whatever they hold.

Output: one line per event, `ok <line> <class_uid> <type_uid> <metadata.uid>` or
`FAIL <line> ...: <error>; <error>`, or with --json one JSON object per event:
{"line": n, "uid": ..., "class_uid": ..., "ok": true|false, "errors": [...], "checks": [...]}.

Exit status: 0 when every event is valid, 1 when one is not (or a line is not a JSON object),
2 when a library is missing (stdout then holds {"missing": "..."}).
"""

import argparse
import importlib
import ipaddress
import json
import re
import sys
from functools import lru_cache

try:
    import pydantic
    from ocsf._schema_loader import get_schema_loader
    import ocsf_emitter
except ImportError as error:  # the Swift test turns this into a "run make peers" failure
    print(json.dumps({"missing": str(error)}))
    sys.exit(2)


def camel(name):
    return "".join(part.capitalize() for part in name.split("_"))


@lru_cache(maxsize=None)
def schema(version):
    return get_schema_loader().load_schema(version)


@lru_cache(maxsize=None)
def classes_by_uid(version):
    """class_uid -> the schema's event name, for the classes that have a uid."""
    raw = schema(version)
    categories = raw["categories_meta"]["attributes"]
    result = {}
    for name, event in raw["events"].items():
        if "uid" not in event:
            continue
        category = event.get("category")
        parent = event
        while category is None and parent.get("extends"):
            parent = raw["events"][parent["extends"]]
            category = parent.get("category")
        if category in categories:
            result[categories[category]["uid"] * 1000 + event["uid"]] = name
    return result


def chain(definitions, name):
    """The definition `name` and those it extends, nearest first."""
    result = []
    while name and name in definitions and name not in [d["name"] for d in result if "name" in d]:
        definition = dict(definitions[name])
        definition.setdefault("name", name)
        result.append(definition)
        name = definition.get("extends")
    return result


def attributes(definitions, name):
    merged = {}
    for definition in reversed(chain(definitions, name)):
        for key, value in (definition.get("attributes") or {}).items():
            if key.startswith("$") or not isinstance(value, dict):
                continue
            merged[key] = {**merged.get(key, {}), **value}
    return merged


def constraints(definitions, name):
    for definition in chain(definitions, name):
        if definition.get("constraints"):
            return definition["constraints"]
    return {}


def check_structure(version, value, definitions, name, path, errors):
    """Constraints and typed-string formats of `value` as the event or object `name`, recursively."""
    raw = schema(version)
    dictionary = raw["dictionary"]["attributes"]
    types = raw["dictionary"]["types"]["attributes"]
    if not isinstance(value, dict):
        errors.append(f"{path or '<event>'}: expected an object")
        return
    for rule, names in constraints(definitions, name).items():
        present = [n for n in names if value.get(n) is not None]
        if rule == "at_least_one" and not present:
            errors.append(f"{path or '<event>'}: needs at least one of {', '.join(names)} ({name})")
        if rule == "just_one" and len(present) != 1:
            errors.append(f"{path or '<event>'}: needs exactly one of {', '.join(names)} ({name})")
    known = attributes(definitions, name)
    for key, member in value.items():
        if key == "unmapped" or member is None:
            continue
        where = f"{path}.{key}" if path else key
        declared = {**dictionary.get(key, {}), **known.get(key, {})}
        kind = declared.get("type")
        items = member if isinstance(member, list) else [member]
        for index, item in enumerate(items):
            at = f"{where}[{index}]" if isinstance(member, list) else where
            if kind in raw["objects"]:
                check_structure(version, item, raw["objects"], kind, at, errors)
            elif kind in types:
                check_scalar(types, kind, item, at, errors)


def check_scalar(types, kind, item, at, errors):
    spec = types[kind]
    if not isinstance(item, str) or ("regex" not in spec and "max_len" not in spec):
        return
    if "max_len" in spec and len(item) > spec["max_len"]:
        errors.append(f"{at}: longer than {spec['max_len']} characters ({kind})")
    if kind == "ip_t":
        try:
            ipaddress.ip_address(item)
        except ValueError:
            errors.append(f"{at}: {item!r} is not an IP address (ip_t)")
    elif "regex" in spec and not re.search(spec["regex"], item):
        errors.append(f"{at}: {item!r} does not match {kind}")


def extras(model, path, errors):
    """Attributes the schema does not define: what the Pydantic models kept as extras."""
    if isinstance(model, pydantic.BaseModel):
        for key in (model.model_extra or {}):
            errors.append(f"{path}{key}: not an attribute of {type(model).__name__} in this schema")
        for key in type(model).model_fields:
            if key != "unmapped":
                extras(getattr(model, key), f"{path}{key}.", errors)
    elif isinstance(model, list):
        for index, item in enumerate(model):
            extras(item, f"{path[:-1]}[{index}].", errors)


def pydantic_errors(error):
    return [f"{'.'.join(str(p) for p in e['loc']) or '<event>'}: {e['msg']}" for e in error.errors()]


def validate(text):
    """Returns (event or None, errors, checks that ran)."""
    errors, checks = [], []
    try:
        event = json.loads(text)
    except json.JSONDecodeError as error:
        return None, [f"not JSON: {error}"], checks
    if not isinstance(event, dict):
        return None, ["not a JSON object"], checks
    version = (event.get("metadata") or {}).get("version")
    available = get_schema_loader().get_available_versions()
    if version not in available:
        return event, [f"metadata.version {version!r} is not a bundled OCSF version ({', '.join(available)})"], checks
    class_uid, activity_id = event.get("class_uid"), event.get("activity_id")
    name = classes_by_uid(version).get(class_uid)
    if name is None:
        return event, [f"class_uid {class_uid!r} is not a class of OCSF {version}"], checks

    checks.append("type_uid rule")
    if isinstance(class_uid, int) and isinstance(activity_id, int):
        if event.get("type_uid") != class_uid * 100 + activity_id:
            errors.append(f"type_uid: {event.get('type_uid')!r} is not class_uid * 100 + activity_id "
                          f"({class_uid * 100 + activity_id})")
        if event.get("category_uid") != class_uid // 1000:
            errors.append(f"category_uid: {event.get('category_uid')!r} is not class_uid // 1000")

    checks.append(f"pydantic-ocsf {version} {name} (strict)")
    module = importlib.import_module(f"ocsf.v{version.replace('.', '_')}.events")
    model = getattr(module, camel(name))
    try:
        instance = model.model_validate_json(text, strict=True)
        extras(instance, "", errors)
    except pydantic.ValidationError as error:
        errors.extend(pydantic_errors(error))

    checks.append(f"constraints and formats of OCSF {version}")
    check_structure(version, event, schema(version)["events"], name, "", errors)

    if version == ocsf_emitter.OCSF_SCHEMA_VERSION:
        spec = ocsf_emitter.class_spec_by_uid(class_uid)
        if spec is None:
            errors.append(f"ocsf-emitter: class_uid {class_uid} is not a class it supports")
        else:
            checks.append(f"ocsf-emitter {ocsf_emitter.__version__} {spec.model_name}")
            try:
                emitted = getattr(ocsf_emitter.models, spec.model_name).model_validate(event)
                ocsf_emitter.validate(emitted)
            except pydantic.ValidationError as error:
                errors.extend(f"ocsf-emitter: {message}" for message in pydantic_errors(error))
            except ocsf_emitter.InvalidFindingError as error:
                fields = getattr(error, "field_errors", None) or [str(error)]
                errors.extend(f"ocsf-emitter: {message}" for message in fields)
    return event, errors, checks


def lines(paths):
    if not paths:
        yield from sys.stdin
        return
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            yield from handle


def main():
    parser = argparse.ArgumentParser(description="Validate NDJSON OCSF events against the OCSF schema.")
    parser.add_argument("--json", action="store_true", help="print one JSON result object per event")
    parser.add_argument("files", nargs="*", help="NDJSON files (stdin when none)")
    arguments = parser.parse_args()
    failures = total = 0
    for number, text in enumerate(lines(arguments.files), start=1):
        if not text.strip():
            continue
        total += 1
        event, errors, checks = validate(text)
        event = event if isinstance(event, dict) else {}
        uid = (event.get("metadata") or {}).get("uid")
        failures += bool(errors)
        if arguments.json:
            print(json.dumps({"line": number, "uid": uid, "class_uid": event.get("class_uid"),
                              "type_uid": event.get("type_uid"), "ok": not errors, "errors": errors,
                              "checks": checks}))
        elif errors:
            print(f"FAIL {number} {event.get('class_uid')} {event.get('type_uid')} {uid}: {'; '.join(errors)}")
        else:
            print(f"ok {number} {event.get('class_uid')} {event.get('type_uid')} {uid}")
    print(f"{total - failures} valid, {failures} invalid OCSF events", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
