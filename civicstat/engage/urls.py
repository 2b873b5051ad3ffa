"""/engage/: event requests, questions, and the staff queues and forms."""

from django.urls import path

from civicstat.engage.views import questions, requests, staff, tutoring

app_name = "engage"

urlpatterns = [
    path("request/", requests.request_form, name="request"),
    path("request/thanks/", requests.request_thanks, name="request-thanks"),
    path("questions/<str:kind>/<str:key>/", questions.ask, name="ask"),
    path("staff/requests/", staff.request_queue, name="staff-requests"),
    path("staff/requests/<int:pk>/", staff.request_detail, name="staff-request"),
    path("staff/questions/", staff.question_queue, name="staff-questions"),
    path("staff/questions/<int:pk>/", staff.moderate, name="staff-moderate"),
    path("staff/tutoring/", tutoring.tutoring, name="staff-tutoring"),
]
