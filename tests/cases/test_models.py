import pytest
from django.core.exceptions import ValidationError

from cases.models import DestinationCategory, DestinationClass, Region, RegistrationVersion

pytestmark = pytest.mark.django_db


def test_the_code_tables_are_loaded_with_classes_and_requirements():
    codes = dict(DestinationCategory.objects.values_list("code", "destination_class"))
    assert len(codes) == 17
    assert {c for c, k in codes.items() if k == DestinationClass.NOT_EMPLOYED} == {"70", "71", "72"}
    assert {c for c, k in codes.items() if k == DestinationClass.FURTHER_STUDY} == {
        "801",
        "802",
        "85",
    }
    assert set(
        DestinationCategory.objects.filter(flexible=True).values_list("code", flat=True)
    ) == {"12", "75", "76"}
    assert Region.objects.filter(level=Region.Level.PROVINCE).count() == 34
    assert Region.objects.get(code="440300").full_name == "深圳市"
    assert Region.objects.get(code="440300").parent.code == "440000"


@pytest.mark.parametrize(
    ("code", "values", "missing"),
    [
        (
            "10",
            {},
            {
                "employer_name",
                "employer_credit_code",
                "employer_nature",
                "employer_industry",
                "employer_region",
                "job_category",
                "signed_on",
            },
        ),
        ("801", {}, {"study_institution"}),
        ("85", {"study_institution": "x"}, {"foreign_institution"}),
        ("46", {}, set()),  # an enlisted graduate has no employer or credit code
        ("76", {}, {"job_category"}),  # a freelancer has no employer, but some kind of work
        ("70", {}, set()),
    ],
)
def test_each_category_requires_its_own_fields(code, values, missing):
    version = RegistrationVersion(category=DestinationCategory.objects.get(code=code), **values)
    if missing:
        with pytest.raises(ValidationError) as exc:
            version.clean()
        assert set(exc.value.message_dict) == missing
        assert all("时此项必填" in m[0] for m in exc.value.message_dict.values())
    else:
        version.clean()


def test_a_new_years_codes_are_data():
    DestinationCategory.objects.filter(code="271").update(valid_to=2025)
    from cases.selectors import categories_for_cohort

    assert "271" in categories_for_cohort(2025).values_list("code", flat=True)
    assert "271" not in categories_for_cohort(2026).values_list("code", flat=True)


def test_unknown_required_fields_are_refused_in_the_admin():
    category = DestinationCategory(
        code="99", name="测试", destination_class="employed", required_fields=["salary"]
    )
    with pytest.raises(ValidationError):
        category.full_clean()


def test_the_admin_shows_a_graduate_masked_and_logs_the_read(cohort, client):
    from django.contrib.auth import get_user_model

    from cases.models import CaseAccess

    admin = get_user_model().objects.create_superuser(username="root-admin", password="x")
    graduate = cohort[0]
    client.force_login(admin)
    page = client.get(f"/admin/cases/graduate/{graduate.pk}/change/").content.decode()
    assert graduate.name in page
    assert graduate.id_number not in page and graduate.id_number[-4:] in page
    assert graduate.mobile not in page
    assert CaseAccess.objects.get(graduate=graduate).action == "admin_view"


def test_a_cohorts_change_deadline_is_set_in_the_admin(cohort, client):
    import datetime

    from django.contrib.auth import get_user_model

    from cases.services import changes_open

    graduate = cohort[0]
    after_the_default = datetime.datetime(2026, 9, 10, 12, tzinfo=datetime.UTC)
    assert not changes_open(graduate, now=after_the_default)  # 31 August by default
    client.force_login(get_user_model().objects.create_superuser(username="root", password="x"))
    response = client.post(
        "/admin/cases/cohort/add/",
        {"university": graduate.university_id, "year": 2026, "changes_close_on": "2026-09-15"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert changes_open(graduate, now=after_the_default)


@pytest.mark.parametrize(
    ("code", "full_name", "parent"),
    [
        ("330106", "杭州市西湖区", "330100"),
        ("440305", "深圳市南山区", "440300"),
        ("110101", "北京市东城区", "110100"),
        ("469001", "海南省五指山市", "469000"),  # province-administered county-level units
        ("429004", "湖北省仙桃市", "429000"),
        ("659001", "新疆维吾尔自治区石河子市", "659000"),
        ("810001", "香港特别行政区中西区", "810000"),
        ("820001", "澳门特别行政区花地玛堂区", "820000"),
    ],
)
def test_regions_go_down_to_county_level(code, full_name, parent):
    region = Region.objects.get(code=code)
    assert (region.level, region.full_name, region.parent.code) == (
        Region.Level.COUNTY,
        full_name,
        parent,
    )
    assert Region.places().filter(code=code).exists()


def test_the_places_to_choose_are_current_and_below_the_province_or_taiwan():
    places = set(Region.places().values_list("code", flat=True))
    assert "710000" in places  # GB/T 2260 lists nothing below Taiwan
    assert not {"110000", "330000", "810000"} & places
    assert Region.objects.filter(level=Region.Level.COUNTY).count() > 2800
    Region.objects.filter(code="330106").update(valid_to=2025)
    assert not Region.places().filter(code="330106").exists()


def test_every_code_table_says_where_it_comes_from():
    from cases.models import CodeEdition

    editions = {e.table: e for e in CodeEdition.objects.all()}
    assert set(editions) == {
        "regions",
        "destination_categories",
        "employer_natures",
        "industries",
        "job_categories",
        "ethnicities",
        "political_statuses",
    }
    assert "民政部" in editions["regions"].source and editions["regions"].edition.startswith("2020")


def test_a_retired_code_stays_for_what_refers_to_it_but_is_not_offered():
    from cases.forms import RegistrationForm
    from cases.models import EmployerNature, Industry

    EmployerNature.objects.filter(code="32").update(valid_to=2025)
    Industry.objects.filter(code="T").update(valid_from=2017, valid_to=2024)
    form = RegistrationForm(cohort=2026)
    natures = set(form.fields["employer_nature"].queryset.values_list("code", flat=True))
    industries = set(form.fields["employer_industry"].queryset.values_list("code", flat=True))
    assert "32" not in natures and "39" in natures
    assert "T" not in industries and "I" in industries
    assert EmployerNature.objects.filter(code="32").exists()  # still there for old versions
