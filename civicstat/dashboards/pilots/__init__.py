"""The 2.13 pilot pages' integration: settings, derived views, page sections and the RTM run.

* ``settings``: which pilots a city runs and how they are evaluated (``pilots.yaml``);
* ``derived``: warehouse views for the pilot measures (holiday flag, alert outcomes, crimes
  inside or outside risk terrain zones);
* ``gunshot_sections``, ``dirt_bike_sections``: the published analyses' sections;
* ``charts``: Vega-Lite specs (period-shaded bars, the coarse grid map);
* ``rtm_zones``, ``rtm_report``, ``rtm_run``: ``civicstat rtm run``.

Producers live in ``civicstat.dashboards.producers`` (``gunshots``, ``dirt_bikes``).
"""
