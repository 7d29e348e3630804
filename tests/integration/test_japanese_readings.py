"""Japanese names in kanji, read through pykakasi's dictionary as an index on disk
(adapters/scoring/japanese_readings.py): built once by a subprocess, then looked up read-only."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.scoring.datasets import global_datasets
from adapters.scoring.japanese_readings import JapaneseReadings, index_path
from domain.scoring.analyzers import analyze
from domain.scoring.combination import category_scores
from domain.scoring.profile import IdentityProfile

# Common surnames and given names, each with how its owner spells it in an address.
SURNAMES = [("小林", "kobayashi"), ("高橋", "takahashi"), ("加藤", "kato"), ("中村", "nakamura"),
            ("山田", "yamada"), ("渡辺", "watanabe"), ("山本", "yamamoto"), ("佐藤", "sato"),
            ("鈴木", "suzuki"), ("田中", "tanaka")]  # fmt: skip
GIVEN = [("拓也", "takuya"), ("大翔", "hiroto"), ("湊", "minato"), ("美咲", "misaki"), ("直樹", "naoki"),
         ("葵", "aoi"), ("太郎", "taro"), ("花子", "hanako")]  # fmt: skip


def test_an_index_is_built_once_and_read_without_the_dictionary_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "kanwa.sqlite3"
    readings = JapaneseReadings(path)
    assert "kobayashi" in readings("小林") and "takuya" in readings("拓也")
    assert path.exists() and path.stat().st_size > 1_000_000
    built = path.stat().st_mtime_ns
    assert "taro" in JapaneseReadings(path)("太郎")  # another process's view: the same file, not rebuilt
    assert path.stat().st_mtime_ns == built
    assert readings("Raúl") == () and "yamada" in readings("やまだ")
    assert not list(tmp_path.glob("*.tmp"))  # written aside, then renamed whole
    assert index_path().name.startswith("kanwa-")


@pytest.mark.parametrize(("kanji", "latin"), [(k, r) for k, r in SURNAMES + GIVEN])
def test_each_name_reads_as_its_owner_spells_it(kanji: str, latin: str) -> None:
    assert latin in global_datasets().readings(kanji)


@given(st.sampled_from(SURNAMES), st.sampled_from(GIVEN), st.sampled_from(["{g}.{s}", "{s}_{g}", "{s}{g}89", "{g}"]))
def test_a_japanese_name_in_kanji_never_scores_lower_than_in_latin_letters(
    surname: tuple[str, str], given_name: tuple[str, str], habit: str
) -> None:
    email = habit.format(s=surname[1], g=given_name[1]) + "@yahoo.co.jp"
    kanji = f"{surname[0]} {given_name[0]}"
    latin = f"{surname[1].title()} {given_name[1].title()}"

    def scores(name: str) -> dict:
        return category_scores(analyze(IdentityProfile("u1", {"FULL_NAME": name, "EMAIL": email}), global_datasets()))

    latin_scores, kanji_scores = scores(latin), scores(kanji)
    for category, score in latin_scores.items():
        assert kanji_scores.get(category, 0) >= score, (kanji, latin, email, category)
