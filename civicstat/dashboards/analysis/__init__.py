"""Published analyses: results that are not one value per period (distributions, concentration
curves, rule decisions, maps by grid cell, model reports), computed at refresh time by registered
producers and stored as plain data, so pages render them without touching the warehouse.

An analysis is a list of sections; a section holds blocks: headline figures, tables, charts
(always with their text summary and data table) and short texts. Everything is already formatted
for reading; the public page only lays it out.

    from civicstat.dashboards.analysis import Analysis, Section, Figure, table_block, chart_block

Producers register with :func:`register_analysis` (see ``registry``); the refresh runs them with
a read-only warehouse connection and publishes their output with the measures, in one
transaction. Nothing here imports Django.
"""

from civicstat.dashboards.analysis.blocks import (
    Analysis,
    ChartBlock,
    Figure,
    Section,
    TableBlock,
    TextBlock,
    block_from_dict,
)
from civicstat.dashboards.analysis.build import (
    chart_block,
    figure,
    message_analysis,
    table_block,
)
from civicstat.dashboards.analysis.registry import (
    AnalysisContext,
    Producer,
    producers,
    register_analysis,
)

__all__ = [
    "Analysis",
    "AnalysisContext",
    "ChartBlock",
    "Figure",
    "Producer",
    "Section",
    "TableBlock",
    "TextBlock",
    "block_from_dict",
    "chart_block",
    "figure",
    "message_analysis",
    "producers",
    "register_analysis",
    "table_block",
]
