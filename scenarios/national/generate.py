#!/usr/bin/env python3
"""Generate the synthetic national scenario (programs.csv + scenario.yaml).

SYNTHETIC DATA: every program is invented for demonstration; the names are
made up and no row states a fact about a real program. The cities are real
and their housing and travel costs are only rough relative levels.

The catalog has about 200 radiology programs and about 100 clinical ones
(internal medicine, emergency medicine, surgery, plus a few transitional and
"other" rows that the default requirements do not request). Programs offer
weekly Monday starts, mostly in long runs or fixed blocks, so that the
number of feasible (program, start) offerings under scenario-v1 section 4 is
a few thousand: a realistic size for the solver.

Standard library only. The output depends on the seed alone: the same seed
always gives byte-identical files.

    python generate.py                    # seed 2027, writes next to this file
    python generate.py --seed 7 --out /tmp/national-7
"""

import argparse
import csv
import datetime as dt
import io
import os
import random

DEFAULT_SEED = 2027

WINDOW_START = dt.date(2027, 6, 1)
WINDOW_END = dt.date(2027, 12, 17)
# Catalog Mondays run a little past the window on both sides, as real
# catalogs do; the window then filters them.
FIRST_MONDAY = dt.date(2027, 5, 31)
LAST_MONDAY = dt.date(2027, 12, 13)

COLUMNS = [
    "id",
    "name",
    "city",
    "state",
    "specialty",
    "tier",
    "img_friendly",
    "accepts_img",
    "starts",
    "weeks",
    "application_opens",
    "application_deadline",
    "deadline_weeks_before_start",
    "requires",
    "housing_per_week",
    "travel",
    "fee",
    "img_surcharge",
    "letter",
    "audition",
    "interest",
    "acceptance",
]

# (city, state, short-term housing USD/week, round-trip travel USD from Miami)
# Housing levels are rough relative costs of furnished short stays; travel is
# higher the farther from the (Miami) home city.
CITIES = [
    ("New York", "NY", 900, 300),
    ("Boston", "MA", 880, 320),
    ("San Francisco", "CA", 900, 560),
    ("Los Angeles", "CA", 780, 520),
    ("Seattle", "WA", 760, 600),
    ("San Diego", "CA", 720, 540),
    ("Washington", "DC", 760, 280),
    ("Honolulu", "HI", 850, 700),
    ("Oakland", "CA", 760, 560),
    ("Denver", "CO", 640, 420),
    ("Chicago", "IL", 640, 300),
    ("Philadelphia", "PA", 620, 290),
    ("Portland", "OR", 620, 580),
    ("Baltimore", "MD", 560, 280),
    ("Minneapolis", "MN", 540, 380),
    ("Austin", "TX", 560, 340),
    ("Sacramento", "CA", 580, 560),
    ("Salt Lake City", "UT", 520, 460),
    ("Atlanta", "GA", 520, 220),
    ("Phoenix", "AZ", 500, 440),
    ("Nashville", "TN", 540, 260),
    ("Dallas", "TX", 500, 320),
    ("Houston", "TX", 460, 300),
    ("Charlotte", "NC", 460, 240),
    ("Raleigh", "NC", 470, 240),
    ("Richmond", "VA", 440, 260),
    ("Pittsburgh", "PA", 430, 280),
    ("Milwaukee", "WI", 420, 330),
    ("Columbus", "OH", 410, 290),
    ("Cincinnati", "OH", 400, 290),
    ("Cleveland", "OH", 400, 300),
    ("Detroit", "MI", 400, 300),
    ("Indianapolis", "IN", 380, 300),
    ("Kansas City", "MO", 370, 340),
    ("St. Louis", "MO", 380, 320),
    ("New Orleans", "LA", 460, 260),
    ("Tampa", "FL", 480, 200),
    ("Orlando", "FL", 470, 200),
    ("Jacksonville", "FL", 420, 200),
    ("Gainesville", "FL", 360, 200),
    ("San Antonio", "TX", 400, 330),
    ("Albuquerque", "NM", 380, 460),
    ("Tucson", "AZ", 380, 460),
    ("Las Vegas", "NV", 440, 480),
    ("Omaha", "NE", 330, 380),
    ("Des Moines", "IA", 320, 380),
    ("Oklahoma City", "OK", 320, 360),
    ("Little Rock", "AR", 300, 320),
    ("Memphis", "TN", 320, 280),
    ("Birmingham", "AL", 320, 240),
    ("Louisville", "KY", 340, 280),
    ("Lexington", "KY", 330, 290),
    ("Buffalo", "NY", 360, 320),
    ("Rochester", "NY", 350, 330),
    ("Syracuse", "NY", 330, 340),
    ("Albany", "NY", 380, 320),
    ("Hartford", "CT", 480, 300),
    ("Providence", "RI", 520, 310),
    ("Burlington", "VT", 460, 380),
    ("Madison", "WI", 420, 360),
    ("Iowa City", "IA", 300, 400),
    ("Columbia", "SC", 320, 230),
    ("Jackson", "MS", 270, 280),
    ("Wichita", "KS", 290, 380),
]

# Invented words for program names ("Kestrelmere", "Thistlewick", ...).
NAME_HEADS = [
    "Amber",
    "Bramble",
    "Cobalt",
    "Dapple",
    "Eider",
    "Fennel",
    "Garnet",
    "Heron",
    "Indigo",
    "Juniper",
    "Kestrel",
    "Larkspur",
    "Marigold",
    "Nettle",
    "Otter",
    "Plover",
    "Quill",
    "Saffron",
    "Tamarack",
    "Thistle",
    "Umber",
    "Verbena",
    "Wren",
    "Yarrow",
    "Zephyr",
]
NAME_TAILS = [
    "mere",
    "wick",
    "moor",
    "gate",
    "hollow",
    "fen",
    "stead",
    "wold",
    "tarn",
    "reach",
    "combe",
    "holt",
    "ness",
    "thorpe",
]
KINDS = {
    ("radiology", "reach"): ["University Radiology", "Academic Imaging Center"],
    ("radiology", "target"): ["Teaching Hospital Radiology", "Medical Center Radiology"],
    ("radiology", "safety"): ["Community Radiology", "Regional Imaging"],
    ("internal_medicine", None): ["Internal Medicine", "General Medicine Service"],
    ("emergency_medicine", None): ["Emergency Medicine", "Emergency Department"],
    ("surgery", None): ["General Surgery", "Surgical Service"],
    ("transitional", None): ["Transitional Year"],
    ("other", None): ["Family Medicine", "Sports Medicine"],
}
ID_PREFIX = {
    "radiology": "rad",
    "internal_medicine": "im",
    "emergency_medicine": "em",
    "surgery": "surg",
    "transitional": "ty",
    "other": "oth",
}

N_RADIOLOGY = 210
N_CLINICAL = {
    "internal_medicine": 42,
    "emergency_medicine": 32,
    "surgery": 26,
    "transitional": 4,
    "other": 4,
}

DOCUMENTS = {
    "transcript": dt.date(2027, 1, 10),
    "immunizations": dt.date(2027, 2, 20),
    "bls": dt.date(2027, 3, 1),
    "step_scores": dt.date(2027, 4, 5),
}


def mondays():
    d, out = FIRST_MONDAY, []
    while d <= LAST_MONDAY:
        out.append(d)
        d += dt.timedelta(days=7)
    return out


def pick_starts(rng, weeks):
    """Offered Mondays: a long run, fixed blocks, or a summer run + fall run."""
    days = mondays()
    style = rng.choices(["run", "blocks", "split"], weights=[75, 8, 17])[0]
    if style == "run":
        first = rng.randrange(0, 3)
        last = len(days) - rng.randrange(0, 4)
        chosen = days[first:last]
        # a few weeks off (faculty vacation, board review)
        for _ in range(rng.choice([0, 0, 0, 1])):
            i = rng.randrange(len(chosen))
            chosen = chosen[:i] + chosen[i + rng.choice([1, 2]) :]
    elif style == "blocks":
        phase = rng.randrange(0, weeks)
        chosen = days[phase::weeks]
    else:
        summer_end = rng.randrange(9, 15)
        fall_start = summer_end + rng.randrange(1, 4)
        chosen = days[rng.randrange(0, 2) : summer_end] + days[fall_start:]
    return chosen


def acceptance_text(value):
    # two decimals at most, no trailing zeros ("0.6", "0.35")
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text


def make_program(rng, specialty, tier, name_word, index):
    city, state, housing_base, travel_base = rng.choice(CITIES)
    weeks = rng.choices([4, 3, 2], weights=[60, 15, 25])[0]
    starts = pick_starts(rng, weeks)
    radiology = specialty == "radiology"

    if tier == "reach":
        img_friendly = rng.random() < 0.15
        accepts_img = rng.random() < 0.8
        letter, audition = rng.randint(7, 10), rng.randint(7, 10)
        acceptance = rng.choice([0.2, 0.25, 0.3, 0.35, 0.4, 0.45])
        fee = rng.randrange(120, 251, 5)
    elif tier == "target":
        img_friendly = rng.random() < 0.7
        accepts_img = rng.random() < 0.95
        letter, audition = rng.randint(5, 9), rng.randint(5, 9)
        acceptance = rng.choice([0.45, 0.5, 0.55, 0.6, 0.65, 0.7])
        fee = rng.randrange(40, 181, 5)
    else:
        img_friendly = rng.random() < 0.95
        accepts_img = True
        letter, audition = rng.randint(4, 8), rng.randint(3, 7)
        acceptance = rng.choice([0.7, 0.75, 0.8, 0.85, 0.9, 0.95])
        fee = rng.randrange(15, 101, 5)
    if not radiology:
        audition = 0
    interest = rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 4, 3, 2])[0]

    opens = dt.date(2027, 1, 4) + dt.timedelta(days=7 * rng.randrange(0, 11))
    deadline_style = rng.choices(["weeks", "date", "both", "none"], weights=[50, 25, 10, 15])[0]
    app_deadline = ""
    weeks_before = ""
    if deadline_style in ("date", "both"):
        app_deadline = (
            dt.date(2027, 3, 1) + dt.timedelta(days=7 * rng.randrange(0, 18))
        ).isoformat()
    if deadline_style in ("weeks", "both"):
        weeks_before = str(rng.choice([4, 6, 8, 8, 10, 12, 12, 14, 16]))

    requires = ["transcript", "immunizations"]
    if rng.random() < 0.7:
        requires.append("bls")
    if tier == "reach" and rng.random() < 0.5:
        requires.append("step_scores")

    housing = max(250, min(900, round(housing_base * rng.uniform(0.9, 1.1) / 10) * 10))
    travel = max(200, min(700, round(travel_base * rng.uniform(0.9, 1.15) / 10) * 10))
    surcharge = (
        ""
        if rng.random() < 0.1
        else str(rng.choice([0, 0, 0, 50, 100, 150, 200, 250, 300, 400, 500]))
    )

    kinds = KINDS[(specialty, tier if radiology else None)]
    name = f"{name_word} {rng.choice(kinds)} (synthetic)"
    return {
        "id": f"{ID_PREFIX[specialty]}-{index:03d}",
        "name": name,
        "city": city,
        "state": state,
        "specialty": specialty,
        "tier": tier,
        "img_friendly": "true" if img_friendly else "false",
        "accepts_img": "true" if accepts_img else "false",
        "starts": ";".join(d.isoformat() for d in starts),
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
        "acceptance": acceptance_text(acceptance),
    }


def generate(seed):
    rng = random.Random(seed)
    words = [h + t for h in NAME_HEADS for t in NAME_TAILS]
    rng.shuffle(words)
    words = iter(words)
    rows = []
    for i in range(1, N_RADIOLOGY + 1):
        tier = rng.choices(["reach", "target", "safety"], weights=[25, 45, 30])[0]
        rows.append(make_program(rng, "radiology", tier, next(words), i))
    for specialty, count in N_CLINICAL.items():
        for i in range(1, count + 1):
            tier = rng.choices(["reach", "target", "safety"], weights=[15, 50, 35])[0]
            rows.append(make_program(rng, specialty, tier, next(words), i))
    return rows


def programs_csv(rows):
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def scenario_yaml(seed):
    docs = "\n".join(f"  {k}: {v.isoformat()}" for k, v in DOCUMENTS.items())
    return f"""\
# SYNTHETIC DATA: invented programs for demonstration; not real program facts.
# Generated by generate.py --seed {seed}; do not edit by hand, regenerate.
# A national-size catalog (about 300 programs, weekly Monday starts) to
# exercise the solver at a realistic scale.
version: 1
name: "US-IMG, Step 2 CK 246, synthetic national catalog (seed {seed})"
planning_date: 2027-01-15
eras_submission: 2027-09-25
student:
  citizenship: us_citizen
  school_type: img
  step2ck: 246
  us_clinical_weeks: 8
  radiology_exposure: none
  radiology_research: true
  home_city: "Miami, FL"
calendar:
  window: {{start: {WINDOW_START.isoformat()}, end: {WINDOW_END.isoformat()}}}
  blocked:
    - {{start: 2027-07-12, end: 2027-07-18, reason: "home school exam week"}}
    - {{start: 2027-11-24, end: 2027-11-28, reason: "Thanksgiving travel"}}
  min_gap_days: 0
budget: 9000
documents:
{docs}
requirements:
  radiology: {{min: 2, max: 3}}
  clinical: {{min: 1, max: 1, specialties: [internal_medicine, emergency_medicine, surgery]}}
  max_rotations: 4
  tier_mix: true
value_model: default
programs: programs.csv
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--out",
        default=os.path.dirname(os.path.abspath(__file__)),
        help="output directory (default: this script's directory)",
    )
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    rows = generate(args.seed)
    for name, text in (
        ("programs.csv", programs_csv(rows)),
        ("scenario.yaml", scenario_yaml(args.seed)),
    ):
        with open(os.path.join(args.out, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    print(
        f"wrote {len(rows)} programs to {os.path.join(args.out, 'programs.csv')}"
        f" and {os.path.join(args.out, 'scenario.yaml')} (seed {args.seed})"
    )


if __name__ == "__main__":
    main()
