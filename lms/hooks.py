"""What higher apps add to lms pages, registered from their AppConfig.ready().

Person page panels: a URL name taking the person's id, whose response is an HTML block of
the person page (certification's points, honours, ability tags and career level). The
person page loads each one over htmx, so that lms never names a higher app's URLs; the
panel's own view checks that the viewer may see the person.
"""

_person_panels: list[str] = []


def person_panel_register(url_name: str) -> str:
    """Add a block to the person page: ``url_name`` reverses with the person id."""
    if url_name not in _person_panels:
        _person_panels.append(url_name)
    return url_name


def person_panels() -> list[str]:
    return list(_person_panels)
