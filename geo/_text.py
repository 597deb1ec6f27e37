"""Persian text folding shared by the name resolver, the number reader and the register reader.

Files from Iran write the same word with Persian letters (ی U+06CC, ک U+06A9) or Arabic
ones (ي U+064A, ك U+0643), digits as Persian (۰-۹), Arabic-Indic (٠-٩) or Latin, and
carry invisible characters (zero-width non-joiners, bidi marks, tatweel) that a person
never sees. These tables make such variants compare equal.
"""

from __future__ import annotations

import re

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
