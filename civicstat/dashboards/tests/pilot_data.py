"""Hand-built pilot records for the producer tests, written in the canonical layouts and loaded
through ingest (the path a city's files take), and a pilot settings file for them.

The alerts are spread 1.8 km apart so that each call can only match the alert it was placed
for; each call sits at an exact geodesic distance and time from its alert (edges included).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyproj

from civicstat.warehouse import Registry, connect, ingest

TZ = "America/New_York"
GEOD = pyproj.Geod(ellps="WGS84")
BASE_LON, BASE_LAT = -78.90, 35.99
MAPPINGS = {
    "gunshot_alerts": "civicstat-standard-gunshot-alerts",
    "gunshot_outcomes": "civicstat-standard-gunshot-outcomes",
    "confirmed_shootings": "civicstat-standard-confirmed-shootings",
    "calls_for_service": "civicstat-standard-cfs",
    "dirt_bike_reports": "civicstat-standard-dirt-bikes",
    "crime_incidents": "civicstat-standard-crime",
}


def local(text: str) -> pd.Timestamp:
    return pd.Timestamp(text).tz_localize(TZ)


def secs(n: float) -> pd.Timedelta:
    return pd.Timedelta(seconds=n)


def offset(lon: float, lat: float, metres: float, azimuth: float = 90.0) -> tuple[float, float]:
    lon2, lat2, _ = GEOD.fwd(lon, lat, azimuth, metres)
    return float(lon2), float(lat2)


# alert_id: detected (local), publish offset s (None = missing), dispatch and arrival offsets s
# after the publish time (None = missing), beat.
ALERTS = {
    "A1": ("2023-03-02 22:00:00", 60, 30, 300, "B1"),  # exactly 60 s: within
    "A2": ("2023-03-05 10:00:00", 61, 45, 240, "B1"),  # over
    "A3": ("2023-03-08 12:00:00", 20, 100, 400, "B2"),
    "A4": ("2023-03-10 09:00:00", None, None, None, "B2"),  # no publish time: excluded
    "A5": ("2023-03-12 01:59:30", 50, 70, 350, "B1"),  # published 03:00:20 EDT: 50 s elapsed
    "A6": ("2023-03-15 18:00:00", -5, 80, 280, "B2"),  # published before detected: excluded
    "A7": ("2023-03-20 15:00:00", 30, 60, 200, "B1"),
    "A8": ("2023-04-02 11:00:00", 10, 20, 100, "B1"),  # after the evaluation period
    "A9": ("2023-03-25 23:00:00", 45, None, None, ""),  # no dispatch or arrival; no beat
}
PERIOD = ("2023-03-01", "2023-03-31")
# hand counts over the period (A1-A7, A9)
IN_PERIOD = ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A9"]
WITHIN, USABLE = 5, 6  # A1 A3 A5 A7 A9 within; A2 over; A4 A6 excluded
DISPATCH = sorted([30, 45, 100, 70, 80, 60])  # A1 A2 A3 A5 A6 A7 (A6's publish time is known)
ARRIVAL = sorted([300, 240, 400, 350, 280, 200])


def alert_position(alert_id: str) -> tuple[float, float]:
    return BASE_LON + 0.02 * (int(alert_id[1:]) - 1), BASE_LAT


def alerts_frame() -> pd.DataFrame:
    rows = []
    for alert_id, (detected, pub, disp, arr, beat) in ALERTS.items():
        lon, lat = alert_position(alert_id)
        t = local(detected).tz_convert("UTC")
        if alert_id == "A5":  # 01:59:30 EST; the clocks jump to 03:00 at 02:00
            t = pd.Timestamp("2023-03-12 06:59:30", tz="UTC")
        published = None if pub is None else t + secs(pub)
        rows.append(
            {
                "alert_id": alert_id,
                "detected_at": t,
                "published_at": published,
                "dispatched_at": None if disp is None else published + secs(disp),
                "first_arrival_at": None if arr is None else published + secs(arr),
                "latitude": lat,
                "longitude": lon,
                "rounds": 3,
                "alert_type": "multiple_gunshots",
                "beat": beat or None,
                "district": "D1",
            }
        )
    return pd.DataFrame(rows)


def calls_frame() -> pd.DataFrame:
    """C1 600 s after A1 (edge, in); C2 601 s after A2 (out: 911-only); C3 249 m from A3 (in);
    C4 250.5 m from A7 (out: 911-only); C5 officer-initiated near A5 (excluded); C6 another
    call type (not read); C7 exactly 250 m from A9 (edge, in)."""
    alerts = alerts_frame().set_index("alert_id")

    def near(alert_id: str, seconds: float, metres: float, call_type="SHOTS FIRED", self_=False):
        a = alerts.loc[alert_id]
        lon, lat = offset(a.longitude, a.latitude, metres)
        return {
            "received_at": a.detected_at + secs(seconds),
            "latitude": lat,
            "longitude": lon,
            "call_type": call_type,
            "self_initiated": self_,
            "onscene_at": a.detected_at + secs(seconds + 420),
        }

    calls = {
        "C1": near("A1", 600, 100),
        "C2": near("A2", 601, 10),
        "C3": near("A3", 30, 249),
        "C4": near("A7", 30, 250.5),
        "C5": near("A5", 20, 20, self_=True),
        "C6": near("A9", 20, 20, call_type="NOISE COMPLAINT"),
        "C7": near("A9", 10, 250.0),
    }
    return pd.DataFrame([{"call_id": k, "unit_id": "U1", **v} for k, v in calls.items()])


def outcomes_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "alert_id": "A1",
                "casings": 3,
                "firearms_recovered": 1,
                "arrests": 1,
                "victims_located": 0,
                "evidence_found": True,
                "confirmed_gunfire": True,
                "reclassified_not_gunfire": False,
            },
            {
                "alert_id": "A3",
                "casings": 2,
                "firearms_recovered": 0,
                "arrests": 0,
                "victims_located": 0,
                "evidence_found": True,
                "confirmed_gunfire": True,
                "reclassified_not_gunfire": False,
            },
            {
                "alert_id": "A7",
                "casings": 0,
                "firearms_recovered": 0,
                "arrests": 0,
                "victims_located": 0,
                "evidence_found": False,
                "confirmed_gunfire": False,
                "reclassified_not_gunfire": True,
            },
        ]
    )


def confirmed_frame() -> pd.DataFrame:
    """S1 10 m from A1 (accurate), S2 no alert (not detected), S3 40 m from A3 (mislocated),
    S4 not detectable (excluded)."""
    rows = []
    for incident, alert_id, metres, detectable in (
        ("S1", "A1", 10, True),
        ("S2", None, 0, True),
        ("S3", "A3", 40, True),
        ("S4", "A7", 5, False),
    ):
        lon, lat = offset(*alert_position(alert_id or "A2"), metres, azimuth=0.0)
        rows.append(
            {
                "incident_id": incident,
                "occurred_at": local("2023-03-18 20:00"),
                "latitude": lat,
                "longitude": lon,
                "alert_id": alert_id,
                "detectable": detectable,
                "verification": "casings",
            }
        )
    return pd.DataFrame(rows)


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def load(url: str, dataset: str, frame: pd.DataFrame, folder: Path) -> None:
    """Write ``frame`` in the dataset's canonical layout and ingest it with its mapping."""
    registry = Registry()
    contract = registry.contract(dataset)
    path = folder / f"{dataset}.csv"
    out = pd.DataFrame(
        {c: [_text(v) for v in frame[c]] if c in frame else "" for c in contract.column_names}
    )
    out.to_csv(path, index=False)
    con = connect(url)
    try:
        report = ingest(con, contract, [path], registry.mapping(MAPPINGS[dataset]), progress=False)
    finally:
        con.disconnect()
    assert report.files[0].quarantined == 0, dataset


def settings_file(
    folder: Path, first: str = PERIOD[0], last: str = PERIOD[1], coverage: str = "null"
) -> Path:
    path = folder / "pilots.yaml"
    path.write_text(f"""
gunshot_detection:
  evaluation_period: {{first_day: {first}, last_day: {last}, label: test period}}
  timezone: {TZ}
  match: {{call_types: [SHOTS FIRED], window_seconds: 600, radius_metres: 250}}
  coverage: {coverage}
dirt_bikes:
  evaluation_period: {{first_day: 2023-01-01, last_day: 2023-03-31, label: first quarter}}
""")
    return path
