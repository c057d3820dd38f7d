"""The city the demo builds: 儋州市 with 16 townships and 3 subdistrict offices, 34 police stations each
covering six villages or communities of one township, two grids per village, officers and cadres.

Pure data, built the same way every time: codes, names and who serves where never depend on the run.
The six stations the article names (东城, 西华, 松林海岸, 干冲海岸, 前进, 东风) are here under those names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from functools import cache

from demo import published

CITY_CODE = "C4604"
CITY_ZH, CITY_EN = "儋州市", "Danzhou"
VILLAGES_PER_STATION = 6
GRIDS_PER_VILLAGE = 2
OFFICERS_PER_STATION = 6


@dataclass(frozen=True)
class Township:
    code: str
    kind: str  # "township" or "subdistrict_office"
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class Station:
    code: str
    name_zh: str
    name_en: str
    township_code: str  # the township whose villages it covers


@dataclass(frozen=True)
class Village:
    code: str
    kind: str  # "village" or "community"
    name_zh: str
    name_en: str
    township_code: str
    station_code: str
    grid_codes: tuple[str, ...]


@dataclass(frozen=True)
class Officer:
    person_id: str
    badge_number: str
    station_code: str
    display_name: str


@dataclass(frozen=True)
class Cadre:
    person_id: str
    village_code: str
    display_name: str
    post: str


@dataclass(frozen=True)
class City:
    townships: tuple[Township, ...]
    stations: tuple[Station, ...]
    villages: tuple[Village, ...]
    officers: tuple[Officer, ...]
    cadres: tuple[Cadre, ...]

    def station(self, name_zh: str) -> Station:
        return next(s for s in self.stations if s.name_zh == name_zh)

    def villages_of(self, station_code: str) -> tuple[Village, ...]:
        return tuple(v for v in self.villages if v.station_code == station_code)

    def officers_of(self, station_code: str) -> tuple[Officer, ...]:
        return tuple(o for o in self.officers if o.station_code == station_code)


@dataclass(frozen=True)
class DemoYear:
    """The demo's year: the 365 days up to ``last`` (yesterday in China when the demo is loaded), so
    that nothing is dated in the future and the dashboard's year to date shows most of it. Published
    "this year" figures are figures of these days; police activity also covers the year before."""

    last: date

    @property
    def first(self) -> date:
        return self.last - timedelta(days=364)

    def day(self, offset: int) -> date:
        """The ``offset``-th day of the year (0 is ``first``), kept inside the year."""
        return self.first + timedelta(days=max(0, min(offset, 364)))


# (code, kind, 中文, English): 16 townships (乡镇) and 3 subdistrict offices (办事处).
TOWNSHIPS = (
    ("T01", "township", "那大镇", "Nada"),
    ("T02", "township", "和庆镇", "Heqing"),
    ("T03", "township", "南丰镇", "Nanfeng"),
    ("T04", "township", "大成镇", "Dacheng"),
    ("T05", "township", "雅星镇", "Yaxing"),
    ("T06", "township", "兰洋镇", "Lanyang"),
    ("T07", "township", "光村镇", "Guangcun"),
    ("T08", "township", "木棠镇", "Mutang"),
    ("T09", "township", "海头镇", "Haitou"),
    ("T10", "township", "峨蔓镇", "Eman"),
    ("T11", "township", "王五镇", "Wangwu"),
    ("T12", "township", "白马井镇", "Baimajing"),
    ("T13", "township", "中和镇", "Zhonghe"),
    ("T14", "township", "排浦镇", "Paipu"),
    ("T15", "township", "东成镇", "Dongcheng"),
    ("T16", "township", "新州镇", "Xinzhou"),
    ("B01", "subdistrict_office", "西培办事处", "Xipei Office"),
    ("B02", "subdistrict_office", "西联办事处", "Xilian Office"),
    ("B03", "subdistrict_office", "八一办事处", "Bayi Office"),
)

# (中文, English, township): 34 stations; the article's six first.
STATIONS = (
    ("东城派出所", "Dongcheng Station", "T01"),
    ("西华派出所", "Xihua Station", "T01"),
    ("松林海岸派出所", "Songlin Coast Station", "T07"),
    ("干冲海岸派出所", "Ganchong Coast Station", "T10"),
    ("前进派出所", "Qianjin Station", "T01"),
    ("东风派出所", "Dongfeng Station", "T01"),
    ("那大派出所", "Nada Station", "T01"),
    ("和庆派出所", "Heqing Station", "T02"),
    ("南丰派出所", "Nanfeng Station", "T03"),
    ("大成派出所", "Dacheng Station", "T04"),
    ("雅星派出所", "Yaxing Station", "T05"),
    ("兰洋派出所", "Lanyang Station", "T06"),
    ("光村派出所", "Guangcun Station", "T07"),
    ("木棠派出所", "Mutang Station", "T08"),
    ("海头派出所", "Haitou Station", "T09"),
    ("峨蔓派出所", "Eman Station", "T10"),
    ("王五派出所", "Wangwu Station", "T11"),
    ("白马井派出所", "Baimajing Station", "T12"),
    ("中和派出所", "Zhonghe Station", "T13"),
    ("排浦派出所", "Paipu Station", "T14"),
    ("东成派出所", "Dongcheng Town Station", "T15"),
    ("新州派出所", "Xinzhou Station", "T16"),
    ("西培派出所", "Xipei Station", "B01"),
    ("西联派出所", "Xilian Station", "B02"),
    ("八一派出所", "Bayi Station", "B03"),
    ("海头海岸派出所", "Haitou Coast Station", "T09"),
    ("排浦海岸派出所", "Paipu Coast Station", "T14"),
    ("白马井海岸派出所", "Baimajing Coast Station", "T12"),
    ("新英湾派出所", "Xinying Bay Station", "T16"),
    ("长坡派出所", "Changpo Station", "T08"),
    ("春江派出所", "Chunjiang Station", "T03"),
    ("蓝田派出所", "Lantian Station", "T06"),
    ("北门派出所", "Beimen Station", "T13"),
    ("人民派出所", "Renmin Station", "T01"),
)

# Syllables of village names: (中文, pinyin). Every pair is a distinct name.
_FIRST = (
    ("新", "Xin"),
    ("光", "Guang"),
    ("沙", "Sha"),
    ("南", "Nan"),
    ("北", "Bei"),
    ("东", "Dong"),
    ("西", "Xi"),
    ("上", "Shang"),
    ("下", "Xia"),
    ("大", "Da"),
    ("长", "Chang"),
    ("高", "Gao"),
    ("龙", "Long"),
    ("凤", "Feng"),
    ("石", "Shi"),
    ("松", "Song"),
    ("榕", "Rong"),
    ("椰", "Ye"),
)
_SECOND = (
    ("坡", "po"),
    ("田", "tian"),
    ("井", "jing"),
    ("塘", "tang"),
    ("岭", "ling"),
    ("港", "gang"),
    ("湾", "wan"),
    ("园", "yuan"),
    ("山", "shan"),
    ("江", "jiang"),
    ("洋", "yang"),
    ("桥", "qiao"),
)
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗符羊"
_GIVEN = "志明建华国强海军文杰永平春林伟东小红丽娟玉兰秀英德胜"
_CADRE_POSTS = ("村委会副主任", "村党支部委员", "治保主任", "村民小组长")
# 干冲海岸派出所 covers 干冲村 itself.
_NAMED_VILLAGES = {("干冲海岸派出所", 0): ("干冲", "Ganchong")}


def _village_name(index: int) -> tuple[str, str]:
    first, second = _FIRST[index % len(_FIRST)], _SECOND[(index // len(_FIRST)) % len(_SECOND)]
    return first[0] + second[0], first[1] + second[1]


def _person_name(index: int) -> str:
    return _SURNAMES[index % len(_SURNAMES)] + _GIVEN[(index * 7) % len(_GIVEN)]


@cache
def build() -> City:
    townships = tuple(Township(*row) for row in TOWNSHIPS)
    stations = tuple(
        Station(f"PS{n:02d}", zh, en, township) for n, (zh, en, township) in enumerate(STATIONS, start=1)
    )
    villages: list[Village] = []
    for station in stations:
        for i in range(VILLAGES_PER_STATION):
            n = len(villages) + 1
            name_zh, name_en = _NAMED_VILLAGES.get((station.name_zh, i), _village_name(n - 1))
            urban = station.township_code == "T01" and i % 2 == 0  # 那大's urban area has communities
            code = f"V{n:03d}"
            villages.append(
                Village(
                    code,
                    "community" if urban else "village",
                    name_zh + ("社区" if urban else "村"),
                    name_en + (" Community" if urban else " Village"),
                    station.township_code,
                    station.code,
                    tuple(f"{code}-G{g}" for g in range(1, GRIDS_PER_VILLAGE + 1)),
                )
            )
    officers = tuple(
        Officer(
            f"PO{n:03d}",
            f"460{n:04d}",
            station.code,
            _person_name(n) + "警官",
        )
        for n, station in enumerate((s for s in stations for _ in range(OFFICERS_PER_STATION)), start=1)
    )
    cadres = tuple(
        Cadre(
            f"PC{n:03d}",
            village.code,
            _person_name(n + 500),
            _CADRE_POSTS[n % len(_CADRE_POSTS)],
        )
        for n, village in enumerate(_cadre_villages(stations, villages), start=1)
    )
    return City(townships, stations, tuple(villages), officers, cadres)


# Danzhou's seat, 那大 (Nada): the townships ring it, each station's villages spread around theirs.
NADA = (19.52, 109.58)  # latitude, longitude
TOWNSHIP_RING_DEGREES = 0.22  # about 24 km: within the city's land, short of the coast to the west
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))  # even spreading without two villages on one spot


def township_centre(city: City, township_code: str) -> tuple[float, float]:
    """Nada (T01) at the seat, the other townships and offices evenly round it (deterministic)."""
    if township_code == "T01":
        return NADA
    others = [t.code for t in city.townships if t.code != "T01"]
    angle = 2 * math.pi * others.index(township_code) / len(others)
    return (
        NADA[0] + TOWNSHIP_RING_DEGREES * math.sin(angle),
        NADA[1] + TOWNSHIP_RING_DEGREES * math.cos(angle) / math.cos(math.radians(NADA[0])),
    )


def village_location(city: City, village: Village) -> tuple[float, float]:
    """A plausible point for a village: round its township's centre, on a sunflower spiral over the
    township's villages (about 1.5 km apart), rounded to 5 decimals (about a metre)."""
    centre = township_centre(city, village.township_code)
    own = [v.code for v in city.villages if v.township_code == village.township_code]
    k = own.index(village.code)
    radius, angle = 0.015 * math.sqrt(k + 1), k * GOLDEN_ANGLE
    latitude = centre[0] + radius * math.sin(angle)
    longitude = centre[1] + radius * math.cos(angle) / math.cos(math.radians(centre[0]))
    return round(latitude, 5), round(longitude, 5)


def _cadre_villages(stations: tuple[Station, ...], villages: list[Village]) -> list[Village]:
    """One village cadre per joint-defence director: 280 directors over 34 stations (8 each, 9 at the
    first stations), each from a village of the station they serve, round the station's villages."""
    base, extra = divmod(published.CADRES_CERTIFIED, len(stations))
    chosen: list[Village] = []
    for i, station in enumerate(stations):
        own = [v for v in villages if v.station_code == station.code]
        chosen += [own[k % len(own)] for k in range(base + (1 if i < extra else 0))]
    return chosen


def deputy_secretary_posts(city: City) -> list[tuple[Officer, Village]]:
    """Which officer serves as part-time deputy party secretary of which village: 155 villages get one,
    an officer of the covering station each; the last village of every station and the fifth of the
    first 15 stations still lack one (the dashboard's "villages lacking a deputy secretary")."""
    posts: list[tuple[Officer, Village]] = []
    for i, station in enumerate(city.stations):
        officers = city.officers_of(station.code)
        for k, village in enumerate(city.villages_of(station.code)):
            lacking = k == VILLAGES_PER_STATION - 1 or (k == VILLAGES_PER_STATION - 2 and i < 15)
            if not lacking:
                posts.append((officers[k], village))
    return posts


def director_posts(city: City) -> list[tuple[Cadre, Station]]:
    """Which cadre serves as joint-defence director of which station: the station covering their village."""
    station_of = {v.code: v.station_code for v in city.villages}
    stations = {s.code: s for s in city.stations}
    return [(cadre, stations[station_of[cadre.village_code]]) for cadre in city.cadres]
