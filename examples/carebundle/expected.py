#!/usr/bin/env python3
"""Reference values of the carebundle fixture: each patient's value of every column of
dictionary.toml, computed from ndjson/ independently of sharestat's reader.

    python3 examples/carebundle/expected.py          # writes expected.json next to it

Python 3 standard library only. The column mapping is written out below (it mirrors the
`[fhir]` section of dictionary.toml; with Python >= 3.11 the script checks that the
dictionary's columns, types, units and decimals are the ones assumed here).

Semantics (docs/dictionary.md, section [fhir]):
- a resource belongs to the patient its `subject` (or `patient`) references, "Patient/<id>";
- void resources are skipped: status "entered-in-error" (also "cancelled", "not-done"), a
  Condition whose verificationStatus is "entered-in-error" or "refuted";
- a resource's date is the date part of effectiveDateTime, onsetDateTime, performedDateTime,
  performedPeriod.start, period.start or effectivePeriod.start (the first it has), as
  written (no time-zone shift: carebundle writes 09:00:00Z, the same day everywhere);
- index date = the earliest Encounter date; age = whole years from birthDate to it;
- first / last = the earliest / latest matching resource by date; nearest = the one
  closest to the index date within window_days; count = how many (0 if none);
  exists = true / false; otherwise a patient without a match is missing (null);
- valueQuantity is converted to the column's unit with the exact factors in FACTORS
  (by valueQuantity.code, UCUM) and rounded half-up to the column's decimals.
When several resources tie for first / last / nearest, the script checks that they give
the same value (so the reference does not depend on a tie-break) and fails otherwise.
"""

import datetime as dt
import json
import os
import sys
from decimal import ROUND_HALF_UP, Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
NDJSON = os.path.join(HERE, "ndjson")
LOINC = "http://loinc.org"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
UCUM = "http://unitsofmeasure.org"

# (from UCUM code, to UCUM code) -> exact factor
FACTORS = {
    ("kg", "g"): Decimal(1000),
    ("cm", "m"): Decimal("0.01"),
    ("mg/dL", "g/L"): Decimal("0.01"),
    ("g/dL", "g/L"): Decimal(10),
}

# name -> spec. kind: the dictionary type; decimals for decimal columns (integers: 0).
COLUMNS = [
    ("gender", dict(kind="categorical", levels=["male", "female"], read="gender",
                    map={"male": "male", "female": "female"})),
    ("age", dict(kind="integer", read="age")),
    ("first_visit", dict(kind="date", resource="Encounter", codes=None, element="date", pick="first")),
    ("encounters", dict(kind="integer", resource="Encounter", codes=None, pick="count")),
    ("conditions", dict(kind="integer", resource="Condition", codes=None, pick="count")),
    ("problem_onset", dict(kind="date", resource="Condition", codes=None, element="date", pick="first")),
    ("diabetes", dict(kind="boolean", resource="Condition",
                      codes=[f"{ICD10CM}|E11.9", f"{ICD10CM}|E11.65"], pick="exists")),
    ("hypertension", dict(kind="boolean", resource="Condition", codes=["I10"], pick="exists")),
    ("lipid_disorder", dict(kind="categorical", levels=["hyperlipidemia", "hypercholesterolemia"],
                            resource="Condition", codes=[f"{ICD10CM}|E78.5", f"{ICD10CM}|E78.00"],
                            element="code", pick="first",
                            map={f"{ICD10CM}|E78.5": "hyperlipidemia",
                                 f"{ICD10CM}|E78.00": "hypercholesterolemia"})),
    ("weight_g", dict(kind="integer", unit="g", resource="Observation", codes=[f"{LOINC}|29463-7"],
                      element="valueQuantity", pick="first")),
    ("height_m", dict(kind="decimal", decimals=2, unit="m", resource="Observation",
                      codes=[f"{LOINC}|8302-2"], element="valueQuantity", pick="first")),
    ("bmi", dict(kind="decimal", decimals=1, unit="kg/m2", resource="Observation",
                 codes=[f"{LOINC}|39156-5"], element="valueQuantity", pick="nearest", window_days=30)),
    ("spo2_pct", dict(kind="integer", unit="%", resource="Observation", codes=[f"{LOINC}|2708-6"],
                      element="valueQuantity", pick="first")),
    ("glucose_g_l", dict(kind="decimal", decimals=2, unit="g/L", resource="Observation",
                         codes=[f"{LOINC}|2345-7"], element="valueQuantity", pick="first")),
    ("hemoglobin_g_l", dict(kind="integer", unit="g/L", resource="Observation",
                            codes=[f"{LOINC}|718-7"], element="valueQuantity", pick="first")),
    ("hba1c_pct", dict(kind="decimal", decimals=1, unit="%", resource="Observation",
                       codes=[f"{LOINC}|4548-4"], element="valueQuantity", pick="last")),
]


class Fail(Exception):
    pass


# ------------------------------------------------------------------ reading

def load(name):
    path = os.path.join(NDJSON, name)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        # parse_float=Decimal: numbers are read exactly, never through binary floating point
        return [json.loads(line, parse_float=Decimal) for line in f if line.strip()]


def skipped(r):
    # void records: status entered-in-error (also cancelled, not-done), a Condition whose
    # verificationStatus is entered-in-error or refuted. carebundle 0.5.0 writes none.
    if r.get("status") in ("entered-in-error", "cancelled", "not-done"):
        return True
    vs = r.get("verificationStatus") or {}
    return any(c.get("code") in ("entered-in-error", "refuted") for c in vs.get("coding", []))


def owner(r):
    ref = (r.get("subject") or r.get("patient") or {}).get("reference", "")
    if not ref.startswith("Patient/"):
        raise Fail(f"{r['resourceType']}/{r.get('id')}: unexpected patient reference {ref!r}")
    return ref[len("Patient/"):]


def date_of(r):
    for path in ("effectiveDateTime", "onsetDateTime", "performedDateTime",
                 "performedPeriod.start", "period.start", "effectivePeriod.start"):
        v = r
        for part in path.split("."):
            v = v.get(part) if isinstance(v, dict) else None
        if v:
            if len(v) < 10:
                raise Fail(f"{r['resourceType']}/{r['id']}: partial date {v!r}")
            return dt.date.fromisoformat(v[:10])
    return None


def codings(concept):
    return [(c.get("system", ""), c.get("code", "")) for c in (concept or {}).get("coding", [])]


def matches(r, codes):
    if codes is None:
        return True
    for system, code in codings(r.get("code")):
        for want in codes:
            if "|" in want:
                if want == f"{system}|{code}":
                    return True
            elif want == code:
                return True
    return False


# ------------------------------------------------------------------ values

def quantity(r, spec):
    q = r.get("valueQuantity")
    if q is None or q.get("value") is None:
        return None
    if q.get("system") != UCUM:
        raise Fail(f"Observation/{r['id']}: quantity not in UCUM: {q}")
    value = Decimal(str(q["value"]))
    have, want = q["code"], spec["unit"]
    if have != want:
        if (have, want) not in FACTORS:
            raise Fail(f"Observation/{r['id']}: no factor {have} -> {want}")
        value *= FACTORS[(have, want)]
    places = spec.get("decimals", 0)
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded != value:
        ROUNDED.append((r["id"], str(value), str(rounded)))
    return int(rounded) if spec["kind"] == "integer" else rounded


def element_value(r, spec):
    element = spec.get("element")
    if element == "date":
        d = date_of(r)
        return d.isoformat() if d else None
    if element == "valueQuantity":
        return quantity(r, spec)
    if element == "code":
        for system, code in codings(r.get("code")):
            for key in (f"{system}|{code}", code):
                if key in spec["map"]:
                    return spec["map"][key]
        return None
    raise Fail(f"element {element}")


def pick(name, spec, rs, index):
    if spec["pick"] == "count":
        return len(rs)
    if spec["pick"] == "exists":
        return bool(rs)
    dated = [(date_of(r), r) for r in rs]
    dated = [(d, r) for d, r in dated if d is not None]
    if spec["pick"] == "nearest":
        if index is None:
            return None
        dated = [(abs((d - index).days), r) for d, r in dated if abs((d - index).days) <= spec["window_days"]]
        key = min((k for k, _ in dated), default=None)
    elif spec["pick"] == "first":
        key = min((d for d, _ in dated), default=None)
    else:  # last
        key = max((d for d, _ in dated), default=None)
    if key is None:
        return None
    values = {json.dumps(element_value(r, spec), default=str) for k, r in dated if k == key}
    if len(values) > 1:
        raise Fail(f"column {name}: resources tie for {spec['pick']} with different values {values}")
    return element_value(next(r for k, r in dated if k == key), spec)


def age(birth, index):
    if birth is None or index is None:
        return None
    b = dt.date.fromisoformat(birth)
    return index.year - b.year - ((index.month, index.day) < (b.month, b.day))


ROUNDED = []


def compute():
    patients = load("Patient.ndjson")
    by_type = {}
    for rtype in ("Encounter", "Condition", "Observation"):
        for r in load(f"{rtype}.ndjson"):
            if r.get("resourceType") != rtype or skipped(r):
                continue
            by_type.setdefault((rtype, owner(r)), []).append(r)
    rows = []
    for p in patients:
        pid = p["id"]
        encounters = [d for d in (date_of(e) for e in by_type.get(("Encounter", pid), [])) if d]
        index = min(encounters, default=None)
        row = {"id": pid}
        for name, spec in COLUMNS:
            if spec.get("read") == "gender":
                row[name] = spec["map"].get(p.get("gender"))
            elif spec.get("read") == "age":
                row[name] = age(p.get("birthDate"), index)
            else:
                rs = [r for r in by_type.get((spec["resource"], pid), []) if matches(r, spec["codes"])]
                row[name] = pick(name, spec, rs, index)
        rows.append(row)
    return rows


def summarise(rows):
    out = {}
    for name, spec in COLUMNS:
        vals = [r[name] for r in rows if r[name] is not None]
        s = {"n": len(vals), "missing": len(rows) - len(vals)}
        if spec["kind"] in ("integer", "decimal"):
            s["sum"] = sum((Decimal(v) for v in vals), Decimal(0))
            if spec["kind"] == "integer":
                s["sum"] = int(s["sum"])
        elif spec["kind"] == "categorical":
            s["levels"] = {lv: sum(v == lv for v in vals) for lv in spec["levels"]}
        elif spec["kind"] == "boolean":
            s["true"] = sum(1 for v in vals if v)
        elif spec["kind"] == "date":
            s["min"] = min(vals, default=None)
            s["max"] = max(vals, default=None)
        out[name] = s
    return out


# ------------------------------------------------------------------ output

def dump(value, indent=0):
    """JSON with Decimal written as its exact digits (no float artefacts)."""
    pad = "  " * (indent + 1)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{\n" + ",\n".join(pad + json.dumps(k) + ": " + dump(v, indent + 1) for k, v in value.items()) \
            + "\n" + "  " * indent + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(pad + dump(v, indent + 1) for v in value) + "\n" + "  " * indent + "]"
    return json.dumps(value)


def dump_row(row):
    return "{" + ", ".join(json.dumps(k) + ": " + dump(v) for k, v in row.items()) + "}"


def check_dictionary():
    try:
        import tomllib
    except ImportError:  # Python < 3.11: skip the cross-check
        return
    with open(os.path.join(HERE, "dictionary.toml"), "rb") as f:
        d = tomllib.load(f)
    cols = {c["name"]: c for c in d["columns"]}
    if list(cols) != [n for n, _ in COLUMNS]:
        raise Fail(f"dictionary columns {list(cols)} differ from the script's")
    for name, spec in COLUMNS:
        c = cols[name]
        if c["type"] != spec["kind"] or c.get("decimals", 0) != spec.get("decimals", 0) \
                or ("unit" in spec and c.get("unit") != spec["unit"]) \
                or ("levels" in spec and c["levels"] != spec["levels"]):
            raise Fail(f"column {name}: dictionary {c} differs from the script's {spec}")
        f = d["fhir"]["columns"][name]
        if "unit" in spec and f.get("unit") != spec["unit"]:
            raise Fail(f"column {name}: [fhir] unit {f.get('unit')} differs from {spec['unit']}")
        if "codes" in spec and f.get("codes") != spec["codes"] and not (spec["codes"] is None and "codes" not in f):
            raise Fail(f"column {name}: [fhir] codes {f.get('codes')} differ from {spec['codes']}")
        for k in ("min", "max"):
            if k in c and spec["kind"] in ("integer", "decimal"):
                for r in ROWS:
                    v = r[name]
                    if v is not None and ((k == "min" and Decimal(v) < Decimal(str(c[k])))
                                          or (k == "max" and Decimal(v) > Decimal(str(c[k])))):
                        raise Fail(f"{r['id']} {name} = {v} is outside {k} {c[k]}")


def main():
    global ROWS
    try:
        ROWS = compute()
        check_dictionary()
    except Fail as e:
        sys.exit(f"expected.py: {e}")
    text = "{\n  \"patients\": [\n" + ",\n".join("    " + dump_row(r) for r in ROWS) + "\n  ],\n" \
        + "  \"summary\": " + dump(summarise(ROWS), 1) + "\n}\n"
    json.loads(text)  # well-formed
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as f:
        f.write(text)
    print(f"{len(ROWS)} patients, {len(COLUMNS)} columns -> expected.json;"
          f" {len(ROUNDED)} converted values needed rounding")


if __name__ == "__main__":
    main()
