"""Computing and publishing analyses (civicstat.dashboards.analysis) within a refresh.

Each registered producer runs on the refresh's read-only connection. A producer whose datasets
have no table in the warehouse is skipped and the skip is recorded on the run; any other failure
is raised and fails the whole refresh (nothing is published).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation

from civicstat.dashboards.analysis import Analysis, AnalysisContext, producers
from civicstat.measures.derived import base_datasets
from civicstat.measures.models import PublishedAnalysis, RefreshRun
from civicstat.warehouse import UnknownDatasetError, dataset_table, loads_used


class AnalysisFailed(Exception):
    """A producer failed: the refresh publishes nothing."""


@dataclass
class ComputedAnalyses:
    analyses: list[tuple[str, Analysis, list[dict]]]  # (producer, analysis, loads)
    skipped: list[dict]


def load_records(con, dataset: str, cache: dict[str, list]) -> list[dict]:
    if dataset not in cache:
        cache[dataset] = [
            {
                "load_id": r.load_id,
                "dataset": r.dataset,
                "file": r.file,
                "sha256": r.sha256,
                "rows_loaded": r.loaded,
                "rows_updated": r.updated,
                "loaded_at": r.started_at.isoformat(),
            }
            for r in loads_used(con, dataset)
        ]
    return cache[dataset]


def _missing(con, datasets: tuple[str, ...]) -> list[str]:
    missing = []
    for name in datasets:
        for base in base_datasets(name):
            try:
                dataset_table(con, base)
            except UnknownDatasetError:
                missing.append(base)
    return missing


def compute_analyses(
    con, resolve, as_of: dt.date | None, loads_cache: dict, only: list[str] | None = None
) -> ComputedAnalyses:
    context = AnalysisContext(resolve=resolve, as_of=as_of or timezone.localdate())
    done: list[tuple[str, Analysis, list[dict]]] = []
    skipped: list[dict] = []
    for producer in producers():
        if only is not None and producer.name not in only:
            continue
        missing = _missing(con, producer.datasets)
        if missing:
            skipped.append(
                {
                    "producer": producer.name,
                    "reason": f"no data loaded for {', '.join(sorted(set(missing)))}",
                }
            )
            continue
        try:
            # Analyses are stored formatted: in the site's language, whoever started the refresh.
            with translation.override(settings.LANGUAGE_CODE):
                results = list(producer.produce(context))
        except Exception as exc:
            raise AnalysisFailed(f"analysis {producer.name!r}: {exc}") from exc
        for analysis in results:
            loads = []
            for name in analysis.datasets or producer.datasets:
                for base in base_datasets(name):
                    loads.extend(load_records(con, base, loads_cache))
            done.append((producer.name, analysis, loads))
    keys = [a.key for _p, a, _l in done]
    if len(keys) != len(set(keys)):
        raise AnalysisFailed(f"two analyses share a key: {sorted(keys)}")
    return ComputedAnalyses(done, skipped)


def publish_analyses(run: RefreshRun | None, computed: ComputedAnalyses) -> int:
    """Replace the published analyses of the producers that ran (call inside the transaction)."""
    now = timezone.now()
    ran = {p for p, _a, _l in computed.analyses}
    PublishedAnalysis.objects.filter(producer__in=ran).exclude(
        key__in=[a.key for _p, a, _l in computed.analyses]
    ).delete()
    for producer, analysis, loads in computed.analyses:
        save_analysis(analysis, producer=producer, run=run, loads=loads, when=now)
    return len(computed.analyses)


def save_analysis(
    analysis: Analysis,
    *,
    producer: str,
    run: RefreshRun | None,
    loads: list,
    when: dt.datetime | None = None,
) -> PublishedAnalysis:
    stored, _ = PublishedAnalysis.objects.update_or_create(
        key=analysis.key,
        defaults={
            "title": analysis.title,
            "period_label": analysis.period_label,
            "run": run,
            "producer": producer,
            "computed_at": when or timezone.now(),
            "content": analysis.content(),
            "method": analysis.method,
            "datasets": list(analysis.datasets),
            "loads": loads,
            "parameters": dict(analysis.parameters),
        },
    )
    return stored
