"""API shapes of the sector dashboards (issue 7)."""

from django.conf import settings
from django.urls import reverse
from rest_framework import serializers

from qogam.analytics.models import Job
from qogam.core.api import StrictSerializer


class FilterSerializer(StrictSerializer):
    year = serializers.IntegerField(required=False, min_value=1990, max_value=2100)
    region = serializers.RegexField(r"^\d{9}$", required=False, help_text="KATO code of a region, 9 digits.")


class SnapshotSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    region = serializers.CharField(allow_null=True, help_text="KATO code, or null for all of Kazakhstan.")
    computed_at = serializers.DateTimeField()
    indicators = serializers.DictField(help_text="The same object `qogam indicators --year Y [--region KATO] "
                                       "--format json` prints, as of `computed_at`.")
    funding = serializers.DictField(help_text="Applications, agreements won and their amount, by mechanism and by "
                                    "funder, by the programme's year.")
    responsiveness = serializers.DictField(help_text="Recommendations sent in the year and how the addressee bodies "
                                           "answered, in total and by the body's level.")


class PanelSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    header = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField())
    note = serializers.CharField()


class ReportRequestSerializer(StrictSerializer):
    year = serializers.IntegerField(min_value=1990, max_value=2100)
    region = serializers.RegexField(r"^\d{9}$", required=False, allow_blank=True,
                                    help_text="KATO code of a region; empty or absent for all of Kazakhstan.")
    language = serializers.ChoiceField(choices=[code for code, _name in settings.LANGUAGES])


class JobSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField(help_text="Address of the PDF, once the report is done.")
    page = serializers.SerializerMethodField(help_text="Address of the page that shows the progress.")

    class Meta:
        model = Job
        fields = ["id", "kind", "status", "progress", "step", "year", "region", "language", "basis", "created_at",
                  "started_at", "finished_at", "page", "download"]

    def get_download(self, job) -> str | None:
        if job.kind == Job.Kind.REPORT and job.status == Job.Status.DONE and job.file:
            return reverse("analytics:job-file", args=[job.pk])
        return None

    def get_page(self, job) -> str:
        return reverse("analytics:job", args=[job.pk])
