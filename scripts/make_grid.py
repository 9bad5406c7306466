#!/usr/bin/env python3
"""Regenerate builder/data/grid.yaml from local copies of its source datasets.

Nothing here touches the network: download the inputs first, then run e.g.

    pip install pycountry pyyaml          # generation-time only
    python3 scripts/make_grid.py \
        --owid carbon-intensity-electricity.csv \
        --ember-us api_overview_usa_yearly.csv \
        --google region-carbon-info/data/yearly \
        --ccf cloud-carbon-footprint \
        -o builder/data/grid.yaml

Inputs
  --owid      Our World in Data "Carbon intensity of electricity" (gCO2e/kWh).
              Either the grapher export (columns Entity,Code,Year,<value>;
              https://ourworldindata.org/grapher/carbon-intensity-electricity)
              or the full owid-energy-data.csv from github.com/owid/energy-data
              (column carbon_intensity_elec). CC BY 4.0.
  --ember-us  data/api_overview_usa_yearly.csv from
              github.com/ember-climate/ember-data-api (Ember US state data,
              column emissions_intensity_gco2_per_kwh). CC BY 4.0.
  --google    data/yearly/ of github.com/GoogleCloudPlatform/region-carbon-info
              (one <year>.csv per year, gCO2eq/kWh). Apache-2.0.
  --ccf       a checkout of github.com/cloud-carbon-footprint/cloud-carbon-footprint
              (AWS and Azure grid emissions factors, metric t CO2e/kWh). Apache-2.0.

All values are written in kg CO2e per kWh, rounded to 4 decimals.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from pathlib import Path

import pycountry

# --------------------------------------------------------------------------
# Source descriptions (edit "retrieved" when inputs are refreshed)
# --------------------------------------------------------------------------

CCF_NOTE = (
    "Default grid emissions factors of Cloud Carbon Footprint "
    "(packages/aws/src/domain/AwsFootprintEstimationConstants.ts, "
    "packages/azure/src/domain/AzureFootprintEstimationConstants.ts, "
    "packages/core/src/FootprintEstimationConstants.ts), metric t CO2e/kWh x 1000. "
)

SOURCES = {
    "owid-energy": {
        "title": "Our World in Data, energy dataset, carbon_intensity_elec (Ember; Energy Institute)",
        "url": "https://github.com/owid/energy-data",
        "licence": "CC BY 4.0",
        "retrieved": "2025-12",
        "note": (
            "OWID 'Carbon intensity of electricity' (gCO2e per kWh of generation, "
            "https://ourworldindata.org/grapher/carbon-intensity-electricity), "
            "the same series as energy-data column carbon_intensity_elec, divided by 1000. "
            "Alpha-3 codes mapped to alpha-2; OWID_KOS mapped to XK; OWID aggregates other than World skipped."
        ),
    },
    "ember-us-states": {
        "title": "Ember, US electricity data by state, emissions_intensity_gco2_per_kwh (derived from EIA data)",
        "url": "https://github.com/ember-climate/ember-data-api/blob/main/data/api_overview_usa_yearly.csv",
        "licence": "CC BY 4.0",
        "retrieved": "2025-05-21",
        "note": (
            "Ember's published state intensity (labelled gCO2/kWh), divided by 1000. "
            "State-level totals are lower than Ember's national lifecycle CO2e figure "
            "used for US in owid-energy, so US-XX and US values are not directly comparable."
        ),
    },
    "google-region-carbon": {
        "title": "Google Cloud region carbon data, grid carbon intensity per region and year",
        "url": "https://github.com/GoogleCloudPlatform/region-carbon-info",
        "licence": "Apache-2.0",
        "retrieved": "2025-12-03",
        "note": (
            "data/yearly/<year>.csv, gCO2eq/kWh divided by 1000. The 2019 and 2020 files give "
            "lifecycle grid intensity, 2021 onwards operational (location-based, "
            "before Google's own carbon-free energy purchases)."
        ),
    },
    "ccf-egrid2020": {
        "title": "Cloud Carbon Footprint default factors: EPA eGRID2020 NERC-region CO2e rates",
        "url": "https://github.com/cloud-carbon-footprint/cloud-carbon-footprint",
        "licence": "Apache-2.0 (underlying EPA eGRID data: public domain)",
        "retrieved": "2024-03-25",
        "note": CCF_NOTE + "US regions use the NERC-region rate (RFC, SERC, WECC, MRO, TRE) "
        "of EPA eGRID2020, data year 2020.",
    },
    "ccf-eea-2020": {
        "title": "Cloud Carbon Footprint default factors: EEA GHG emission intensity of electricity generation",
        "url": "https://github.com/cloud-carbon-footprint/cloud-carbon-footprint",
        "licence": "Apache-2.0 (underlying EEA data: CC BY 4.0)",
        "retrieved": "2024-03-25",
        "note": CCF_NOTE + "Values cited by CCF to EEA indicator co2-emission-intensity-9 "
        "(https://www.eea.europa.eu/data-and-maps/daviz/co2-emission-intensity-9), "
        "recorded under 2020, the latest data year of that EEA release.",
    },
    "ccf-carbonfootprint-2021": {
        "title": "Cloud Carbon Footprint default factors: carbonfootprint.com country factors for 2021 electricity",
        "url": "https://github.com/cloud-carbon-footprint/cloud-carbon-footprint",
        "licence": "Apache-2.0 (as redistributed by Cloud Carbon Footprint)",
        "retrieved": "2024-03-25",
        "note": CCF_NOTE + "Values cited by CCF to "
        "https://www.carbonfootprint.com/docs/2022_03_emissions_factors_sources_for_2021_electricity_v11.pdf, "
        "recorded under 2021.",
    },
}

CCF_YEAR = {"ccf-egrid2020": 2020, "ccf-eea-2020": 2020, "ccf-carbonfootprint-2021": 2021}

# --------------------------------------------------------------------------
# Cloud regions: key -> (CCF enum member, location key, display name, source)
# Source assignment follows CCF's methodology, Appendix V (grid emissions
# factors); US regions always take the NERC-region eGRID2020 value.
# --------------------------------------------------------------------------

EGRID, EEA, CFC = "ccf-egrid2020", "ccf-eea-2020", "ccf-carbonfootprint-2021"

AWS_REGIONS = {
    "us-east-1": ("US-VA", "N. Virginia", EGRID),
    "us-east-2": ("US-OH", "Ohio", EGRID),
    "us-west-1": ("US-CA", "N. California", EGRID),
    "us-west-2": ("US-OR", "Oregon", EGRID),
    "af-south-1": ("ZA", "Cape Town", CFC),
    "ap-east-1": ("HK", "Hong Kong", CFC),
    "ap-south-1": ("IN", "Mumbai", CFC),
    "ap-northeast-1": ("JP", "Tokyo", CFC),
    "ap-northeast-2": ("KR", "Seoul", CFC),
    "ap-northeast-3": ("JP", "Osaka", CFC),
    "ap-southeast-1": ("SG", "Singapore", CFC),
    "ap-southeast-2": ("AU", "Sydney", CFC),
    "ap-southeast-3": ("ID", "Jakarta", CFC),
    "ca-central-1": ("CA", "Montreal", CFC),
    "cn-north-1": ("CN", "Beijing", CFC),
    "cn-northwest-1": ("CN", "Ningxia", CFC),
    "eu-central-1": ("DE", "Frankfurt", EEA),
    "eu-west-1": ("IE", "Ireland", EEA),
    "eu-west-2": ("GB", "London", EEA),
    "eu-west-3": ("FR", "Paris", EEA),
    "eu-south-1": ("IT", "Milan", EEA),
    "eu-north-1": ("SE", "Stockholm", EEA),
    "me-south-1": ("BH", "Bahrain", CFC),
    "me-central-1": ("AE", "UAE", CFC),
    "sa-east-1": ("BR", "Sao Paulo", CFC),
}

AZURE_REGIONS = {
    # key: (CCF AZURE_REGIONS member, location, name, source)
    "centralus": ("US_CENTRAL", "US-IA", "Iowa", EGRID),
    "eastus": ("US_EAST", "US-VA", "Virginia", EGRID),
    "eastus2": ("US_EAST_2", "US-VA", "Virginia", EGRID),
    "northcentralus": ("US_NORTH_CENTRAL", "US-IL", "Illinois", EGRID),
    "southcentralus": ("US_SOUTH_CENTRAL", "US-TX", "Texas", EGRID),
    "westcentralus": ("US_WEST_CENTRAL", "US-WY", "Wyoming", EGRID),
    "westus": ("US_WEST", "US-CA", "California", EGRID),
    "westus2": ("US_WEST_2", "US-WA", "Washington", EGRID),
    "westus3": ("US_WEST_3", "US-AZ", "Arizona", EGRID),
    "canadacentral": ("US_CANADA_CENTRAL", "CA", "Toronto", CFC),
    "canadaeast": ("US_CANADA_EAST", "CA", "Quebec City", CFC),
    "brazilsouth": ("BRAZIL_SOUTH", "BR", "Sao Paulo State", CFC),
    "brazilsoutheast": ("BRAZIL_SOUTH_EAST", "BR", "Rio de Janeiro", CFC),
    "northeurope": ("EU_NORTH", "IE", "Ireland", EEA),
    "westeurope": ("EU_WEST", "NL", "Netherlands", EEA),
    "uksouth": ("UK_SOUTH", "GB", "London", EEA),
    "ukwest": ("UK_WEST", "GB", "Cardiff", EEA),
    "francecentral": ("EU_FRANCE_CENTRAL", "FR", "Paris", CFC),
    "francesouth": ("EU_FRANCE_SOUTH", "FR", "Marseille", CFC),
    "germanynorth": ("EU_GERMANY_NORTH", "DE", "Berlin", CFC),
    "germanywestcentral": ("EU_GERMANY_WESTCENTRAL", "DE", "Frankfurt", CFC),
    "norwayeast": ("EU_NORWAY_EAST", "NO", "Oslo", CFC),
    "norwaywest": ("EU_NORWAY_WEST", "NO", "Stavanger", CFC),
    "swedencentral": ("EU_SWEDEN_CENTRAL", "SE", "Gavle", CFC),
    "switzerlandnorth": ("EU_SWITZERLAND_NORTH", "CH", "Zurich", CFC),
    "switzerlandwest": ("EU_SWITZERLAND_WEST", "CH", "Geneva", CFC),
    "uaecentral": ("ME_UAE_CENTRAL", "AE", "Abu Dhabi", CFC),
    "uaenorth": ("ME_UAE_NORTH", "AE", "Dubai", CFC),
    "southafricanorth": ("AF_SOUTH_AFRICA_NORTH", "ZA", "Johannesburg", CFC),
    "southafricawest": ("AF_SOUTH_AFRICA_WEST", "ZA", "Cape Town", CFC),
    "australiaeast": ("AP_AUSTRALIA_EAST", "AU", "New South Wales", CFC),
    "australiasoutheast": ("AP_AUSTRALIA_SOUTH_EAST", "AU", "Victoria", CFC),
    "australiacentral": ("AP_AUSTRALIA_CENTRAL", "AU", "Canberra", CFC),
    "australiacentral2": ("AP_AUSTRALIA_CENTRAL2", "AU", "Canberra", CFC),
    "eastasia": ("ASIA_EAST", "HK", "Hong Kong", CFC),
    "southeastasia": ("ASIA_SOUTH_EAST", "SG", "Singapore", CFC),
    "japaneast": ("AP_JAPAN_EAST", "JP", "Tokyo", CFC),
    "japanwest": ("AP_JAPAN_WEST", "JP", "Osaka", CFC),
    "koreacentral": ("AP_KOREA_EAST", "KR", "Seoul", CFC),
    "koreasouth": ("AP_KOREA_SOUTH", "KR", "Busan", CFC),
    "centralindia": ("IN_CENTRAL", "IN", "Pune", CFC),
    "southindia": ("IN_SOUTH", "IN", "Chennai", CFC),
    "westindia": ("IN_WEST", "IN", "Mumbai", CFC),
}

# Google Cloud region -> location key (country, or US state for US regions).
GCP_LOCATION = {
    "africa-south1": "ZA",
    "asia-east1": "TW",
    "asia-east2": "HK",
    "asia-northeast1": "JP",
    "asia-northeast2": "JP",
    "asia-northeast3": "KR",
    "asia-south1": "IN",
    "asia-south2": "IN",
    "asia-southeast1": "SG",
    "asia-southeast2": "ID",
    "australia-southeast1": "AU",
    "australia-southeast2": "AU",
    "europe-central2": "PL",
    "europe-north1": "FI",
    "europe-north2": "SE",
    "europe-southwest1": "ES",
    "europe-west1": "BE",
    "europe-west2": "GB",
    "europe-west3": "DE",
    "europe-west4": "NL",
    "europe-west6": "CH",
    "europe-west8": "IT",
    "europe-west9": "FR",
    "europe-west10": "DE",
    "europe-west12": "IT",
    "me-central1": "QA",
    "me-central2": "SA",
    "me-west1": "IL",
    "northamerica-northeast1": "CA",
    "northamerica-northeast2": "CA",
    "northamerica-south1": "MX",
    "southamerica-east1": "BR",
    "southamerica-west1": "CL",
    "us-central1": "US-IA",
    "us-central2": "US-OK",
    "us-east1": "US-SC",
    "us-east2": "US-GA",
    "us-east4": "US-VA",
    "us-east5": "US-OH",
    "us-south1": "US-TX",
    "us-west1": "US-OR",
    "us-west2": "US-CA",
    "us-west3": "US-UT",
    "us-west4": "US-NV",
}

US_STATE_ALIASES = {"Washington, D.C.": "DC"}
SKIP_US_ROWS = {"US Total"}


def kg(g_per_kwh: float) -> float:
    return round(g_per_kwh / 1000.0, 4)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------
# Readers
# --------------------------------------------------------------------------


def read_owid(path: Path) -> tuple[dict, dict]:
    """Return ({key: {year: kg}}, {key: name}) for countries and WORLD."""
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        cols = reader.fieldnames or []
        if "carbon_intensity_elec" in cols:
            ent, code, year, val = "country", "iso_code", "year", "carbon_intensity_elec"
        else:
            ent, code, year, val = cols[0], cols[1], cols[2], cols[3]
        series: dict[str, dict[int, float]] = {}
        names: dict[str, str] = {}
        for row in reader:
            raw = (row.get(val) or "").strip()
            c = (row.get(code) or "").strip()
            if not raw or not c:
                continue
            if c == "OWID_WRL":
                key = "WORLD"
            elif c == "OWID_KOS":
                key = "XK"
            elif c.startswith("OWID_"):
                continue
            else:
                country = pycountry.countries.get(alpha_3=c)
                if country is None:
                    sys.exit(f"unknown ISO alpha-3 code in OWID data: {c}")
                key = country.alpha_2
            names[key] = row[ent].strip()
            series.setdefault(key, {})[int(row[year])] = kg(float(raw))
    return series, names


def us_state_code(name: str) -> str:
    if name in US_STATE_ALIASES:
        return US_STATE_ALIASES[name]
    for sub in pycountry.subdivisions.get(country_code="US"):
        if sub.name == name:
            return sub.code.split("-", 1)[1]
    sys.exit(f"unknown US state name in Ember data: {name}")


def read_ember_us(path: Path) -> tuple[dict, dict]:
    series: dict[str, dict[int, float]] = {}
    names: dict[str, str] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            state = row["state"].strip()
            raw = (row.get("emissions_intensity_gco2_per_kwh") or "").strip()
            if state in SKIP_US_ROWS or not raw:
                continue
            key = "US-" + us_state_code(state)
            names[key] = ("District of Columbia" if key == "US-DC" else state) + " (US)"
            series.setdefault(key, {})[int(row["year"])] = kg(float(raw))
    return series, names


def read_google(folder: Path) -> tuple[dict, dict]:
    series: dict[str, dict[int, float]] = {}
    names: dict[str, str] = {}
    for f in sorted(folder.glob("*.csv"), key=lambda p: int(p.stem)):
        year = int(f.stem)
        with f.open(newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            col = next(i for i, h in enumerate(header) if "carbon intensity" in h.lower())
            for row in reader:
                if not row or not row[0].strip() or not row[col].strip():
                    continue
                region = row[0].strip()
                series.setdefault(region, {})[year] = kg(float(row[col]))
                names[region] = row[1].strip()  # latest file wins
    return series, names


def _block(text: str, marker: str) -> str:
    start = text.index(marker)
    body = re.compile(r"=\s*\{").search(text, start).end()
    return text[body : text.index("}", body)]


def read_ccf(repo: Path) -> tuple[dict, dict]:
    core = (repo / "packages/core/src/FootprintEstimationConstants.ts").read_text()
    nerc = {
        k: float(v)
        for k, v in re.findall(
            r"(\w+):\s*([0-9.]+)", _block(core, "US_NERC_REGIONS_EMISSIONS_FACTORS")
        )
    }

    def value(expr: str) -> float:
        if expr.startswith("US_NERC_REGIONS_EMISSIONS_FACTORS."):
            return nerc[expr.split(".", 1)[1]]
        return float(expr)

    aws_enum = dict(
        re.findall(
            r"(\w+)\s*=\s*'([^']+)'", (repo / "packages/aws/src/lib/AWSRegions.ts").read_text()
        )
    )
    aws_text = (repo / "packages/aws/src/domain/AwsFootprintEstimationConstants.ts").read_text()
    aws = {
        aws_enum[m]: value(v)
        for m, v in re.findall(
            r"\[AWS_REGIONS\.(\w+)\]:\s*([\w.]+)",
            _block(aws_text, "AWS_EMISSIONS_FACTORS_METRIC_TON_PER_KWH"),
        )
    }
    az_text = (repo / "packages/azure/src/domain/AzureFootprintEstimationConstants.ts").read_text()
    azure = {
        m: value(v)
        for m, v in re.findall(
            r"\[AZURE_REGIONS\.(\w+)\.name\]:\s*([\w.]+)",
            _block(az_text, "AZURE_EMISSIONS_FACTORS_METRIC_TON_PER_KWH"),
        )
    }
    # metric t/kWh -> kg/kWh
    return (
        {k: round(v * 1000, 4) for k, v in aws.items()},
        {k: round(v * 1000, 4) for k, v in azure.items()},
    )


# --------------------------------------------------------------------------
# Writer (hand-rolled for a stable, compact layout)
# --------------------------------------------------------------------------

# Words YAML 1.1 loaders (e.g. PyYAML) read as booleans/null, such as the key NO (Norway).
YAML11_SPECIAL = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"}
_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._()/-]*$")


def scalar(s: str) -> str:
    if re.fullmatch(r"https?://[^\s#,\[\]{}]+", s):
        return s
    if _PLAIN.match(s) and not s.endswith(" ") and s.lower() not in YAML11_SPECIAL:
        return s
    return json.dumps(s, ensure_ascii=False)


def year_map(values: dict[int, float]) -> str:
    return "{" + ", ".join(f"{y}: {fmt(values[y])}" for y in sorted(values)) + "}"


def fmt(v: float) -> str:
    s = f"{v:.4f}".rstrip("0")
    return s + "0" if s.endswith(".") else s


def write_yaml(out: Path, sources: dict, regions: list[tuple[str, dict]]) -> None:
    lines = [
        "# Grid carbon intensity catalog, kg CO2e per kWh, location-based annual averages.",
        "# Keys: WORLD; ISO 3166-1 alpha-2 countries (XK = Kosovo); US-XX US states (plus DC, PR);",
        "# gcp-/aws-/azure-<region> cloud regions, whose `location` names the country or US-state",
        "# entry to fall back on for years the cloud source does not cover.",
        "# Values: source figure in g/kWh (or t/kWh) converted to kg/kWh, rounded to 4 decimals;",
        "# years without a published value are omitted. See each source's note for its basis.",
        "# Regenerate (offline, from downloaded copies of the sources):",
        "#   python3 scripts/make_grid.py --help",
        "sources:",
    ]
    for key, meta in sources.items():
        lines.append(f"  {key}:")
        for field in ("title", "url", "licence", "retrieved", "note"):
            if field in meta:
                v = meta[field]
                if field in ("title", "retrieved", "note"):
                    lines.append(f"    {field}: {json.dumps(v, ensure_ascii=False)}")
                else:
                    lines.append(f"    {field}: {scalar(v)}")
    lines.append("regions:")
    for key, r in regions:
        lines.append(f"  {scalar(key)}:")
        lines.append(f"    name: {scalar(r['name'])}")
        lines.append(f"    kind: {r['kind']}")
        if "provider" in r:
            lines.append(f"    provider: {r['provider']}")
            lines.append(f"    location: {scalar(r['location'])}")
        if "source" in r:  # a cloud region without its own figures uses its location's grid
            lines.append(f"    source: {r['source']}")
            lines.append(f"    kg_per_kwh: {year_map(r['kg_per_kwh'])}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--owid", type=Path, required=True)
    ap.add_argument("--ember-us", type=Path, required=True)
    ap.add_argument("--google", type=Path, required=True)
    ap.add_argument("--ccf", type=Path, required=True)
    ap.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path(__file__).resolve().parents[1] / "builder" / "data" / "grid.yaml",
    )
    a = ap.parse_args()

    sources = {k: dict(v) for k, v in SOURCES.items()}
    sources["owid-energy"]["note"] += f" Input file sha256 {sha256(a.owid)}."
    sources["ember-us-states"]["note"] += f" Input file sha256 {sha256(a.ember_us)}."

    owid, owid_names = read_owid(a.owid)
    ember, ember_names = read_ember_us(a.ember_us)
    google, google_names = read_google(a.google)
    aws, azure = read_ccf(a.ccf)

    regions: list[tuple[str, dict]] = []
    regions.append(
        (
            "WORLD",
            {
                "name": "World",
                "kind": "world",
                "source": "owid-energy",
                "kg_per_kwh": owid["WORLD"],
            },
        )
    )
    for key in sorted(k for k in owid if k != "WORLD"):
        regions.append(
            (
                key,
                {
                    "name": owid_names[key],
                    "kind": "country",
                    "source": "owid-energy",
                    "kg_per_kwh": owid[key],
                },
            )
        )
    for key in sorted(ember):
        regions.append(
            (
                key,
                {
                    "name": ember_names[key],
                    "kind": "us-state",
                    "source": "ember-us-states",
                    "kg_per_kwh": ember[key],
                },
            )
        )

    known = set(owid) | set(ember)
    cloud: list[tuple[str, dict]] = []
    for region, values in google.items():
        if region not in GCP_LOCATION:
            sys.exit(f"no location for Google Cloud region {region}; add it to GCP_LOCATION")
        cloud.append(
            (
                f"gcp-{region}",
                {
                    "name": f"Google Cloud {region} ({google_names[region]})",
                    "kind": "cloud-region",
                    "provider": "gcp",
                    "location": GCP_LOCATION[region],
                    "source": "google-region-carbon",
                    "kg_per_kwh": values,
                },
            )
        )

    def ccf_row(name: str, provider: str, loc: str, src: str, value: float) -> dict:
        row = {"name": name, "kind": "cloud-region", "provider": provider, "location": loc}
        # carbonfootprint.com's factors carry no licence of their own that allows
        # redistribution: such regions fall back to their location's grid instead.
        if src != CFC:
            row.update(source=src, kg_per_kwh={CCF_YEAR[src]: value})
        return row

    for region, (loc, label, src) in AWS_REGIONS.items():
        cloud.append(
            (f"aws-{region}", ccf_row(f"AWS {region} ({label})", "aws", loc, src, aws[region]))
        )
    for region, (member, loc, label, src) in AZURE_REGIONS.items():
        cloud.append(
            (
                f"azure-{region}",
                ccf_row(f"Azure {region} ({label})", "azure", loc, src, azure[member]),
            )
        )
    for key, r in cloud:
        if r["location"] not in known:
            sys.exit(f"{key}: location {r['location']} has no grid entry")
    regions.extend(sorted(cloud, key=lambda kv: kv[0]))

    del sources[CFC]
    write_yaml(a.output, sources, regions)
    print(f"wrote {a.output} with {len(regions)} regions")


if __name__ == "__main__":
    main()
