"""The numbers printed on the registration form.

转递编号 (transfer number): two-digit year, five-digit 学校代码, eleven capital letters,
e.g. 2510876CYLAXKAZFVR, the shape of the real ones.

核验编号 (verification number): 80 random bits as 16 Crockford base-32 characters plus
a Luhn mod 32 check character, shown in groups (7K2Q-FM9X-DA41-PZ8C-R). Crockford's
alphabet has no I, L, O or U, so it reads and types without ambiguity, and the check
character turns almost every typo into a format error before any lookup.
"""

import re
import secrets
import string

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_TYPOS = str.maketrans({"O": "0", "I": "1", "L": "1"})
TRANSFER_RE = re.compile(r"^\d{7}[A-Z]{11}$")
VERIFICATION_RE = re.compile(rf"^[{ALPHABET}]{{17}}$")


def new_transfer_no(*, year: int, university_code: str) -> str:
    letters = "".join(secrets.choice(string.ascii_uppercase) for _ in range(11))
    return f"{year % 100:02d}{university_code}{letters}"


def luhn_check_char(body: str) -> str:
    """The Luhn mod 32 check character of ``body`` (characters of ALPHABET)."""
    factor, total = 2, 0
    for char in reversed(body):
        addend = factor * ALPHABET.index(char)
        factor = 1 if factor == 2 else 2
        total += addend // 32 + addend % 32
    return ALPHABET[(32 - total % 32) % 32]


def luhn_valid(number: str) -> bool:
    return luhn_check_char(number[:-1]) == number[-1]


def new_verification_no() -> str:
    body = "".join(ALPHABET[secrets.randbelow(32)] for _ in range(16))  # 16 × 5 = 80 bits
    return body + luhn_check_char(body)


def normalise(number: str) -> str:
    return re.sub(r"[\s\-]", "", (number or "").upper()).translate(_TYPOS)


def grouped(verification_no: str) -> str:
    return (
        "-".join(verification_no[i : i + 4] for i in range(0, 16, 4)) + "-" + verification_no[16:]
    )


def transfer_no_text(number: str) -> str:
    """A typed 转递编号 as stored: upper case, without the spaces people type into it."""
    return re.sub(r"\s", "", (number or "").upper())


def kind_of(number: str) -> str | None:
    """'transfer_no', 'verification_no' (check character valid) or None."""
    text = transfer_no_text(number)
    if TRANSFER_RE.match(text):
        return "transfer_no"
    text = normalise(number)
    if VERIFICATION_RE.match(text) and luhn_valid(text):
        return "verification_no"
    return None
