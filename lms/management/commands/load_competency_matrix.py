from django.core.management.base import BaseCommand

from lms.matrix_loader import matrix_load


class Command(BaseCommand):
    help = (
        "Create the missing parts of the default competency matrix and position profiles. "
        "Idempotent; keeps HR's edits (unless --overwrite) and never deletes what HR added."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Put the shipped names, indicators and levels back on rows HR edited.",
        )

    def handle(self, *args, **options) -> None:
        result = matrix_load(overwrite=options["overwrite"])
        for kind, counts in result.items():
            self.stdout.write(
                f"{kind:>13}: {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged"
            )
        self.stdout.write(self.style.SUCCESS("Competency matrix loaded."))
