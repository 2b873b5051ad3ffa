"""Every UI string in our templates is wrapped for translation (no bare visible text)."""

import re
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

import civicstat

TEMPLATE_ROOT = Path(civicstat.__file__).parent
TEMPLATES = sorted(p for p in TEMPLATE_ROOT.rglob("templates/**/*.html") if "/admin/" not in str(p))
TRANSLATING_TAGS = ("translate", "trans ", "blocktranslate", "blocktrans")
# Visible attributes that need translating too.
ATTRIBUTES = re.compile(r'\b(aria-label|title|alt|placeholder)="([^"{]*[A-Za-z][^"{]*)"')


def visible_text(source: str) -> str:
    """The template's literal text, with template tags, variables, comments and HTML tags removed,
    and with everything inside {% blocktranslate %}…{% endblocktranslate %} dropped."""
    out = []
    inside_block = 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            contents = token.contents
            if contents.startswith(("blocktranslate", "blocktrans")):
                inside_block += 1
            elif contents.startswith(("endblocktranslate", "endblocktrans")):
                inside_block -= 1
            out.append(" ¤ ")
        elif token.token_type == TokenType.TEXT and not inside_block:
            out.append(token.contents)
        else:
            out.append(" ¤ ")
    text = "".join(out)
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text, flags=re.S)
    return re.sub(r"&[a-z#0-9]+;", " ", text)


def test_templates_were_found():
    assert len(TEMPLATES) >= 8


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATE_ROOT)))
def test_no_untranslated_text(path):
    source = path.read_text()
    if path.suffix == ".html" and path.name == "icons.svg":
        return
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z']+", visible_text(source))]
    assert words == [], f"untranslated text in {path.name}: {' '.join(words)[:200]}"
    bare_attributes = [m.group(0) for m in ATTRIBUTES.finditer(source)]
    assert bare_attributes == [], f"untranslated attribute in {path.name}: {bare_attributes}"


def test_the_check_catches_bare_text():
    assert re.findall(r"[A-Za-z]+", visible_text("<p>Hello {{ name }}</p>")) == ["Hello"]
    assert re.findall(r"[A-Za-z]+", visible_text("<p>{% translate 'Hello' %}</p>")) == []
    source = '{% blocktranslate %}Hi {{ x }}{% endblocktranslate %}<a title="Bare">'
    assert re.findall(r"[A-Za-z]+", visible_text(source)) == []
    assert ATTRIBUTES.search(source)


def test_units_read_in_the_singular_for_one():
    from django.utils import translation

    from civicstat.core.templatetags.civicstat import unit_for

    with translation.override("en"):
        assert unit_for(1, "events") == "event"
        assert unit_for(1.0, "responses") == "response"
        assert unit_for(2, "events") == "events"
        assert unit_for(1, "%") == "%"
        assert unit_for(1, "business") == "business"
    with translation.override("es"):
        assert unit_for(1, "eventos") == "eventos"


# --- the Spanish catalogue -----------------------------------------------------------------------

LOCALE = TEMPLATE_ROOT / "locale"


def po_entries(path: Path) -> dict[tuple[str, str], list[str]]:
    """(msgctxt, msgid) → msgstr forms, from a .po file (the subset of the format gettext writes:
    quoted strings continued on following lines, plural forms, contexts; comments skipped)."""
    entries: dict[tuple[str, str], list[str]] = {}
    fields: dict[str, str] = {}
    current = ""
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            fields[current] += line[1:-1]
            continue
        if not line or line.startswith(("msgid ", "msgctxt ")) and "msgstr" in fields:
            if fields.get("msgid"):
                forms = [unescape(v) for k, v in sorted(fields.items()) if k.startswith("msgstr")]
                entries[(unescape(fields.get("msgctxt", "")), unescape(fields["msgid"]))] = forms
            fields = {}
            if not line:
                continue
        current, _, rest = line.partition(" ")
        fields[current] = rest.strip()[1:-1]
    return entries


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def test_spanish_catalogue_is_complete_and_compiled():
    """Every message in the Spanish .po has a translation, and the committed .mo holds exactly
    those translations (a .po edited without `make messages` fails here)."""
    import gettext as pygettext

    po = LOCALE / "es" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    entries = po_entries(po)
    assert len(entries) > 1000
    untranslated = [msgid for (_ctx, msgid), forms in entries.items() if not all(forms)]
    assert untranslated == []
    assert "#, fuzzy" not in po.read_text(encoding="utf-8")
    with mo.open("rb") as fh:
        catalogue = pygettext.GNUTranslations(fh)
    stale = []
    for (ctx, msgid), forms in entries.items():
        got = catalogue.pgettext(ctx, msgid) if ctx else catalogue.gettext(msgid)
        if len(forms) == 1 and got != forms[0]:
            stale.append(msgid)
    assert stale == [], f"django.mo is older than django.po: run `make messages` ({stale[:3]})"


def test_the_public_site_speaks_spanish(client, db):
    """With Spanish asked for, the site's own words are Spanish (plan content stays as written)."""
    from django.utils import translation

    response = client.get("/events/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="es"' in html
    with translation.override("es"):
        from django.utils.translation import gettext

        skip = gettext("Skip to main content")
    assert skip != "Skip to main content" and skip in html
    assert "Skip to main content" not in html


def test_content_in_another_language_than_the_interface_is_marked(client, db):
    """WCAG 3.1.2: read in Spanish, the plan's own words (written in English) carry lang="en";
    the interface's words do not. Read in English, nothing is marked."""
    from bs4 import BeautifulSoup

    from civicstat.core import testing as t

    plan = t.make_plan()
    goal = t.make_goal(plan)
    objective = t.make_objective(goal)
    initiative = t.make_initiative(objective, title="Familiar neighbors")

    spanish = BeautifulSoup(
        client.get(initiative.url, HTTP_ACCEPT_LANGUAGE="es").content, "html.parser"
    )
    assert spanish.html["lang"] == "es"
    marked = {el.get_text(" ", strip=True) for el in spanish.select('main [lang="en"]')}
    assert "Familiar neighbors" in marked  # the initiative's title
    assert "Create a Safer Community Together" in marked  # the goal above it
    assert "In Progress" in marked  # the plan's own status vocabulary
    heading = spanish.select_one("#description-heading")
    assert heading.get_text(strip=True) == "Descripción" and not heading.find_parent(lang="en")
    nav = spanish.select('nav.site-nav a[lang="en"]')
    assert [a.get_text(strip=True) for a in nav] == ["Create a Safer Community Together"]

    english = BeautifulSoup(client.get(initiative.url).content, "html.parser")
    assert english.html["lang"] == "en"
    assert english.select("main [lang]") == []
