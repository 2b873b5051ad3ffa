from django.urls import path

from civicstat.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("measures/", views.measure_index, name="measure-index"),
    path("measures.json", views.measure_list_json, name="measure-list-json"),
    path("measures/<slug:slug>/", views.measure_detail, name="measure"),
    path("measures/<slug:slug>.csv", views.measure_csv, name="measure-csv"),
    path("measures/<slug:slug>.json", views.measure_json, name="measure-json"),
]
