from django.contrib import admin
from django.urls import include, path

from chainvest.api.routes import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("chainvest.web.urls")),
]
