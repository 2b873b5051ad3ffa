"""Render a Vega-Lite spec to an accessible, self-contained, scalable SVG.

vl-convert (``vegalite_to_svg``) draws the chart with no browser and no network. Its SVG is then
made fit for inline use in an HTML page:

* the root gets ``role="img"`` with ``aria-labelledby`` / ``aria-describedby`` pointing at a
  ``<title>`` (the short text alternative) and a ``<desc>`` (the text summary), whose ids derive
  from the caller's ``chart_id``;
* Vega's per-mark ARIA attributes (roles, ``aria-label``s) are removed: with ``role="img"`` the
  drawing is one image, described by its title, description and the data table beside it;
* every ``id`` is prefixed with ``chart_id`` (and ``url(#…)`` / ``href="#…"`` references with
  it), so two charts on one page never share an id;
* fixed ``width``/``height`` give way to ``width="100%"`` with the ``viewBox`` kept, so the chart
  scales to its container;
* nothing executable or external survives: no ``<script>``, ``<foreignObject>``, ``on*``
  attributes or links that leave the document.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import vl_convert

from civicstat.dashboards.charts.errors import ChartError, ChartRenderError
from civicstat.dashboards.charts.theme import VEGALITE_VERSION

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

CHART_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
_FORBIDDEN = {f"{{{SVG_NS}}}{tag}" for tag in ("script", "foreignObject", "iframe", "image", "a")}
_URL_REF = re.compile(r"url\(#([^)]+)\)")
_HREFS = ("href", f"{{{XLINK_NS}}}href")


def check_chart_id(chart_id: str) -> str:
    if not isinstance(chart_id, str) or not CHART_ID.match(chart_id):
        raise ChartError(
            f"chart id {chart_id!r} is not usable as an HTML id (expected a letter, then up to "
            "63 letters, digits, - or _)"
        )
    return chart_id


def render_svg(
    spec: dict[str, Any],
    *,
    chart_id: str,
    title: str,
    description: str,
    locale: str | None = None,
) -> str:
    """Render ``spec`` with vl-convert and return the accessible SVG markup (no XML declaration),
    ready to inline in HTML. ``locale`` is a d3 locale name such as ``"fr-FR"`` for axis numbers
    and dates."""
    check_chart_id(chart_id)
    kwargs: dict[str, Any] = {}
    if locale:
        kwargs.update(format_locale=locale, time_format_locale=locale)
    try:
        raw = vl_convert.vegalite_to_svg(
            spec, vl_version=VEGALITE_VERSION, allowed_base_urls=[], **kwargs
        )
    except Exception as error:  # vl-convert raises plain ValueError/RuntimeError
        raise ChartRenderError(f"chart {chart_id}: vl-convert could not render: {error}") from error
    return make_accessible(raw, chart_id=chart_id, title=title, description=description)


def make_accessible(svg: str, *, chart_id: str, title: str, description: str) -> str:
    """Post-process vl-convert's SVG as described in the module docstring."""
    check_chart_id(chart_id)
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as error:
        raise ChartRenderError(
            f"chart {chart_id}: the renderer's SVG is not XML: {error}"
        ) from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ChartRenderError(f"chart {chart_id}: the renderer returned <{root.tag}>, not <svg>")
    _sanitise(root, chart_id)
    if "viewBox" not in root.attrib:
        width, height = root.get("width"), root.get("height")
        if not (width and height):
            raise ChartRenderError(f"chart {chart_id}: the SVG has neither viewBox nor size")
        root.set("viewBox", f"0 0 {_number(width)} {_number(height)}")
    for name in ("width", "height", "class", "version"):
        root.attrib.pop(name, None)
    root.set("width", "100%")
    root.set("preserveAspectRatio", "xMidYMid meet")
    root.set("class", "chart-svg")
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-title")
    root.set("aria-describedby", f"{chart_id}-desc")
    title_el = ET.Element(f"{{{SVG_NS}}}title", {"id": f"{chart_id}-title"})
    title_el.text = title
    desc_el = ET.Element(f"{{{SVG_NS}}}desc", {"id": f"{chart_id}-desc"})
    desc_el.text = description
    root.insert(0, desc_el)
    root.insert(0, title_el)
    return ET.tostring(root, encoding="unicode", short_empty_elements=True)


def _sanitise(root: ET.Element, chart_id: str) -> None:
    for parent in list(root.iter()):
        for child in list(parent):
            if (
                child.tag in _FORBIDDEN
                or child.tag.endswith("}title")
                or child.tag.endswith("}desc")
            ):
                parent.remove(child)
    # vl-convert numbers gradients and clip paths with a counter that runs on across charts in
    # one process, so the same chart would come out with other ids on every refresh. Ids are
    # renamed in document order instead: the same chart always gives the same bytes.
    ids = _stable_ids(root, chart_id)
    for element in root.iter():
        for name in list(element.attrib):
            local = name.rsplit("}", 1)[-1]
            value = element.attrib[name]
            aria = local == "role" or local.startswith("aria-")
            handler = local.lower().startswith("on")
            external = name in _HREFS and not value.startswith("#")
            if aria or handler or external:
                del element.attrib[name]
            elif name in _HREFS:
                element.set(name, "#" + ids.get(value[1:], f"{chart_id}-{value[1:]}"))
            elif local == "id":
                element.set(name, ids[value])
            elif "url(#" in value:
                element.set(
                    name,
                    _URL_REF.sub(
                        lambda m: f"url(#{ids.get(m.group(1), f'{chart_id}-{m.group(1)}')})", value
                    ),
                )


def _stable_ids(root: ET.Element, chart_id: str) -> dict[str, str]:
    """Old id → ``{chart_id}-{kind}{n}``, ``kind`` the id's leading letters, ``n`` its order."""
    found: dict[str, str] = {}
    for element in root.iter():
        old = element.get("id")
        if old is not None and old not in found:
            kind = re.match(r"[A-Za-z_-]*", old).group(0).rstrip("_-") or "id"
            found[old] = f"{chart_id}-{kind}{len(found)}"
    return found


def _number(text: str) -> str:
    match = re.match(r"^\s*([0-9.]+)", text)
    if not match:
        raise ChartRenderError(f"SVG size {text!r} is not a number")
    return match.group(1)
