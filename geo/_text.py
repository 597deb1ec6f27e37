"""Persian text folding shared by the name resolver, the number reader and the register reader.

Files from Iran write the same word with Persian letters (ی U+06CC, ک U+06A9) or Arabic
ones (ي U+064A, ك U+0643), digits as Persian (۰-۹), Arabic-Indic (٠-٩) or Latin, and
carry invisible characters (zero-width non-joiners, bidi marks, tatweel) that a person
never sees. These tables make such variants compare equal.
"""

from __future__ import annotations

import re
import unicodedata

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"

#: Persian and Arabic-Indic digits to ASCII, one character for one character.
DIGIT_MAP: dict[str, str] = {
    **{p: str(i) for i, p in enumerate(PERSIAN_DIGITS)},
    **{a: str(i) for i, a in enumerate(ARABIC_DIGITS)},
}
ASCII_DIGITS = str.maketrans(DIGIT_MAP)

#: Arabic letter forms to the Persian ones, one character for one character.
LETTER_MAP: dict[str, str] = {"ي": "ی", "ى": "ی", "ك": "ک"}

#: For matching keys only (lossy): also hamza forms, teh marbuta and alef madda folded.
MATCH_LETTER_MAP: dict[str, str] = {
    **LETTER_MAP,
    "ئ": "ی",
    "ة": "ه",
    "ۀ": "ه",
    "أ": "ا",
    "إ": "ا",
    "ٱ": "ا",
    "آ": "ا",
    "ؤ": "و",
}
MATCH_LETTERS = str.maketrans(MATCH_LETTER_MAP)

#: Zero-width and directional marks, tatweel, BOM and soft hyphen: invisible in a cell.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u0640\u00ad]")

_TO_PERSIAN = str.maketrans("0123456789", PERSIAN_DIGITS)
_TO_PERSIAN_SEPARATORS = str.maketrans("0123456789.,", PERSIAN_DIGITS + "٫٬")


def fold(text: object) -> str:
    """Text in Unicode NFKC form without its invisible characters.

    The first step of every comparison of users' text: presentation forms and
    compatibility characters become the plain letters and digits, and zero-width
    non-joiners, bidi marks, tatweel, BOM and soft hyphens are dropped.

    Examples
    --------
    >>> fold("آذربایجان\u200cشرقی") == "آذربایجانشرقی"
    True
    >>> fold("ﻙ"), fold(12)
    ('ك', '12')
    """
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", str(text)))


def persian_digits(text: str, *, separators: bool = False) -> str:
    """Write the Latin digits of ``text`` as Persian digits (۰-۹).

    With ``separators``, also ``.`` as the Persian decimal separator ``٫`` and ``,`` as
    the thousands separator ``٬`` (for a number already formatted, e.g. ``1,234.5``).

    Examples
    --------
    >>> persian_digits("ISO 14001")
    'ISO ۱۴۰۰۱'
    >>> persian_digits("1,234.5", separators=True)
    '۱٬۲۳۴٫۵'
    """
    return text.translate(_TO_PERSIAN_SEPARATORS if separators else _TO_PERSIAN)
