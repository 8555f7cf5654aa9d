"""Seeded generator of benchmark instances (scenario-v1 folders: scenario.yaml + programs.csv).

SYNTHETIC DATA: every program is invented; names are made up, cities are real
and their costs are rough relative levels only.

Each class fixes the catalog size; each seed varies the budget tightness
(0.4x to 1.6x of a typical plan's cost), the gap (0 or 7 days), rotation
lengths, deadline styles, the student profile and, for one seed, a lock. The
output depends on (class, seed) alone: the same pair gives byte-identical files.

    python -m benchmarks.generate            # every class, seeds 1..5
    python -m benchmarks.generate --class national --seed 3
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import re
import statistics
import zipfile
from dataclasses import dataclass
from pathlib import Path

from rotation_solver.scenario.schema import KNOWN_COLUMNS

INSTANCES = Path(__file__).resolve().parent / "instances"
SEEDS = (1, 2, 3, 4, 5)
# Budget factor and gap per seed index: every class sees every tightness.
TIGHTNESS = (0.4, 0.7, 1.0, 1.3, 1.6)
GAPS = (0, 7, 0, 7, 0)

# The catalog columns, in the spec's order (the schema is the single source).
COLUMNS = list(KNOWN_COLUMNS)

CITIES = [
    ("New York", "NY", 900, 300),
    ("Boston", "MA", 880, 320),
    ("San Francisco", "CA", 900, 560),
    ("Seattle", "WA", 760, 600),
    ("Washington", "DC", 760, 280),
    ("Denver", "CO", 640, 420),
    ("Chicago", "IL", 640, 300),
    ("Philadelphia", "PA", 620, 290),
    ("Baltimore", "MD", 560, 280),
    ("Minneapolis", "MN", 540, 380),
    ("Atlanta", "GA", 520, 220),
    ("Nashville", "TN", 540, 260),
    ("Houston", "TX", 460, 300),
    ("Pittsburgh", "PA", 430, 280),
    ("Cleveland", "OH", 400, 300),
    ("St. Louis", "MO", 380, 320),
    ("Tampa", "FL", 480, 200),
    ("Gainesville", "FL", 360, 200),
    ("Albuquerque", "NM", 380, 460),
    ("Omaha", "NE", 330, 380),
    ("Little Rock", "AR", 300, 320),
    ("Birmingham", "AL", 320, 240),
    ("Buffalo", "NY", 360, 320),
    ("Jackson", "MS", 270, 280),
]

DOCUMENTS = {
    "transcript": dt.date(2027, 1, 10),
    "immunizations": dt.date(2027, 2, 20),
    "bls": dt.date(2027, 3, 1),
    "step_scores": dt.date(2027, 4, 5),
}


@dataclass(frozen=True)
class SizeClass:
    """Catalog shape of one class."""

    name: str
    programs: int
    window: tuple[dt.date, dt.date]
    starts: str  # "few": 2-5 Mondays; "runs": long weekly runs
    feasible_bias: float  # higher: fewer starts lost to deadlines and IMG rules
    catalog: str = "csv"  # "xlsx" keeps the big catalogs small on disk (zip-compressed)


SUMMER_FALL = (dt.date(2027, 6, 1), dt.date(2027, 12, 17))
FULL_YEAR = (dt.date(2027, 4, 5), dt.date(2028, 3, 31))

CLASSES: dict[str, SizeClass] = {
    "tiny": SizeClass("tiny", 10, SUMMER_FALL, "few", 0.5),
    "small": SizeClass("small", 50, SUMMER_FALL, "runs", 0.5),
    "national": SizeClass("national", 300, SUMMER_FALL, "runs", 0.6),
    "large": SizeClass("large", 600, SUMMER_FALL, "runs", 0.7),
    "stress": SizeClass("stress", 1250, FULL_YEAR, "runs", 0.97, "xlsx"),
}


def mondays(window: tuple[dt.date, dt.date]) -> list[dt.date]:
    """Catalog Mondays, running a little past the window on both sides."""
    day = window[0] - dt.timedelta(days=window[0].weekday() + 7)
    out = []
    while day <= window[1]:
        out.append(day)
        day += dt.timedelta(days=7)
    return out


def pick_starts(rng: random.Random, size: SizeClass, weeks: int) -> list[dt.date]:
    days = mondays(size.window)
    if size.starts == "few":
        return sorted(rng.sample(days, rng.randint(2, 5)))
    style = rng.choices(["run", "blocks", "split"], weights=[75, 8, 17])[0]
    if style == "run":
        chosen = days[rng.randrange(0, 3) : len(days) - rng.randrange(0, 4)]
        if rng.random() < 0.25:
            i = rng.randrange(len(chosen))
            chosen = chosen[:i] + chosen[i + rng.choice([1, 2]) :]
    elif style == "blocks":
        chosen = days[rng.randrange(0, weeks) :: weeks]
    else:
        cut = rng.randrange(len(days) // 3, len(days) // 2)
        chosen = days[rng.randrange(0, 2) : cut] + days[cut + rng.randrange(1, 4) :]
    # Drop Mondays whose rotation could never fit the window: they only cost bytes.
    last = size.window[1] - dt.timedelta(days=7 * weeks - 1)
    first = size.window[0]
    keep = [d for d in chosen if first <= d <= last]
    return keep or chosen[:1]


def make_program(
    rng: random.Random,
    size: SizeClass,
    specialty: str,
    tier: str,
    index: int,
    lengths: list[int],
    length_weights: list[int],
) -> dict[str, str]:
    city, state, housing_base, travel_base = rng.choice(CITIES)
    weeks = rng.choices(lengths, weights=length_weights)[0]
    radiology = specialty == "radiology"
    if tier == "reach":
        friendly, accepts = rng.random() < 0.15, rng.random() < 0.8 + 0.2 * size.feasible_bias
        letter, audition = rng.randint(7, 10), rng.randint(7, 10)
        acceptance = rng.choice([0.2, 0.25, 0.3, 0.35, 0.4, 0.45])
        fee = rng.randrange(120, 251, 5)
    elif tier == "target":
        friendly, accepts = rng.random() < 0.7, rng.random() < 0.95
        letter, audition = rng.randint(5, 9), rng.randint(5, 9)
        acceptance = rng.choice([0.45, 0.5, 0.55, 0.6, 0.65, 0.7])
        fee = rng.randrange(40, 181, 5)
    else:
        friendly, accepts = rng.random() < 0.95, True
        letter, audition = rng.randint(4, 8), rng.randint(3, 7)
        acceptance = rng.choice([0.7, 0.75, 0.8, 0.85, 0.9, 0.95])
        fee = rng.randrange(15, 101, 5)
    if not radiology:
        audition = 0
    interest = rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 4, 3, 2])[0]
    opens = dt.date(2027, 1, 4) + dt.timedelta(days=7 * rng.randrange(0, 11))
    lenient = rng.random() < size.feasible_bias
    style = (
        rng.choice(["none", "weeks"])
        if lenient
        else rng.choices(["weeks", "date", "both", "none"], weights=[50, 25, 10, 15])[0]
    )
    app_deadline = weeks_before = ""
    if style in ("date", "both"):
        app_deadline = (
            dt.date(2027, 3, 1) + dt.timedelta(days=7 * rng.randrange(0, 18))
        ).isoformat()
    if style in ("weeks", "both"):
        weeks_before = str(rng.choice([4, 6, 8]) if lenient else rng.choice([4, 8, 12, 16]))
    requires = ["transcript", "immunizations"]
    if rng.random() < 0.7:
        requires.append("bls")
    if tier == "reach" and rng.random() < 0.5:
        requires.append("step_scores")
    housing = max(250, min(900, round(housing_base * rng.uniform(0.9, 1.1) / 10) * 10))
    travel = max(200, min(700, round(travel_base * rng.uniform(0.9, 1.15) / 10) * 10))
    surcharge = rng.choice(["", "0", "0", "0", "50", "100", "200", "300", "500"])
    prefix = {"radiology": "rad", "internal_medicine": "im", "emergency_medicine": "em"}
    pid = f"{prefix.get(specialty, specialty[:4])}-{index:04d}"
    return {
        "id": pid,
        "name": f"{pid} {tier} {specialty} (synthetic)",
        "city": city,
        "state": state,
        "specialty": specialty,
        "tier": tier,
        "img_friendly": "true" if friendly else "false",
        "accepts_img": "true" if accepts else "false",
        "starts": ";".join(d.isoformat() for d in pick_starts(rng, size, weeks)),
        "weeks": str(weeks),
        "application_opens": opens.isoformat(),
        "application_deadline": app_deadline,
        "deadline_weeks_before_start": weeks_before,
        "requires": ";".join(requires),
        "housing_per_week": str(housing),
        "travel": str(travel),
        "fee": str(fee),
        "img_surcharge": surcharge,
        "letter": str(letter),
        "audition": str(audition),
        "interest": str(interest),
        "acceptance": f"{acceptance:.2f}".rstrip("0").rstrip("."),
    }


def cost(row: dict[str, str]) -> int:
    """Spec section 4 cost for an IMG student (every benchmark student is one)."""
    return (
        int(row["housing_per_week"]) * int(row["weeks"])
        + int(row["travel"])
        + int(row["fee"])
        + int(row["img_surcharge"] or 0)
    )


@dataclass(frozen=True)
class Instance:
    size: str
    seed: int
    programs: list[dict[str, str]]
    yaml: str


def generate(size_name: str, seed: int) -> Instance:
    size = CLASSES[size_name]
    index = SEEDS.index(seed) % len(TIGHTNESS) if seed in SEEDS else seed % len(TIGHTNESS)
    rng = random.Random(f"{size_name}-{seed}")
    # Rotation lengths vary per seed: short, mixed or long rotations dominate.
    lengths, length_weights = rng.choice(
        [([2, 3, 4], [25, 15, 60]), ([1, 2, 4], [20, 50, 30]), ([3, 4, 6, 8], [30, 50, 15, 5])]
    )
    rows = []
    n_rad = max(3, round(size.programs * 0.68))
    for i in range(1, n_rad + 1):
        tier = rng.choices(["reach", "target", "safety"], weights=[25, 45, 30])[0]
        rows.append(make_program(rng, size, "radiology", tier, i, lengths, length_weights))
    clinical = ["internal_medicine", "emergency_medicine", "surgery", "transitional"]
    for i in range(1, size.programs - n_rad + 1):
        specialty = clinical[(i - 1) % len(clinical)] if i <= 3 else rng.choice(clinical)
        tier = rng.choices(["reach", "target", "safety"], weights=[15, 50, 35])[0]
        rows.append(make_program(rng, size, specialty, tier, i, lengths, length_weights))
    rad_costs = [cost(r) for r in rows if r["specialty"] == "radiology"]
    cli_costs = [cost(r) for r in rows if r["specialty"] != "radiology"]
    typical = 2 * statistics.median(rad_costs) + statistics.median(cli_costs)
    budget = round(TIGHTNESS[index] * typical / 10) * 10
    gap = GAPS[index]
    strong = rng.random() < 0.6
    step2 = rng.randint(241, 262) if strong else rng.randint(221, 239)
    locks = ""
    blocked_start = size.window[0] + dt.timedelta(days=rng.randrange(30, 90))
    blocked_end = blocked_start + dt.timedelta(days=6)
    if index == 2:  # one seed per class carries an accepted offer that fits the calendar
        rad = [r for r in rows if r["specialty"] == "radiology" and r["tier"] != "reach"]
        pick = rng.choice(rad)
        span = dt.timedelta(days=7 * int(pick["weeks"]) - 1)
        fits = [
            d
            for d in map(dt.date.fromisoformat, pick["starts"].split(";"))
            if size.window[0] <= d
            and d + span <= size.window[1]
            and (d + span < blocked_start or d > blocked_end)
        ]
        if fits:
            start = fits[len(fits) // 2].isoformat()
            locks = f"locks: [{{program: {pick['id']}, start: {start}}}]\n"
    docs = "\n".join(f"  {k}: {v.isoformat()}" for k, v in DOCUMENTS.items())
    yaml = f"""\
# SYNTHETIC DATA: invented programs; generated by `python -m benchmarks.generate`
# (class {size_name}, seed {seed}); do not edit by hand, regenerate.
version: 1
name: "benchmark {size_name} seed {seed} (synthetic)"
planning_date: 2027-01-15
eras_submission: 2027-09-25
student:
  citizenship: us_citizen
  school_type: img
  step2ck: {step2}
  us_clinical_weeks: {8 if strong else 0}
  radiology_exposure: none
  radiology_research: true
  home_city: "Miami, FL"
calendar:
  window: {{start: {size.window[0].isoformat()}, end: {size.window[1].isoformat()}}}
  blocked:
    - {{start: {blocked_start.isoformat()}, end: {blocked_end.isoformat()}, reason: "exam week"}}
  min_gap_days: {gap}
budget: {budget}
documents:
{docs}
requirements:
  radiology: {{min: 2, max: 3}}
  clinical: {{min: 1, max: 1, specialties: [internal_medicine, emergency_medicine, surgery]}}
  max_rotations: 4
  tier_mix: true
{locks}value_model: default
programs: programs.{size.catalog}
"""
    return Instance(size_name, seed, rows, yaml)


def write_xlsx(rows: list[dict[str, str]], path: Path) -> None:
    """An XLSX catalog (text cells) with fixed timestamps, so the bytes depend on rows only."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    fixed = dt.datetime(2027, 1, 1)
    book.properties.created = book.properties.modified = fixed
    sheet = book.create_sheet("programs")
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([row[c] for c in COLUMNS])
    raw = io.BytesIO()
    book.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as sink:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(2027, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(item.filename)
            if item.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2027-01-01T00:00:00Z", data
                )
            sink.writestr(info, data)
    path.write_bytes(out.getvalue())


def write(instance: Instance, root: Path = INSTANCES) -> Path:
    folder = root / instance.size / f"seed{instance.seed}"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("programs.*"):
        stale.unlink()
    if CLASSES[instance.size].catalog == "xlsx":
        write_xlsx(instance.programs, folder / "programs.xlsx")
    else:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(instance.programs)
        (folder / "programs.csv").write_text(buf.getvalue(), encoding="utf-8")
    (folder / "scenario.yaml").write_text(instance.yaml, encoding="utf-8")
    return folder / "scenario.yaml"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--class", dest="size", choices=list(CLASSES), action="append")
    parser.add_argument("--seed", type=int, action="append")
    parser.add_argument("--out", type=Path, default=INSTANCES)
    args = parser.parse_args(argv)
    for size in args.size or list(CLASSES):
        for seed in args.seed or SEEDS:
            print(write(generate(size, seed), args.out))


if __name__ == "__main__":
    main()
