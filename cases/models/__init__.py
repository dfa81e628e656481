"""The domain: graduates, their destination registrations, code tables and the case history.

A graduate is a *case*. Each submission of a destination is a new immutable
``RegistrationVersion``; the one in effect is marked current. Every state change
and every field change is a ``CaseEvent``. This app never imports the engine
(``workflows``): the flows orchestrate the domain, not the other way round.

The models are kept by subject in the modules of this package; every one is importable
from ``cases.models``, as Django and the migrations expect.
"""

from .codes import (
    EMPLOYER_FIELDS,
    REQUIRABLE_FIELDS,
    CodeEdition,
    CodeTable,
    DestinationCategory,
    DestinationClass,
    EmployerNature,
    Ethnicity,
    Industry,
    JobCategory,
    PoliticalStatus,
    Region,
)
from .graduate import (
    CaseStatus,
    Cohort,
    EducationLevel,
    Gender,
    Graduate,
    GraduateGroupObjectPermission,
    GraduateUserObjectPermission,
    IdDocument,
    OriginKind,
    StudyForm,
    TargetedCompliance,
    TrainingMode,
)
from .history import (
    CaseAccess,
    CaseEvent,
)
from .registration import (
    ChangeRequest,
    Evidence,
    RegistrationDraft,
    RegistrationStatus,
    RegistrationVersion,
    TargetedException,
    evidence_path,
)
from .tallies import (
    CURRENT_DEFINITION,
    NOT_EMPLOYED_CODES,
    CaseTally,
    FiguresDefinition,
    ProvinceTally,
    TallyColumns,
    TallyFigures,
    UniversitySummary,
)
from .transfer import (
    ArchiveDestination,
    ArchiveMethod,
    HukouMigration,
    TransferDetails,
)

__all__ = [
    "CURRENT_DEFINITION",
    "EMPLOYER_FIELDS",
    "NOT_EMPLOYED_CODES",
    "REQUIRABLE_FIELDS",
    "ArchiveDestination",
    "ArchiveMethod",
    "CaseAccess",
    "CaseEvent",
    "CaseStatus",
    "CaseTally",
    "ChangeRequest",
    "CodeEdition",
    "CodeTable",
    "Cohort",
    "DestinationCategory",
    "DestinationClass",
    "EducationLevel",
    "EmployerNature",
    "Ethnicity",
    "Evidence",
    "FiguresDefinition",
    "Gender",
    "Graduate",
    "GraduateGroupObjectPermission",
    "GraduateUserObjectPermission",
    "HukouMigration",
    "IdDocument",
    "Industry",
    "JobCategory",
    "OriginKind",
    "PoliticalStatus",
    "ProvinceTally",
    "Region",
    "RegistrationDraft",
    "RegistrationStatus",
    "RegistrationVersion",
    "StudyForm",
    "TallyColumns",
    "TallyFigures",
    "TargetedCompliance",
    "TargetedException",
    "TrainingMode",
    "TransferDetails",
    "UniversitySummary",
    "evidence_path",
]
