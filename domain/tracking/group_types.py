import re

_ACRONYM_WORD = re.compile(r"([A-Z]+)([A-Z][a-z])")
_WORD_BOUNDARY = re.compile(r"([a-z0-9])([A-Z])")
_SEPARATORS = re.compile(r"[^a-z0-9]+")

DEFAULT_GROUP_TYPE = "organization"


def normalize_group_type(raw: str) -> str:
    """lower_snake_case, so `ParentCompany`, `parent-company` and `parent_company` are one type.

    `HTTPServer` becomes `http_server`; anything that is not a letter or digit separates words.
    """
    spaced = _WORD_BOUNDARY.sub(r"\1_\2", _ACRONYM_WORD.sub(r"\1_\2", raw.strip()))
    return _SEPARATORS.sub("_", spaced.lower()).strip("_")
