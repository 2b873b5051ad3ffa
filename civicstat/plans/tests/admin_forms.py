"""Form data for posting Wagtail admin edit forms in tests."""

from wagtail.test.utils.form_data import nested_form_data, rich_text

EMPTY_FORMSET = {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0, "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000}


def initiative_form(page, **changes):
    """The edit form of an initiative as it stands, with ``changes`` applied (HTML for rich text)."""
    fields = {
        "title": page.title,
        "slug": page.slug,
        "number": page.number,
        "status": page.status_id,
        "status_reason": "",
        "description": page.description,
        "key_measures_analysis": page.key_measures_analysis,
        "why_important": page.why_important,
        "what_we_did": page.what_we_did,
    }
    fields.update(changes)
    for key in ("description", "key_measures_analysis", "why_important", "what_we_did"):
        fields[key] = rich_text(fields[key] or "")
    steps = list(page.next_steps.all())
    fields["next_steps"] = {
        "TOTAL_FORMS": len(steps),
        "INITIAL_FORMS": len(steps),
        "MIN_NUM_FORMS": 0,
        "MAX_NUM_FORMS": 1000,
        **{
            str(i): {"id": s.pk, "text": s.text, "done": s.done, "ORDER": i + 1, "DELETE": ""}
            for i, s in enumerate(steps)
        },
    }
    fields["comments"] = EMPTY_FORMSET
    departments = changes.pop("departments", None) or [d.pk for d in page.departments.all()]
    data = nested_form_data(fields)
    data["departments"] = departments
    for key, value in list(data.items()):
        if value is False:
            del data[key]  # unchecked checkboxes are simply absent
    return data
