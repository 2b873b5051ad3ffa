"""Every UI string in our templates is wrapped for translation (no bare visible text)."""

import re
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

import civicstat

TEMPLATE_ROOT = Path(civicstat.__file__).parent
TEMPLATES = sorted(
    p for p in TEMPLATE_ROOT.rglob("templates/**/*.html") if "/admin/" not in str(p)
)
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
