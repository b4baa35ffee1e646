from decimal import Decimal


def plain_number(value) -> str:
    """A figure as digits without padding: 95.8000 becomes 95.8, 100.0000 becomes 100."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")
