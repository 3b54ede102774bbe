#!/usr/bin/env python3
"""Write the adrenal fixture (../munich.csv, ../rome.csv) as FHIR R4 resources.

    python3 examples/adrenal/fhir/make_fhir.py

Writes, next to this script:
  munich/   a Bulk Data export: Patient, Condition, Procedure, Encounter .ndjson,
            Observation.ndjson.gz and manifest.json
  rome.json one transaction Bundle (PUT <Type>/<id>) with all Rome resources

Python 3 standard library only; the output is byte-identical on every run. The
conventions (which resource, code and element carries each column) follow the
`[fhir]` section of ../dictionary.toml; README.md in this directory lists them.
"""

import csv
import datetime as dt
import gzip
import io
import json
import os
import shutil
from decimal import ROUND_HALF_UP, Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
STUDY = os.path.dirname(HERE)

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
A = "https://sharestat.example/fhir/adrenal"  # the study's own code system
ICD10_WHO = "http://hl7.org/fhir/sid/icd-10"
ICD10_GM = "http://fhir.de/CodeSystem/bfarm/icd-10-gm"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

DAYS_PER_MONTH = Decimal("30.4375")  # 365.25 / 12
TRANSACTION_TIME = "2024-03-01T09:00:00+01:00"
MUNICH_REQUEST = "https://fhir.munich.example/fhir/Group/adrenal-srt/$export?_type=Patient,Condition,Procedure,Encounter,Observation"
ROME_BASE = "https://fhir.rome.example/fhir/"  # fullUrl = ROME_BASE + "<Type>/<id>"

ECOG = {"0": ("LA9622-7", "ECOG 0: fully active"),
        "1": ("LA9623-5", "ECOG 1: restricted in physically strenuous activity"),
        "2": ("LA9624-3", "ECOG 2: ambulatory and capable of all selfcare"),
        "3": ("LA9625-0", "ECOG 3: capable of only limited selfcare"),
        "4": ("LA9626-8", "ECOG 4: completely disabled")}
LATERALITY = {"left": ("7771000", "Left"), "right": ("24028007", "Right"),
              "bilateral": ("51440002", "Right and left")}
PRIMARY = {"lung": ("C34.9", "Bronchus or lung, unspecified"),
           "skin": ("C43.9", "Malignant melanoma of skin, unspecified"),
           "liver": ("C22.0", "Liver cell carcinoma"),
           "colorectal": ("C18.9", "Colon, unspecified"),
           "kidney": ("C64", "Malignant neoplasm of kidney, except renal pelvis"),
           "other": ("C50.9", "Breast, unspecified")}
MOTION = {"dibh": "dibh", "debh": "debh", "free_breathing": "free-breathing"}
MOTION_DISPLAY = {"dibh": "Deep inspiration breath-hold", "debh": "Deep expiration breath-hold",
                  "free-breathing": "Free breathing"}
# Coded study items: column -> (code in system A, display)
CODED = [("timing", "timing", "Timing of the adrenal metastasis"),
         ("pattern", "pattern", "Metastatic pattern"),
         ("chemotherapy", "chemotherapy", "Chemotherapy within 3 months of radiotherapy"),
         ("immunotherapy", "immunotherapy", "Immunotherapy within 3 months of radiotherapy"),
         ("toxicity", "toxicity", "Toxicity"),
         ("toxicity_grade", "toxicity-grade", "Toxicity grade (CTCAE v5.0)"),
         ("local_control", "local-control", "Local control")]
# Quantities: column -> (code in system A, display, kind); kind picks the unit per site.
QUANTITIES = [("fractions", "fractions", "Number of fractions", "count"),
              ("prescription_dose_gy", "prescription-dose", "Prescription dose", "dose"),
              ("bed10_gy", "bed10", "Biologically effective dose (alpha/beta 10)", "dose"),
              ("gtv_cc", "gtv", "Gross tumour volume", "volume"),
              ("ptv_cc", "ptv", "Planning target volume", "volume"),
              ("ptv_margin_mm", "ptv-margin", "PTV margin", "length"),
              ("ptv_dmax_gy", "ptv-dmax", "Maximum dose in the PTV", "dose"),
              ("conformity_index", "conformity-index", "Conformity index", "ratio"),
              ("homogeneity_index", "homogeneity-index", "Homogeneity index", "ratio")]
# kind -> (UCUM code, factor from the dictionary's unit) per site
UNITS = {
    "munich": {"count": ("{#}", 1), "dose": ("Gy", 1), "volume": ("cm3", 1),
               "length": ("mm", 1), "ratio": ("1", 1)},
    "rome": {"count": ("{#}", 1), "dose": ("cGy", Decimal(100)), "volume": ("mL", 1),
             "length": ("cm", Decimal("0.1")), "ratio": ("1", 1)},
}
SITES = {
    "munich": {"icd": ICD10_GM, "icd_version": "2024"},
    "rome": {"icd": ICD10_WHO, "icd_version": None},
}


# ------------------------------------------------------------------ JSON with exact decimals

def dump(value):
    """Compact JSON; Decimal is written as its exact plain digits (no exponent, no float)."""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(k) + ":" + dump(v) for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dump(v) for v in value) + "]"
    if isinstance(value, float):
        raise TypeError("floats are not written; use Decimal")
    return json.dumps(value, ensure_ascii=False)


def plain(d):
    """A converted Decimal without trailing fractional zeros: 4050.0 -> 4050, 0.30 -> 0.3."""
    if d == d.to_integral_value():
        return d.quantize(Decimal(1))
    return d.normalize()


# ------------------------------------------------------------------ dates

def parse_date(s):
    return dt.date.fromisoformat(s)


def years_before(d, years):
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # Feb 29 in a non-leap year
        return d.replace(year=d.year - years, day=28)


def follow_up_days(months):
    return int((Decimal(months) * DAYS_PER_MONTH).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# ------------------------------------------------------------------ resources

def cc(system, code, display=None):
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def patient_resources(site, n, row):
    pid = f"{site}-{n:02d}"
    ref = {"reference": f"Patient/{pid}"}
    start = parse_date(row["treatment_start"])
    start_s = start.isoformat()
    out = []

    # Patient
    age = int(row["age"])
    birth = years_before(start, age) - dt.timedelta(days=1 + (n * 37 % 300))
    patient = {"resourceType": "Patient", "id": pid,
               "identifier": [{"system": f"https://fhir.{site}.example/sid/study-patient",
                               "value": f"ADR-{site[0].upper()}{n:02d}"}],
               "gender": row["gender"], "birthDate": birth.isoformat()}
    end = start + dt.timedelta(days=follow_up_days(row["follow_up_months"]))
    if row["event_death"] == "1":
        patient["deceasedDateTime"] = end.isoformat()
    else:
        patient["deceasedBoolean"] = False
    out.append(patient)

    # Conditions: the primary tumour (if known) and the adrenal metastasis itself
    icd = SITES[site]["icd"]
    version = SITES[site]["icd_version"]

    def condition(cid, code, display):
        coding = {"system": icd, "code": code, "display": display}
        if version:
            coding["version"] = version
        return {"resourceType": "Condition", "id": f"{pid}-{cid}",
                "clinicalStatus": cc(CLINICAL, "active"),
                "verificationStatus": cc(VERIFICATION, "confirmed"),
                "category": [cc("http://terminology.hl7.org/CodeSystem/condition-category",
                                "encounter-diagnosis")],
                "code": {"coding": [coding]}, "subject": ref, "onsetDateTime": start_s}

    if row["primary"]:
        code, display = PRIMARY[row["primary"]]
        out.append(condition("primary", code, display))
    out.append(condition("adrenal-metastasis", "C79.7",
                         "Secondary malignant neoplasm of adrenal gland"))

    # Procedures: radiotherapy (the index), motion management, online adaptations
    def procedure(prid, system, code, display):
        return {"resourceType": "Procedure", "id": f"{pid}-{prid}", "status": "completed",
                "code": cc(system, code, display), "subject": ref,
                "performedDateTime": start_s}

    out.append(procedure("radiotherapy", SNOMED, "108290001",
                         "Radiation oncology AND/OR radiotherapy"))
    motion = MOTION[row["motion_management"]]
    out.append(procedure("motion", A, motion, MOTION_DISPLAY[motion]))
    for k in range(1, int(row["adapted_fractions"]) + 1):
        out.append(procedure(f"adaptation-{k}", A, "online-adaptation",
                             "Online-adapted fraction"))

    # Encounters: the last contact of censored patients; Rome also the treatment visit
    def encounter(eid, when):
        return {"resourceType": "Encounter", "id": f"{pid}-{eid}", "status": "finished",
                "class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"},
                "subject": ref, "period": {"start": when.isoformat()}}

    if site == "rome":
        out.append(encounter("treatment-visit", start))
    if row["event_death"] == "0":
        out.append(encounter("last-contact", end))

    # Observations, one per non-missing value
    def observation(oid, code, when, value, category=None, status="final"):
        o = {"resourceType": "Observation", "id": f"{pid}-{oid}", "status": status}
        if category:
            o["category"] = [cc(OBS_CATEGORY, category)]
        o["code"] = code
        o["subject"] = ref
        o["effectiveDateTime"] = when.isoformat()
        o.update(value)
        return o

    ecog_code = cc(LOINC, "89247-1", "ECOG Performance Status score")
    if row["ecog_status"]:
        c, d = ECOG[row["ecog_status"]]
        out.append(observation("ecog", ecog_code, start - dt.timedelta(days=7),
                               {"valueCodeableConcept": cc(LOINC, c, d)}, "survey"))
        if site == "munich" and n == 3:
            # a mistaken entry, closer to the index date and with another value; the
            # reader must skip it (status entered-in-error)
            wrong = str((int(row["ecog_status"]) + 2) % 5)
            c, d = ECOG[wrong]
            out.append(observation("ecog-error", ecog_code, start,
                                   {"valueCodeableConcept": cc(LOINC, c, d)}, "survey",
                                   status="entered-in-error"))
    if row["laterality"]:
        c, d = LATERALITY[row["laterality"]]
        out.append(observation("laterality", cc(SNOMED, "272741003", "Laterality"), start,
                               {"valueCodeableConcept": cc(SNOMED, c, d)}))
    for column, code, display in CODED:
        if row[column]:
            out.append(observation(code, cc(A, code, display), start,
                                   {"valueCodeableConcept": cc(A, row[column])}))
    for column, code, display, kind in QUANTITIES:
        if row[column]:
            unit, factor = UNITS[site][kind]
            value = Decimal(row[column])
            if factor != 1:
                value = plain(value * factor)
            out.append(observation(code, cc(A, code, display), start,
                                   {"valueQuantity": {"value": value, "unit": unit,
                                                      "system": UCUM, "code": unit}}))
    return out


def read_site(site):
    with open(os.path.join(STUDY, f"{site}.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        for k, v in row.items():
            v = v.strip()
            row[k] = "" if v.upper() == "NA" else v
    resources = []
    for n, row in enumerate(rows, start=1):
        resources.extend(patient_resources(site, n, row))
    return resources


# ------------------------------------------------------------------ writers

TYPES = ["Patient", "Condition", "Procedure", "Encounter", "Observation"]


def write_bulk(directory, resources):
    if os.path.isdir(directory):
        shutil.rmtree(directory)
    os.makedirs(directory)
    output = []
    for rtype in TYPES:
        lines = [dump(r) for r in resources if r["resourceType"] == rtype]
        data = ("\n".join(lines) + "\n").encode("utf-8")
        if rtype == "Observation":
            name = "Observation.ndjson.gz"
            buf = io.BytesIO()
            # mtime=0 and no file name in the header: byte-identical on every run
            with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as gz:
                gz.write(data)
            data = buf.getvalue()
        else:
            name = f"{rtype}.ndjson"
        with open(os.path.join(directory, name), "wb") as f:
            f.write(data)
        output.append({"type": rtype, "url": name, "count": len(lines)})
    manifest = {"transactionTime": TRANSACTION_TIME, "request": MUNICH_REQUEST,
                "requiresAccessToken": False, "output": output, "error": []}
    with open(os.path.join(directory, "manifest.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(manifest, indent=2) + "\n")


def write_bundle(path, resources):
    order = {t: i for i, t in enumerate(TYPES)}
    entries = []
    for r in sorted(resources, key=lambda r: order[r["resourceType"]]):  # stable: patients in order
        url = f"{r['resourceType']}/{r['id']}"
        entries.append({"fullUrl": ROME_BASE + url, "resource": r,
                        "request": {"method": "PUT", "url": url}})
    bundle = {"resourceType": "Bundle", "id": "adrenal-rome", "type": "transaction",
              "entry": entries}
    with open(path, "w", encoding="utf-8") as f:
        # one entry per line: small diffs, still valid JSON
        f.write('{"resourceType":"Bundle","id":"adrenal-rome","type":"transaction","entry":[\n')
        f.write(",\n".join(dump(e) for e in bundle["entry"]))
        f.write("\n]}\n")


def main():
    munich = read_site("munich")
    rome = read_site("rome")
    write_bulk(os.path.join(HERE, "munich"), munich)
    write_bundle(os.path.join(HERE, "rome.json"), rome)
    for site, res in (("munich", munich), ("rome", rome)):
        counts = {t: sum(r["resourceType"] == t for r in res) for t in TYPES}
        print(site, ", ".join(f"{t} {c}" for t, c in counts.items()))


if __name__ == "__main__":
    main()
