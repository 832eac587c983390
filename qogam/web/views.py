from django.shortcuts import render

from qogam.registry import selectors


def home(request):
    return render(request, "web/home.html", {"stats": selectors.public_register_stats()})
