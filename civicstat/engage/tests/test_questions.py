"""Questions on measure and initiative pages: nothing is public before approval; staff of the
owning departments (or the performance office) approve and answer; approved Q&A appear."""

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.template import Context, Template
from django.test import RequestFactory

from civicstat.engage.models import Question, QuestionStatus


def html(response):
    return BeautifulSoup(response.content, "html.parser")


def render_tag(target):
    request = RequestFactory().get("/")
    return BeautifulSoup(
        Template("{% load engage %}{% questions_for target %}").render(
            Context({"target": target, "request": request})
        ),
        "html.parser",
    )


def ask(client, url, text="What would explain the drop in October?", **extra):
    return client.post(
        url,
        {"text": text, "display_name": "Sam", "email": "sam@example.org", "website": "", **extra},
    )


def test_initiative_page_shows_the_form_and_no_unapproved_question(client, tree):
    url = tree["initiative"].url
    page = html(client.get(url))
    form = page.select_one("#questions form.question-form")
    assert form["action"] == f"/engage/questions/page/{tree['initiative'].pk}/"
    assert page.select_one("label[for=id_question_text]").get_text() == "Your question or comment"
    response = ask(client, form["action"])
    assert response.status_code == 302 and response["Location"] == f"{url}?asked=1#questions"
    question = Question.objects.get()
    assert question.status == QuestionStatus.PENDING and question.page_id == tree["initiative"].pk
    after = html(client.get(response["Location"]))
    assert "will appear here once staff have read it" in after.select_one("#questions").get_text()
    assert "drop in October" not in after.get_text()


def test_measure_questions_use_the_tag_and_post_by_slug(client, tree):
    measure = tree["measure"]
    tag = render_tag(measure)
    assert tag.select_one("form")["action"] == f"/engage/questions/measure/{measure.slug}/"
    ask(client, f"/engage/questions/measure/{measure.slug}/")
    assert Question.objects.get().measure == measure
    assert "drop in October" not in render_tag(measure).get_text()
    assert client.post("/engage/questions/measure/no-such/", {"text": "x"}).status_code == 404


def test_measure_page_takes_questions_and_shows_them_once_approved(client, tree, staff):
    measure = tree["measure"]
    url = f"/measures/{measure.slug}/"
    page = html(client.get(url))
    form = page.select_one("#questions form.question-form")
    assert form["action"] == f"/engage/questions/measure/{measure.slug}/"
    assert len(page.select("#questions")) == 1
    response = ask(client, form["action"], text="Why did joint events drop in the summer?")
    assert response.status_code == 302 and response["Location"] == f"{url}?asked=1#questions"
    waiting = html(client.get(response["Location"]))
    assert "once staff have read it" in waiting.select_one("#questions").get_text()
    assert "drop in the summer" not in waiting.get_text()
    question = Question.objects.get()
    client.force_login(staff["fire"])  # the measure's department
    client.post(
        f"/engage/staff/questions/{question.pk}/",
        {f"q{question.pk}-answer": "Schools were out.", f"q{question.pk}-action": "approve"},
    )
    client.logout()
    qa = html(client.get(url)).select_one("#questions .qa")
    assert "drop in the summer" in qa.select_one(".qa__question").get_text()
    assert "Schools were out." in qa.select_one(".qa__answer").get_text()
    assert "Answered by Fire Department staff" in qa.get_text()


def test_invalid_questions_come_back_with_field_messages(client, tree):
    response = ask(
        client, f"/engage/questions/page/{tree['initiative'].pk}/", text="?", email="nope"
    )
    assert response.status_code == 400
    page = html(response)
    assert "at least a few words" in page.select_one("#id_question_text-error").get_text()
    assert "valid email" in page.select_one("#id_question_email-error").get_text()
    assert "id_question_text-error" in page.select_one("#id_question_text")["aria-describedby"]
    assert Question.objects.count() == 0


def test_honeypot_and_flood(client, tree):
    url = f"/engage/questions/page/{tree['initiative'].pk}/"
    assert ask(client, url, website="spam").status_code == 302
    assert Question.objects.count() == 0
    codes = [ask(client, url, text=f"Question number {i}").status_code for i in range(8)]
    assert codes.count(302) == 5 and codes.count(429) == 3
    assert Question.objects.count() == 5


def test_staff_approve_and_answer_and_it_appears(client, tree, staff):
    ask(client, f"/engage/questions/page/{tree['initiative'].pk}/")
    question = Question.objects.get()
    # Parks staff do not own initiative 2.21: they neither see nor may moderate it.
    client.force_login(staff["parks-recreation"])
    assert "drop in October" not in client.get("/engage/staff/questions/").content.decode()
    assert (
        client.post(
            f"/engage/staff/questions/{question.pk}/", {f"q{question.pk}-action": "approve"}
        ).status_code
        == 403
    )
    client.force_login(staff["police"])
    queue = html(client.get("/engage/staff/questions/"))
    assert "drop in October" in queue.select_one(".moderation").get_text()
    client.post(
        f"/engage/staff/questions/{question.pk}/",
        {
            f"q{question.pk}-answer": "Two large events moved to November.",
            f"q{question.pk}-action": "approve",
        },
    )
    question.refresh_from_db()
    assert (question.status, question.moderated_by, question.answered_by_department.slug) == (
        QuestionStatus.APPROVED,
        staff["police"],
        "police",
    )
    client.logout()
    page = html(client.get(tree["initiative"].url))
    qa = page.select_one(".qa")
    assert "drop in October" in qa.select_one(".qa__question").get_text()
    assert "moved to November" in qa.select_one(".qa__answer").get_text()
    assert "Answered by Police Department staff" in qa.get_text()
    assert "sam@example.org" not in page.get_text()
    assert mail.outbox[-1].to == ["sam@example.org"] and "moved to November" in mail.outbox[-1].body


def test_rejected_questions_are_never_public(client, tree, office):
    ask(client, f"/engage/questions/measure/{tree['measure'].slug}/", text="Rude words here")
    question = Question.objects.get()
    client.force_login(office)  # the performance office moderates every question
    client.post(f"/engage/staff/questions/{question.pk}/", {f"q{question.pk}-action": "reject"})
    question.refresh_from_db()
    assert question.status == QuestionStatus.REJECTED
    assert "Rude words" not in render_tag(tree["measure"]).get_text()


@pytest.mark.parametrize("status", [QuestionStatus.PENDING, QuestionStatus.REJECTED])
def test_unapproved_feedback_is_never_public(client, tree, status):
    Question.objects.create(
        page_id=tree["initiative"].pk,
        text="Secret pending words",
        status=status,
        answer="An answer drafted early",
    )
    Question.objects.create(measure=tree["measure"], text="Secret measure words", status=status)
    for body in (
        client.get(tree["initiative"].url).content.decode(),
        client.get(f"/measures/{tree['measure'].slug}/").content.decode(),
        str(render_tag(tree["measure"])),
        str(render_tag(tree["initiative"])),
    ):
        assert "Secret" not in body and "drafted early" not in body
