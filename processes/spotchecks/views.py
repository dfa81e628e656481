"""Campaign pages: the list, a new campaign (monitors), a campaign with its sample and
progress, closing it, and its report (discrepancy rates), each table also as XLSX."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import selectors as case_selectors
from cases import services as case_services
from cases.display import versions_compare
from cases.forms import FIX_FIELDS, RegistrationForm, required_map
from core.http import page_query, safe_next
from core.xlsx import xlsx_response
from roles.decorators import role_required
from roles.models import Province, Role, University
from roles.org_scope import scope_for_user
from workflows.pages import access_record, case_context, may_decide
from workflows.steps import TaskNotAvailable

from . import selectors, services
from .forms import CampaignForm, DiscrepancyForm, SpotCheckForm
from .models import Outcome, Resolution
from .records import CheckNotPossible

CAMPAIGN_ROLES = (Role.PROVINCIAL_MONITOR, Role.INSPECTOR, Role.NATIONAL_ADMIN)


@role_required(*CAMPAIGN_ROLES)
def campaign_list(request):
    campaigns = (
        selectors.campaigns_for_user(request.user)
        .select_related("province")
        .annotate(
            sampled=Count("checks"),
            done=Count("checks", filter=~Q(checks__outcome=Outcome.PENDING)),
            inconsistent=Count("checks", filter=Q(checks__outcome=Outcome.INCONSISTENT)),
        )
        .order_by("-created_at", "-pk")
    )
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            filename="spot-check-campaigns.xlsx",
            title="核查任务",
            headers=[
                "核查任务",
                "省份",
                "毕业年份",
                "截止日期",
                "抽取",
                "已核查",
                "不一致",
                "状态",
            ],
            rows=(
                [
                    c.name,
                    c.province.name,
                    c.cohort,
                    c.deadline.isoformat(),
                    c.sampled,
                    c.done,
                    c.inconsistent,
                    c.get_status_display(),
                ]
                for c in campaigns
            ),
        )
    scope = scope_for_user(request.user)
    return render(
        request,
        "spotchecks/campaign_list.html",
        {
            "page": Paginator(campaigns, settings.PAGE_SIZE).get_page(request.GET.get("page")),
            "can_create": scope.has_role(Role.PROVINCIAL_MONITOR),
        },
    )


def _monitor_province(request) -> Province:
    ids = sorted(scope_for_user(request.user).ids(Role.PROVINCIAL_MONITOR))
    wanted = request.GET.get("province") or request.POST.get("province")
    if wanted and wanted.isdigit() and int(wanted) in ids:
        ids = [int(wanted)]
    return Province.objects.get(pk=ids[0])


@require_http_methods(["GET", "POST"])
@role_required(Role.PROVINCIAL_MONITOR)
def campaign_create_page(request):
    """A new campaign: scope, sample size, over-sampling, deadline and inspectors. Drawing
    the sample and opening the checks happen on submit."""
    province = _monitor_province(request)
    universities = list(University.objects.filter(province=province).order_by("code"))
    inspectors = list(selectors.province_inspectors(province.pk))
    form = CampaignForm(request.POST or None, universities=universities, inspectors=inspectors)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [u for u in universities if u.pk in set(data["universities"])]
        try:
            campaign = services.campaign_launch(
                actor=request.user,
                name=data["name"],
                province=province,
                cohort=data["cohort"],
                universities=chosen,
                size_mode=data["size_mode"],
                size_value=data["size_value"],
                oversample_factor=data["oversample_factor"],
                deadline=data["deadline"],
                inspectors=[m.user for m in inspectors if m.user_id in set(data["inspectors"])],
                seed=data.get("seed"),
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Campaign created: %(n)d case(s) drawn and waiting for the inspectors.")
                % {"n": campaign.checks.count()},
            )
            return redirect("spotchecks:detail", campaign_id=campaign.pk)
    return render(request, "spotchecks/campaign_form.html", {"form": form, "province": province})


CHECK_HEADERS = [
    "学校",
    "学号",
    "姓名",
    "毕业去向代码",
    "核查结果",
    "核查说明",
    "核查时间",
    "处理结果",
]


@role_required(*CAMPAIGN_ROLES)
def campaign_detail(request, campaign_id):
    campaign, can_act = selectors.campaign_for_user(request.user, campaign_id)
    checks = selectors.campaign_checks(campaign)
    outcome = request.GET.get("outcome", "")
    if outcome and outcome in Outcome.values:
        checks = checks.filter(outcome=outcome)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            filename=f"spot-checks-{campaign.pk}.xlsx",
            title="核查样本",
            headers=CHECK_HEADERS,
            rows=(
                [
                    str(c.university),
                    c.graduate.student_no,
                    c.graduate.name,
                    c.category_code,
                    c.get_outcome_display(),
                    c.notes,
                    c.checked_at.strftime("%Y-%m-%d %H:%M") if c.checked_at else "",
                    c.get_resolution_display() if c.resolution else "",
                ]
                for c in checks
            ),
        )
    report = selectors.campaign_report(campaign)
    page = Paginator(checks, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "spotchecks/campaign_detail.html",
        {
            "campaign": campaign,
            "can_act": can_act and campaign.is_open,
            "report": report,
            "page": page,
            "query": page_query(request),
            "outcome": outcome,
            "outcomes": [(v, label) for v, label in Outcome.choices if v],
            "universities": campaign.universities.all(),
        },
    )


@require_POST
@role_required(Role.PROVINCIAL_MONITOR)
def campaign_close_page(request, campaign_id):
    campaign, can_act = selectors.campaign_for_user(request.user, campaign_id)
    if not can_act:
        raise PermissionDenied
    try:
        services.campaign_close(campaign=campaign, actor=request.user)
    except CheckNotPossible as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The campaign is closed; its inspectors can no longer open its cases."),
        )
    return redirect("spotchecks:detail", campaign_id=campaign.pk)


REPORT_HEADERS = [
    "抽取",
    "核实一致",
    "不一致",
    "无法联系",
    "未核查",
    "待核查",
    "已更正",
    "维持原登记",
    "不一致率",
]


def _report_row(tally) -> list:
    return [
        tally.sampled,
        tally.consistent,
        tally.inconsistent,
        tally.unreachable,
        tally.not_checked,
        tally.pending,
        tally.corrected,
        tally.upheld,
        "" if tally.discrepancy_rate is None else round(tally.discrepancy_rate, 4),
    ]


@role_required(*CAMPAIGN_ROLES)
def campaign_report(request, campaign_id):
    """Discrepancy rates by university and by destination category (as drawn)."""
    campaign, _can_act = selectors.campaign_for_user(request.user, campaign_id)
    report = selectors.campaign_report(campaign)
    table = request.GET.get("table", "")
    if request.GET.get("format") == "xlsx" and table in ("university", "category"):
        groups = report.by_university if table == "university" else report.by_category
        first = "学校" if table == "university" else "毕业去向"
        return xlsx_response(
            filename=f"spot-check-report-{campaign.pk}-{table}.xlsx",
            title=f"核查报告（{first}）",
            headers=[first, *REPORT_HEADERS],
            rows=[
                *([t.label, *_report_row(t)] for t in groups),
                ["合计", *_report_row(report.total)],
            ],
        )
    return render(
        request, "spotchecks/campaign_report.html", {"campaign": campaign, "report": report}
    )


# --- Task pages ------------------------------------------------------------------------------


def spot_check_task(request, row):
    """The inspector's check of one sampled case: 核实一致, 不一致 or 无法联系, with notes and
    an evidence file."""
    graduate = case_selectors.case_for_user(request.user, row.graduate_id)
    check = selectors.check_of_case(campaign_id=row.campaign_id, graduate_id=graduate.pk)
    can_decide = may_decide(request, row)
    reveal = request.method == "POST" and "reveal_contact" in request.POST
    form = SpotCheckForm(None if reveal else request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        if reveal:
            # The inspector calls the graduate: the number is shown once asked for, and logged.
            access_record(request, graduate, "spot_check_contact")
        elif form.is_valid():
            try:
                services.spot_check_decide(
                    task_id=row.pk,
                    user=request.user,
                    outcome=form.cleaned_data["outcome"],
                    notes=form.cleaned_data["notes"],
                    uploads=form.cleaned_data["evidence"],
                )
            except (TaskNotAvailable, CheckNotPossible, ValueError) as exc:
                messages.error(request, str(exc))
                return redirect("workflows:task", task_id=row.pk)
            messages.success(request, _("Check recorded for %(name)s.") % {"name": graduate.name})
            return redirect(safe_next(request, reverse("workflows:queue")))
    access_record(request, graduate, "spot_check_view")
    context = case_context(graduate)
    if reveal:
        context["masked_mobile"] = graduate.mobile
    return render(
        request,
        "spotchecks/check_task.html",
        {
            **context,
            "revealed": reveal,
            "row": row,
            "form": form,
            "can_decide": can_decide,
            "check": check,
            "checked_rows": versions_compare(check.registration, None),
        },
    )


def discrepancy_task(request, row):
    """The university's answer to a discrepancy: correct the registration, or explain why it
    stands."""
    graduate = case_selectors.case_for_user(request.user, row.graduate_id)
    check = selectors.check_of_case(campaign_id=row.campaign_id, graduate_id=graduate.pk)
    can_decide = may_decide(request, row)
    form = DiscrepancyForm(request.POST or None)
    registration = RegistrationForm.of_case(request.POST or None, graduate)
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        corrected = request.POST.get("resolution") == Resolution.CORRECTED
        if form.is_valid() and (not corrected or registration.is_valid()):
            try:
                services.discrepancy_decide(
                    task_id=row.pk,
                    user=request.user,
                    resolution=form.cleaned_data["resolution"],
                    note=form.cleaned_data["note"],
                    values=registration.values() if corrected else None,
                )
            except (
                TaskNotAvailable,
                CheckNotPossible,
                case_services.ChangeNotAllowed,
                ValueError,
            ) as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Resolution recorded; the campaign sees it."))
                return redirect(safe_next(request, reverse("workflows:queue")))
        else:
            messages.error(request, FIX_FIELDS)
    access_record(request, graduate, "discrepancy_view")
    return render(
        request,
        "spotchecks/discrepancy_task.html",
        {
            **case_context(graduate),
            "row": row,
            "form": form,
            "registration_form": registration,
            "can_decide": can_decide,
            "check": check,
            "checked_rows": versions_compare(check.registration, None),
            "required_map": required_map(graduate.cohort),
        },
    )
