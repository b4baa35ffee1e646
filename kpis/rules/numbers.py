"""Numbers as people write them, and as the pages write them back.

Published documents print thousands with commas (1,150; 12,345.6). A comma is read only as such a
separator: "1,5" could be one and a half (as in much of Europe) or fifteen hundred with a digit
lost, so it is refused with what to write instead, never guessed.
"""

import re
from decimal import Decimal, InvalidOperation

_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_COMMAS = re.compile(r"[+-]?[\d,]*\d[\d,]*(\.\d*)?")


class NotANumber(ValueError):
    """Text that is not a number, with what to write instead."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def plain_number(value) -> str:
    """A figure as digits without padding: 95.8000 becomes 95.8, 100.0000 becomes 100."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")


def read_number(text: str) -> Decimal:
    """Digits with an optional sign and decimal point, commas only between thousands.

    Raises `NotANumber`: for a misplaced comma, with how to write the number; otherwise with
    "'text' is not a number." for the caller to add its own advice to.
    """
    if _PLAIN.fullmatch(text):
        return Decimal(text)
    if _GROUPED.fullmatch(text):
        return Decimal(text.replace(",", ""))
    if _COMMAS.fullmatch(text):
        raise NotANumber(comma_message(text))
    raise NotANumber(f"{text[:40]!r} is not a number.")


def comma_message(text: str) -> str:
    # One comma and no point: most likely a decimal comma, so show the number with a point.
    single = text.count(",") == 1 and "." not in text
    pointed = f" ({text.replace(',', '.')})" if single else ""
    return (
        f"{text[:40]!r} has a comma that does not separate thousands. Write a decimal with a "
        f"point{pointed}, and thousands with a comma before each group of three digits "
        "(1,500 or 12,345.6)."
    )


def grouped(value: Decimal) -> str:
    """A figure with its thousands separated, as documents print it: 1,234,567.5."""
    try:
        return format(Decimal(value).normalize(), ",f")
    except InvalidOperation:
        return plain_number(value)
