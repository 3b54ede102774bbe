#!/usr/bin/env python3
"""Read the FHIR version of the adrenal fixture back and compare it with the CSV files.

    python3 examples/adrenal/fhir/check_fhir.py

An independent, minimal reader of munich/ (Bulk Data export) and rome.json (transaction
Bundle) with the semantics of the `[fhir]` section of ../dictionary.toml, hard-coded
here: the index date is the earliest SNOMED 108290001 Procedure; ECOG is the LOINC
89247-1 Observation nearest to it (at most 30 days away); quantities are converted to
the dictionary's units; follow-up runs from the index date to Patient.deceasedDateTime
or, for the living, to the latest date of any of the patient's resources; resources
with status entered-in-error are skipped. Every value must equal the CSV's. Exits 1 on
any difference. Python 3 standard library only.
"""

import csv
import datetime as dt
import gzip
import json
import os
import sys
from decimal import ROUND_HALF_UP, Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
STUDY = os.path.dirname(HERE)
A = "https://sharestat.example/fhir/adrenal"

ECOG = {"http://loinc.org|LA9622-7": "0", "http://loinc.org|LA9623-5": "1",
        "http://loinc.org|LA9624-3": "2", "http://loinc.org|LA9625-0": "3",
        "http://loinc.org|LA9626-8": "4"}
LATERALITY = {"http://snomed.info/sct|7771000": "left", "http://snomed.info/sct|24028007": "right",
              "http://snomed.info/sct|51440002": "bilateral"}
PRIMARY = {"C34.9": "lung", "C43.9": "skin", "C22.0": "liver", "C18.9": "colorectal",
           "C64": "kidney", "C50.9": "other"}
ICD = {"munich": "http://fhir.de/CodeSystem/bfarm/icd-10-gm", "rome": "http://hl7.org/fhir/sid/icd-10"}
MOTION = {f"{A}|dibh": "dibh", f"{A}|debh": "debh", f"{A}|free-breathing": "free_breathing"}
CODED = {"timing": "timing", "pattern": "pattern", "chemotherapy": "chemotherapy",
         "immunotherapy": "immunotherapy", "toxicity": "toxicity",
         "toxicity_grade": "toxicity-grade", "local_control": "local-control"}
# column -> (code, dictionary unit, decimals)
QUANTITIES = {"fractions": ("fractions", "{#}", 0), "prescription_dose_gy": ("prescription-dose", "Gy", 1),
              "bed10_gy": ("bed10", "Gy", 1), "gtv_cc": ("gtv", "cm3", 1), "ptv_cc": ("ptv", "cm3", 1),
              "ptv_margin_mm": ("ptv-margin", "mm", 0), "ptv_dmax_gy": ("ptv-dmax", "Gy", 1),
              "conformity_index": ("conformity-index", "1", 2),
              "homogeneity_index": ("homogeneity-index", "1", 2)}
# (from, to) -> factor; only the pairs the fixture uses
FACTORS = {("cGy", "Gy"): Decimal("0.01"), ("mL", "cm3"): Decimal(1), ("cm", "mm"): Decimal(10)}


def codings(concept):
    return {f"{c.get('system', '')}|{c['code']}" for c in (concept or {}).get("coding", [])}


def rdate(r):
    for path in (("effectiveDateTime",), ("onsetDateTime",), ("performedDateTime",),
                 ("performedPeriod", "start"), ("period", "start"), ("effectivePeriod", "start")):
        v = r
        for p in path:
            v = v.get(p) if isinstance(v, dict) else None
        if v:
            return dt.date.fromisoformat(v[:10])
    return None


def load(site):
    if site == "munich":
        d = os.path.join(HERE, "munich")
        manifest = json.load(open(os.path.join(d, "manifest.json")))
        res = []
        for out in manifest["output"]:
            p = os.path.join(d, out["url"])
            text = (gzip.open(p, "rt", encoding="utf-8") if p.endswith(".gz") else open(p, encoding="utf-8")).read()
            lines = [json.loads(l) for l in text.splitlines() if l.strip()]
            assert len(lines) == out["count"] and all(r["resourceType"] == out["type"] for r in lines)
            res.extend(lines)
        return res
    bundle = json.load(open(os.path.join(HERE, "rome.json")))
    assert bundle["type"] == "transaction"
    for e in bundle["entry"]:
        r = e["resource"]
        assert e["request"] == {"method": "PUT", "url": f"{r['resourceType']}/{r['id']}"}
        assert e["fullUrl"].endswith("/" + e["request"]["url"])
    return [e["resource"] for e in bundle["entry"]]


def half_up(d, decimals):
    return d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def read(site):
    res = load(site)
    ids = [r["id"] for r in res]
    assert len(ids) == len(set(ids)), "duplicate ids"
    patients = [r for r in res if r["resourceType"] == "Patient"]
    by = {p["id"]: [] for p in patients}
    for r in res:
        if r["resourceType"] != "Patient":
            by[r["subject"]["reference"].split("/", 1)[1]].append(r)
    rows = []
    for p in patients:
        rs = [r for r in by[p["id"]] if r.get("status") != "entered-in-error"]
        row = {"gender": p["gender"]}

        def sel(rtype, codes):
            return sorted((r for r in rs if r["resourceType"] == rtype and codings(r.get("code")) & codes),
                          key=rdate)

        index = sel("Procedure", {"http://snomed.info/sct|108290001"})[0]
        idate = rdate(index)
        row["treatment_start"] = idate.isoformat()
        birth = dt.date.fromisoformat(p["birthDate"])
        row["age"] = str(idate.year - birth.year - ((idate.month, idate.day) < (birth.month, birth.day)))
        ecog = [o for o in sel("Observation", {"http://loinc.org|89247-1"}) if abs((rdate(o) - idate).days) <= 30]
        ecog.sort(key=lambda o: abs((rdate(o) - idate).days))
        row["ecog_status"] = ECOG[codings(ecog[0]["valueCodeableConcept"]).pop()] if ecog else ""
        lat = sel("Observation", {"http://snomed.info/sct|272741003"})
        row["laterality"] = LATERALITY[codings(lat[0]["valueCodeableConcept"]).pop()] if lat else ""
        for col, code in CODED.items():
            o = sel("Observation", {f"{A}|{code}"})
            row[col] = codings(o[0]["valueCodeableConcept"]).pop().split("|", 1)[1] if o else ""
        prim = sel("Condition", {f"{ICD[site]}|{c}" for c in PRIMARY})
        row["primary"] = PRIMARY[codings(prim[0]["code"]).pop().split("|", 1)[1]] if prim else ""
        for col, (code, unit, decimals) in QUANTITIES.items():
            o = sel("Observation", {f"{A}|{code}"})
            if not o:
                row[col] = ""
                continue
            q = o[0]["valueQuantity"]
            assert q["system"] == "http://unitsofmeasure.org" and q["unit"] == q["code"]
            v = Decimal(str(q["value"]))
            if q["code"] != unit:
                v = v * FACTORS[(q["code"], unit)]
            row[col] = half_up(v, decimals)
        row["adapted_fractions"] = str(len(sel("Procedure", {f"{A}|online-adaptation"})))
        mm = sel("Procedure", set(MOTION))
        row["motion_management"] = MOTION[codings(mm[0]["code"]).pop()] if mm else ""
        if "deceasedDateTime" in p:
            end = dt.date.fromisoformat(p["deceasedDateTime"][:10])
            row["event_death"] = "1"
        else:
            end = max(rdate(r) for r in rs)
            row["event_death"] = "0"
        assert all(rdate(r) <= end for r in by[p["id"]]), f"{p['id']}: a resource after the end"
        row["follow_up_months"] = half_up(Decimal((end - idate).days) / Decimal("30.4375"), 1)
        rows.append((p["id"], row))
    return rows, len(res)


def main():
    bad = 0
    for site in ("munich", "rome"):
        with open(os.path.join(STUDY, f"{site}.csv"), newline="") as f:
            expected = list(csv.DictReader(f))
        got, nres = read(site)
        assert len(got) == len(expected)
        for (pid, g), e in zip(got, expected):
            for col, ev in e.items():
                ev = "" if ev.strip().upper() == "NA" else ev.strip()
                gv = g[col]
                same = (Decimal(ev) == gv) if isinstance(gv, Decimal) and ev else (str(gv) == ev)
                if not same:
                    bad += 1
                    print(f"{pid} {col}: FHIR {gv!r}, CSV {ev!r}")
        print(f"{site}: {len(got)} patients, {nres} resources, {len(expected[0])} columns compared")
    print("all values equal the CSV" if not bad else f"{bad} differences")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
