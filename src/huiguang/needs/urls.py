from django.urls import path

from .views import care, ratings, requests, resident

app_name = "needs"

urlpatterns = [
    # residents
    path("needs/", resident.home, name="home"),
    path("needs/signup/", resident.signup, name="signup"),
    path("needs/post/", resident.post, name="post"),
    path("needs/mine/", resident.mine, name="mine"),
    path("needs/mine/<int:pk>/", resident.mine_detail, name="mine_detail"),
    path("needs/rate/<str:token>/", ratings.rate, name="rate"),
    # volunteers
    path("needs/nearby/", requests.nearby, name="nearby"),
    path("needs/nearby/<int:pk>/", requests.open_detail, name="open_detail"),
    path("needs/nearby/<int:pk>/take/", requests.take, name="take"),
    path("needs/taken/", requests.taken, name="taken"),
    path("needs/taken/<int:pk>/", requests.taken_detail, name="taken_detail"),
    # community admins and teams
    path("needs/console/", requests.queue, name="queue"),
    path("needs/console/<int:pk>/", requests.console_detail, name="console_detail"),
    path("needs/console/<int:pk>/<slug:action>/", requests.console_action, name="console_action"),
    # the care register (community workers, teams) and satisfaction
    path("needs/care/", care.care_list, name="care_list"),
    path("needs/care/new/", care.care_create, name="care_create"),
    path("needs/care/missed/", care.care_missed, name="care_missed"),
    path("needs/care/export.csv", care.care_export, name="care_export"),
    path("needs/care/<int:pk>/", care.care_detail, name="care_detail"),
    path("needs/care/<int:pk>/edit/", care.care_edit, name="care_edit"),
    path("needs/care/<int:pk>/end/", care.care_end, name="care_end"),
    path("needs/care/<int:pk>/plans/new/", care.care_plan_create, name="care_plan_create"),
    path("needs/satisfaction/", care.satisfaction, name="satisfaction"),
    # volunteers' home visits
    path("needs/visits/", care.visits, name="visits"),
    path("needs/visits/to/<int:pk>/", care.visit_log, name="visit_log"),
    path("needs/visits/<int:pk>/", care.visit_detail, name="visit_detail"),
    path("needs/visits/<int:pk>/request/", care.visit_request, name="visit_request"),
]
