"""Names and the slugs derived from them. A slug is fixed when its rule or channel is created:
other rules and the app's code refer to it, so renaming changes only the name."""

from slugify import slugify

from domain.errors import InvalidInput
from domain.text import check_storable


def check_name(name: object, max_length: int) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("name must be a non-empty string")
    name = name.strip()
    if len(name) > max_length:
        raise InvalidInput(f"name must be at most {max_length} characters")
    check_storable("name", name)
    return name


def slug_for(name: str, max_length: int) -> str:
    slug = slugify(name, max_length=max_length)
    if not slug:
        raise InvalidInput("name must contain a letter or a digit")
    return slug
