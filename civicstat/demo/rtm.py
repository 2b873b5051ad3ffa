"""The demo's risk terrain model: `civicstat rtm run` on the Durham worked example when the real
files are on this machine (../shared/data, civicstat.testsupport.shared_data_dir), otherwise on
the synthetic input set of civicstat.demo.synthetic.rtm_world. Either way it is published as
``rtm/durham-robbery``, the key the plan's "Risk terrain modeling of robbery" page names, and its
zones are stored in the warehouse for the zone measure. Seeded; about 15 s for Durham, a few
seconds for the synthetic set.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from civicstat.testsupport import shared_data_dir

KEY = "rtm/durham-robbery"
EXAMPLE = (
    Path(__file__).resolve().parents[1]
    / "safety"
    / "risk_terrain"
    / "examples"
    / "durham_robbery_2013.yaml"
)


def run_demo_rtm(stdout=None) -> str:
    """Run and publish the demo's model; returns a one-line account of what ran."""
    from civicstat.dashboards.pilots.rtm_run import run_and_publish

    data = shared_data_dir()
    if data is not None and (data / "durham-crime-2013").is_dir():
        done = run_and_publish(EXAMPLE, data_root=data, publish=KEY)
        source = f"the Durham 2013 worked example ({data})"
    else:
        from civicstat.demo.synthetic.rtm_world import write_world

        config = write_world(Path(settings.DATA_DIR) / "demo-raw" / "risk-terrain")
        done = run_and_publish(config, publish=KEY)
        source = "the synthetic input set (real Durham files not found)"
    text = f"Risk terrain model from {source}: {done.summary().splitlines()[0]}"
    if stdout is not None:
        stdout.write(text)
    return text
