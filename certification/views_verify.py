from django.http import Http404, HttpRequest, HttpResponse


def verify(request: HttpRequest, code: str) -> HttpResponse:
    raise Http404  # replaced by the verification page
