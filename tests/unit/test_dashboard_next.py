"""After signing in, the browser goes back where it was, and never off this site (an open redirect)."""

import pytest

from api.dashboard.pages.session import safe_next


@pytest.mark.parametrize("target", ["/", "/identities", "/identities/grace%2Fhopper?tab=1", "/settings/keys"])
def test_a_path_of_this_site_is_kept(target: str) -> None:
    assert safe_next(target) == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "identities",
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/ /evil.example",
        "/\x00",
    ],  # fmt: skip
)
def test_anything_else_goes_home(target: str | None) -> None:
    assert safe_next(target) == "/"
