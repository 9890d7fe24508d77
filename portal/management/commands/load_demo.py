from django.core.management.base import BaseCommand
from django.db import transaction

from groups import demo as groups_demo
from meetings import demo as meetings_demo
from portal.accounts import demo as accounts_demo
from portal.accounts.models import User
from reports import demo as reports_demo
from workplans import demo as workplans_demo


class Command(BaseCommand):
    help = "Load the demo members, groups, meetings and people. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            required=True,
            help="Password given to demo people when they are first created.",
        )

    @transaction.atomic
    def handle(self, *args, password, **options):
        members = groups_demo.load_members()
        groups = groups_demo.load_groups(members)
        meetings = meetings_demo.load_meetings(groups)
        groups_demo.load_terms_of_reference(groups, meetings["som-2014"])
        groups_demo.load_co_chairs(groups, members, meetings)
        groups_demo.load_nominations(groups, members, meetings)
        meetings_demo.load_participation(meetings, members)
        people = accounts_demo.load_people(members, groups, password)
        secretariat = User.objects.get(username="secretariat")
        meetings_demo.load_papers(meetings, secretariat)
        workplans_demo.load_work_plans(groups, members, meetings, secretariat)
        reports_demo.load_reports(groups)

        self.stdout.write("Demo logins (the same password for each):")
        width = max(len(p.username) for p in people)
        for person in people:
            self.stdout.write(f"  {person.username.ljust(width)}  {person.role}")
        self.stdout.write(f"  password: {password}")
