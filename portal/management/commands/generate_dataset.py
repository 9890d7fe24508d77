import time

from django.core.management.base import BaseCommand, CommandError

from portal import dataset


class Command(BaseCommand):
    help = (
        "Fill an empty portal with a generated dataset: at scale 1 about twenty working "
        "groups, 300 members, 5,000 persons, 3,000 meetings, 30,000 agenda items, 20,000 "
        "actions and 60,000 progress updates, with ten years of co-chair rosters, reports, "
        "papers, statements and notifications. The same seed makes the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, required=True, help="Multiplies every figure, e.g. 0.01."
        )
        parser.add_argument("--seed", type=int, default=1, help="The same seed, the same data.")
        parser.add_argument(
            "--password",
            default=dataset.DEFAULT_PASSWORD,
            help="The password of every generated person.",
        )

    def handle(self, *args, scale, seed, password, **options):
        if scale <= 0:
            raise CommandError("The scale must be above 0, e.g. 0.01 or 1.")
        if not dataset.is_empty():
            raise CommandError(
                "This portal already holds working groups, members or meetings: the dataset "
                "is generated only into an empty portal (migrate a new database first)."
            )
        started = time.monotonic()
        found = dataset.generate(
            scale=scale, seed=seed, password=password, log=lambda line: self.stdout.write(line)
        )
        self.stdout.write(f"Generated in {time.monotonic() - started:.0f} s:")
        for name, count in found.items():
            self.stdout.write(f"  {name}: {count}")
        self.stdout.write(
            f"Sign in as {dataset.SECRETARIAT_USERNAME!r} (or any generated person) with the "
            f"password {password!r}."
        )
