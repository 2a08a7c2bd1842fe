from django.core.checks import Warning, register


@register()
def harfbuzz_subset(app_configs, **kwargs) -> list:
    # Looked up on the module at each run (not imported by name) so that the check reads
    # the current answer; importing here also keeps WeasyPrint out of start-up until a
    # check runs.
    from . import pdf

    if pdf.harfbuzz_subset_available():
        return []
    return [
        Warning(
            "libharfbuzz-subset is not installed: WeasyPrint falls back to a slow path "
            "(about 12 s instead of 0.14 s per Chinese certificate).",
            hint="Install the Debian package libharfbuzz-subset0 (make setup does it as root).",
            id="certification.W001",
        )
    ]
