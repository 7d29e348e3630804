from tests.support import Team


def test_track_then_read_back(team: Team) -> None:
    client = team.sdk()
    result = client.track("user.signup", identity="u1", identity_data={"name": "Ada"})
    assert result.accepted
    assert client.identities.get("u1").display_name == "Ada"
