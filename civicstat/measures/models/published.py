"""What the public sees: published measure values, and the refresh runs that produced them.

Web requests read only these tables (never the warehouse). A refresh writes all of them in one
transaction; manual values are copied here when a measure's revision is published.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ValueSource(models.TextChoices):
    COMPUTED = "computed", _("Computed")
    MANUAL = "manual", _("Entered by staff")


class RefreshStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class RefreshRun(models.Model):
    """One run of `civicstat refresh`: what was computed, from which loads, and how long it took."""

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RefreshStatus.choices, default=RefreshStatus.RUNNING
    )
    triggered_by = models.CharField(_("triggered by"), max_length=150, blank=True)
    warehouse = models.CharField(_("warehouse"), max_length=255, blank=True)
    measures_count = models.PositiveIntegerField(_("measures"), default=0)
    values_count = models.PositiveIntegerField(_("values"), default=0)
    error = models.TextField(_("error"), blank=True)
    analyses_count = models.PositiveIntegerField(_("analyses"), default=0)
    skipped = models.JSONField(
        _("skipped"),
        default=list,
        blank=True,
        help_text=_("Analyses not computed, with the reason (e.g. a dataset never loaded)."),
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        get_latest_by = "started_at"
        verbose_name = _("refresh run")
        verbose_name_plural = _("refresh runs")

    def __str__(self):
        return f"Refresh {self.pk} ({self.get_status_display()})"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class MeasureComputation(models.Model):
    """Provenance of one measure in one refresh run."""

    run = models.ForeignKey(RefreshRun, on_delete=models.CASCADE, related_name="computations")
    measure = models.ForeignKey(
        "measures.Measure", on_delete=models.CASCADE, related_name="computations"
    )
    spec = models.JSONField(_("spec"))
    spec_hash = models.CharField(_("spec hash"), max_length=64)
    sql = models.TextField(_("compiled SQL"), blank=True)
    loads = models.JSONField(_("dataset loads used"), default=list)
    rows = models.PositiveIntegerField(_("series rows"), default=0)
    n_used = models.PositiveBigIntegerField(_("records used"), default=0)
    n_excluded = models.PositiveBigIntegerField(_("records excluded"), default=0)
    exclusions = models.JSONField(_("records excluded by reason"), default=dict)
    percentile_method = models.CharField(_("percentile method"), max_length=40, blank=True)
    duration_s = models.FloatField(_("seconds"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["run", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["run", "measure"], name="unique_run_measure")
        ]
        verbose_name = _("measure computation")

    def __str__(self):
        return f"{self.measure} in refresh {self.run_id}"


class MeasureValue(models.Model):
    """One published value of a measure for one period (and breakdown)."""

    measure = models.ForeignKey("measures.Measure", on_delete=models.CASCADE, related_name="values")
    source = models.CharField(_("source"), max_length=10, choices=ValueSource.choices)
    run = models.ForeignKey(
        RefreshRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="values"
    )
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends (exclusive)"))
    period_label = models.CharField(_("period"), max_length=40)
    breakdown = models.CharField(_("breakdown"), max_length=120, blank=True, default="")
    value = models.FloatField(_("value"), null=True, blank=True)
    suppressed = models.BooleanField(_("suppressed"), default=False)
    suppression_reason = models.CharField(_("suppression reason"), max_length=120, blank=True)
    n_used = models.PositiveBigIntegerField(_("records used"), null=True, blank=True)
    n_excluded = models.PositiveBigIntegerField(_("records excluded"), default=0)
    exclusions = models.JSONField(_("records excluded by reason"), default=dict, blank=True)
    target = models.FloatField(_("target"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=30, blank=True)
    status_explanation = models.CharField(_("status explanation"), max_length=400, blank=True)
    status_message = models.CharField(
        _("status message"),
        max_length=400,
        blank=True,
        help_text=_("The explanation's sentence with placeholders, translated when shown."),
    )
    status_params = models.JSONField(_("status message values"), default=dict, blank=True)
    entered_by_name = models.CharField(_("entered by"), max_length=150, blank=True)
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["measure", "period_start", "breakdown"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period_start", "breakdown"], name="unique_measure_period"
            )
        ]
        indexes = [models.Index(fields=["measure", "breakdown", "-period_start"])]
        verbose_name = _("published value")
        verbose_name_plural = _("published values")

    def __str__(self):
        return f"{self.measure}: {self.period_label} {self.breakdown} = {self.value}"

    def status_text(self) -> str:
        """Why the value has its status, in the active language, the period named as residents
        read it ("November 2026"); the stored English sentence when no message was recorded."""
        if not self.status_message:
            return self.status_explanation
        from django.utils.translation import gettext

        from civicstat.dashboards.periods import name_of_period
        from civicstat.measures.engine.status import render_message

        params = dict(self.status_params or {})
        if "period" in params:
            params["period"] = name_of_period(self)
        return render_message(self.status_message, params, gettext)


class MeasureChart(models.Model):
    """The measure's chart as published: server-rendered SVG, its text summary and table.

    Rebuilt whenever the measure's values are published, so pages never render charts."""

    measure = models.OneToOneField(
        "measures.Measure", on_delete=models.CASCADE, related_name="chart"
    )
    svg = models.TextField(_("SVG"))
    summary = models.TextField(_("text summary"))
    alt = models.CharField(_("short description"), max_length=300, blank=True)
    table = models.JSONField(_("table"), default=dict)
    spec = models.JSONField(_("Vega-Lite spec"), default=dict)
    rendered_at = models.DateTimeField(_("rendered at"))

    class Meta:
        verbose_name = _("published chart")

    def __str__(self):
        return f"Chart of {self.measure}"


class PublishedAnalysis(models.Model):
    """An analysis as published (civicstat.dashboards.analysis): sections of figures, tables and
    charts, already formatted, with how and from which loads it was computed. Written by a
    refresh (or `civicstat rtm run`) in the same transaction as the values it sits beside."""

    key = models.CharField(_("key"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    period_label = models.CharField(_("period"), max_length=80, blank=True)
    run = models.ForeignKey(
        RefreshRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="analyses"
    )
    producer = models.CharField(_("producer"), max_length=80, blank=True)
    computed_at = models.DateTimeField(_("computed at"))
    content = models.JSONField(_("content"), default=dict)
    method = models.TextField(_("method"), blank=True)
    datasets = models.JSONField(_("datasets"), default=list)
    loads = models.JSONField(_("dataset loads used"), default=list)
    parameters = models.JSONField(_("parameters"), default=dict)

    class Meta:
        ordering = ["key"]
        verbose_name = _("published analysis")
        verbose_name_plural = _("published analyses")

    def __str__(self):
        return f"{self.title} ({self.key})"

    @property
    def sections(self):
        from civicstat.dashboards.analysis import Analysis

        return Analysis.sections_from(self.content)
