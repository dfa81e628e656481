"""Shapes of the API's requests and answers. They check types and lengths; the domain
rules (ID numbers, code tables, required fields per category) are checked by the models
when an event is applied."""

from functools import partial

from rest_framework import serializers

from cases.models import (
    ArchiveDestination,
    ArchiveMethod,
    CaseStatus,
    EducationLevel,
    Gender,
    HukouMigration,
    IdDocument,
    OriginKind,
    StudyForm,
    TrainingMode,
)
from sync.models import EventResult, EventType
from workflows.models import ScopeStatus
from workflows.registry import registry
from workflows.selectors import SORTS

# Text is kept exactly as sent (no trimming), so that both nodes hash the same values.
Text = partial(serializers.CharField, trim_whitespace=False)
Code = partial(serializers.CharField, trim_whitespace=False, allow_blank=True, max_length=8)
SYNCED_REGISTRATION_STATUSES = [
    ("pending", "pending"),
    ("returned", "returned"),
    ("approved", "approved"),
]
INBOX_STATUSES = [("open", "open"), ("assigned", "assigned"), ("active", "active")]
MAX_BATCH = 500


class CaseKeySerializer(serializers.Serializer):
    university = serializers.RegexField(r"^\d{5}$", help_text="学校代码")
    student_no = serializers.RegexField(r"^[A-Za-z0-9_-]{1,32}$", help_text="学号")
    cohort = serializers.IntegerField(min_value=2000, max_value=2100)


class GraduateStateSerializer(serializers.Serializer):
    name = Text(max_length=50)
    gender = serializers.ChoiceField(Gender.choices)
    # absent from events sent before document types existed: a resident ID then
    id_type = serializers.ChoiceField(IdDocument.choices, default=IdDocument.RESIDENT_ID)
    id_number = Text(max_length=20)
    education_level = serializers.ChoiceField(EducationLevel.choices)
    major_code = Text(max_length=16, allow_blank=True)
    major_name = Text(max_length=100)
    enrolled_on = serializers.DateField(allow_null=True)
    graduation_date = serializers.DateField(allow_null=True)
    training_mode = serializers.ChoiceField(TrainingMode.choices)
    is_incomplete = serializers.BooleanField()
    targeted_employer_name = Text(max_length=100, allow_blank=True)
    targeted_credit_code = Text(max_length=18, allow_blank=True)
    agreement_no = Text(max_length=50, allow_blank=True)
    mobile = Text(max_length=11, allow_blank=True)
    # the national roster's other fields, absent from events sent before them
    origin_kind = serializers.ChoiceField(
        [("", ""), *OriginKind.choices], allow_blank=True, default=""
    )
    major_direction = Text(max_length=100, allow_blank=True, default="")
    study_form = serializers.ChoiceField(StudyForm.choices, default=StudyForm.FULL_TIME)
    schooling_years = Text(max_length=4, allow_blank=True, default="")
    commissioning_employer = Text(max_length=100, allow_blank=True, default="")
    exam_no = Text(max_length=20, allow_blank=True, default="")
    ethnicity = Text(max_length=2, allow_blank=True, default="")
    political_status = Text(max_length=2, allow_blank=True, default="")
    origin_region = Text(max_length=6, allow_blank=True)
    targeted_region = Text(max_length=6, allow_blank=True)
    college_code = Text(max_length=20)
    college_name = Text(max_length=100)


class RegistrationStateSerializer(serializers.Serializer):
    number = serializers.IntegerField(min_value=1, max_value=1_000_000)
    status = serializers.ChoiceField(SYNCED_REGISTRATION_STATUSES)
    decision_reason = Text(allow_blank=True, max_length=2000)
    category = Text(max_length=8)
    employer_name = Text(max_length=100, allow_blank=True)
    employer_credit_code = Text(max_length=18, allow_blank=True)
    employer_nature = Code()
    employer_industry = Code()
    employer_region = Code(max_length=6)
    job_category = Code()
    employer_address = Text(max_length=200, allow_blank=True)
    signed_on = serializers.DateField(allow_null=True)
    study_institution = Text(max_length=100, allow_blank=True)
    foreign_institution = Text(max_length=200, allow_blank=True)
    remarks = Text(max_length=500, allow_blank=True)


class TransferStateSerializer(serializers.Serializer):
    number = serializers.IntegerField(min_value=1, max_value=1_000_000)
    archive_destination = serializers.ChoiceField(ArchiveDestination.choices)
    archive_unit = Text(max_length=100)
    archive_address = Text(max_length=200)
    archive_postcode = Text(max_length=6)
    archive_contact = Text(max_length=50)
    archive_phone = Text(max_length=30)
    archive_method = serializers.ChoiceField(ArchiveMethod.choices)
    hukou_migrate = serializers.BooleanField()
    hukou_type = serializers.ChoiceField(HukouMigration.choices, allow_blank=True)
    hukou_address = Text(max_length=200, allow_blank=True)


class CaseStateSerializer(serializers.Serializer):
    """The case's whole synced state as of the event's version."""

    graduate = GraduateStateSerializer()
    status = serializers.ChoiceField(CaseStatus.choices)
    change_pending = serializers.BooleanField(
        help_text="A change request or new archive/hukou details wait for audit in the "
        "provincial system: confirmation is blocked until they are decided."
    )
    registration = RegistrationStateSerializer(allow_null=True)
    transfer = TransferStateSerializer(allow_null=True)


class EventSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.ChoiceField(EventType.choices)
    case = CaseKeySerializer()
    version = serializers.IntegerField(min_value=1, max_value=2**62)
    payload = CaseStateSerializer()


class EventBatchSerializer(serializers.Serializer):
    """What the sync endpoint is documented to take. Each event is checked on its own, so
    that one malformed event is answered invalid without refusing the others."""

    events = EventSerializer(many=True)


class RawBatchSerializer(serializers.Serializer):
    events = serializers.ListField(
        child=serializers.JSONField(), min_length=1, max_length=MAX_BATCH
    )


class EventOutcomeSerializer(serializers.Serializer):
    id = serializers.CharField()
    result = serializers.ChoiceField(EventResult.choices)
    reason = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(
        allow_null=True, help_text="The case's version at the national node after this event."
    )


class EventOutcomesSerializer(serializers.Serializer):
    results = EventOutcomeSerializer(many=True)


class GroupSerializer(serializers.Serializer):
    university = serializers.CharField()
    cohort = serializers.IntegerField()
    count = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    checksum = serializers.CharField(
        help_text="SHA-256 over the (学号, case digest) pairs of the group, in 学号 order."
    )


class ReconciliationSerializer(serializers.Serializer):
    province = serializers.CharField()
    groups = GroupSerializer(many=True)


class ReconciliationQuerySerializer(serializers.Serializer):
    cohort = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    university = serializers.RegexField(r"^\d{5}$", required=False)


class CaseDigestSerializer(serializers.Serializer):
    student_no = serializers.CharField()
    version = serializers.IntegerField(allow_null=True)
    digest = serializers.CharField(help_text="SHA-256 of the case's synced state.")


# --- The user's inbox and cases -----------------------------------------------------------------


class InboxQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(registry.kind_choices(), required=False)
    college = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    status = serializers.ChoiceField(INBOX_STATUSES, required=False)
    sort = serializers.ChoiceField([(k, k) for k in SORTS], required=False)
    overdue = serializers.BooleanField(required=False)


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="task_id")
    kind = serializers.ChoiceField(registry.kind_choices())
    status = serializers.ChoiceField(ScopeStatus.choices)
    case = serializers.IntegerField(source="graduate_id")
    student_no = serializers.CharField(source="graduate.student_no")
    name = serializers.CharField(source="graduate.name")
    university = serializers.IntegerField(source="university_id")
    college = serializers.IntegerField(source="college_id")
    cohort = serializers.IntegerField()
    candidate_role = serializers.CharField()
    assignee = serializers.IntegerField(source="assignee_id", allow_null=True)
    created_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)


class CaseQuerySerializer(serializers.Serializer):
    cohort = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    status = serializers.ChoiceField(CaseStatus.choices, required=False)
    college = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    q = serializers.CharField(max_length=50, required=False)


class CaseSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    university = serializers.CharField(source="university.code")
    college = serializers.CharField(source="college.name")
    cohort = serializers.IntegerField()
    student_no = serializers.CharField()
    name = serializers.CharField()
    status = serializers.ChoiceField(CaseStatus.choices)
    category = serializers.SerializerMethodField()
    synced_from = serializers.CharField(
        source="source_node", help_text="Province code of the provincial system; blank here."
    )
    change_pending_in_provincial_system = serializers.BooleanField(source="remote_change_pending")

    def get_category(self, graduate) -> str | None:
        registration = graduate.current_registration
        return registration.category.code if registration is not None else None


class RegistrationSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    status = serializers.CharField()
    source = serializers.CharField()
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    employer_name = serializers.CharField()
    employer_credit_code = serializers.CharField()
    study_institution = serializers.CharField()
    foreign_institution = serializers.CharField()
    signed_on = serializers.DateField(allow_null=True)
    submitted_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class CaseDetailSerializer(CaseSummarySerializer):
    id_number = serializers.CharField(help_text="Masked unless it is the reader's own case.")
    mobile = serializers.CharField(help_text="Masked unless it is the reader's own case.")
    education_level = serializers.ChoiceField(EducationLevel.choices)
    major_name = serializers.CharField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    registration = RegistrationSerializer(source="current_registration", allow_null=True)
    tasks = TaskSerializer(many=True)
