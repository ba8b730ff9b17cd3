from django.urls import path

from .views import ratings, requests, resident

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
]
