"""Generators of realistic, valid identifiers and roster rows for demo data, tests and benchmarks."""

import datetime
import random

from cases.roster_files import COLUMNS
from core.validators import CREDIT_CODE_ALPHABET, credit_code_check_char, id_number_check_char

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鑫宇浩然子轩欣怡梓涵思远佳琪雨泽晨曦博文"
MAJORS = [
    ("080901", "计算机科学与技术"),
    ("020101", "经济学"),
    ("050201", "英语"),
    ("120201K", "工商管理"),
    ("080902", "软件工程"),
]
REGIONS = [
    "110100",
    "130100",
    "320100",
    "330100",
    "370100",
    "410100",
    "420100",
    "440100",
    "510100",
    "610100",
]


def make_id_number(*, region: str, birth: datetime.date, seq: int, male: bool) -> str:
    """A valid 18-character ID number (GB 11643) for the given region, birth date and sex."""
    order = seq % 500 * 2 + (1 if male else 0)
    first17 = f"{region}{birth:%Y%m%d}{order:03d}"
    return first17 + id_number_check_char(first17)


def valid_credit_code(rng: random.Random, region: str = "110108") -> str:
    """A unified social credit code with a correct GB 32100 check character."""
    body = "91" + region + "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
    return body + credit_code_check_char(body)


def demo_roster_rows(
    *,
    cohort: int,
    count: int,
    rng: random.Random,
    first_no: int = 1,
    colleges=("计算机学院", "经济管理学院", "外国语学院"),
) -> list[list[str]]:
    """A roster table (header first) of ``count`` valid graduates."""
    header = [h for _n, h, _r in COLUMNS]
    rows = [header]
    seen: set[str] = set()
    for i in range(count):
        male = rng.random() < 0.5
        birth = datetime.date(cohort - 22, 1, 1) + datetime.timedelta(days=rng.randint(0, 700))
        region = rng.choice(REGIONS)
        id_number = make_id_number(
            region=region[:4] + "02", birth=birth, seq=first_no + i, male=male
        )
        while id_number in seen:  # a roster holds each ID number once
            birth += datetime.timedelta(days=1)
            id_number = make_id_number(
                region=region[:4] + "02", birth=birth, seq=first_no + i, male=male
            )
        seen.add(id_number)
        major_code, major = rng.choice(MAJORS)
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        values = {
            "student_no": f"{cohort}{first_no + i:05d}",
            "name": name,
            "gender": "男" if male else "女",
            "id_number": id_number,
            "education_level": "本科",
            "college": colleges[i % len(colleges)],
            "major_code": major_code,
            "major_name": major,
            "origin_region": region,
            "enrolled_on": f"{cohort - 4}-09",
            "graduation_date": f"{cohort}-06-30",
            "training_mode": "非定向",
            "is_incomplete": "否",
            "mobile": f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
        }
        rows.append([values.get(name, "") for name, _h, _r in COLUMNS])
    return rows
