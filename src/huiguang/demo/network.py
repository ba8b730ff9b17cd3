"""The demo city's network: the region tree, the organizations, the skills and the sites (阵地)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from huiguang.network.models import Organization, Region, Site
from huiguang.volunteers.models import Skill

from . import data
from .accounts import village_team_code
from .city import CityState, Town, Village


class NetworkBuilder(CityState):
    def build_regions(self) -> None:
        total = sum(pop for *_town, villages in data.TOWNS for _name, pop in villages)
        self.city = Region(
            code=data.CITY_CODE, name=data.CITY_NAME, level=Region.Level.CITY, population=total
        )
        self.city.save()
        self.regions[self.city.code] = self.city
        for code, name, lat, lng, villages in data.TOWNS:
            town = Region(
                code=code,
                name=name,
                level=Region.Level.TOWN,
                parent=self.city,
                population=sum(pop for _, pop in villages),
            )
            town.save()
            self.regions[code] = town
            info = Town(town, lat, lng, [])
            communities, hamlets = itertools.count(1), itertools.count(201)
            for vname, pop in villages:
                is_community = vname.endswith("社区")
                number = next(communities) if is_community else next(hamlets)
                region = Region(
                    code=f"{code}{number:03d}",
                    name=vname,
                    level=Region.Level.VILLAGE,
                    parent=town,
                    population=pop,
                )
                region.save()
                self.regions[region.code] = region
                # Communities sit in the town centre, villages around it.
                spread = 0.010 if is_community else 0.032
                village = Village(
                    region,
                    lat + self.rng.uniform(-spread, spread),
                    lng + self.rng.uniform(-spread, spread),
                    is_community,
                )
                info.villages.append(village)
                self.villages[region.code] = village
            self.towns.append(info)
        self.village_list = list(self.villages.values())
        self.village_weights = list(itertools.accumulate(v.region.population for v in self.village_list))

    def build_skills(self) -> None:
        for code, name in data.SKILLS:
            self.skills[code] = Skill.objects.get_or_create(code=code, defaults={"name": name})[0]

    def org(
        self, code: str, name: str, kind: str, region: Region, parent: Organization | None = None, **fields
    ) -> Organization:
        fields.setdefault("status", Organization.Status.ACTIVE)
        org = Organization(code=code, name=name, kind=kind, region=region, parent=parent, **fields)
        org.save()  # save() computes the path
        self.orgs[code] = org
        return org

    def build_organizations(self) -> None:
        assert self.city is not None
        code, name, description, staff = data.ASSOCIATION
        association = self.org(
            code,
            name,
            Organization.Kind.ASSOCIATION,
            self.city,
            tier=Organization.Tier.HEAD,
            description=description,
            staff_count=staff,
        )
        for i, (name, staff) in enumerate(data.DEPARTMENTS, start=1):
            self.departments[name] = self.org(
                f"BM{i:02d}", name, Organization.Kind.DEPARTMENT, self.city, staff_count=staff
            )
        federations = {}
        for town in self.towns:
            fed = self.org(
                f"LH{town.region.code}",
                f"{town.region.name}志愿者联合会",
                Organization.Kind.FEDERATION,
                town.region,
                association,
                tier=Organization.Tier.BRANCH,
            )
            federations[town.region.code] = fed
            for village in town.villages:
                self.org(
                    village_team_code(village.region.code),
                    f"{village.region.name}志愿服务队",
                    Organization.Kind.TEAM,
                    village.region,
                    fed,
                )
            for village in town.villages[: data.POSTS_PER_TOWN]:
                self.org(
                    f"YZ{village.region.code}",
                    f"{village.region.name}志愿服务驿站",
                    Organization.Kind.TEAM,
                    village.region,
                    fed,
                    tier=Organization.Tier.POST,
                )
        for i, (name, specialty, parent, weight, description) in enumerate(data.PROFESSIONAL_TEAMS, start=1):
            org = self.org(
                f"ZY{i:02d}",
                name,
                Organization.Kind.PROFESSIONAL,
                self.city,
                self.departments[parent] if parent else association,
                specialty=data.SPECIALTIES[specialty],  # shown to people: the Chinese label
                description=description,
            )
            self.professional.append((org, specialty, weight))
        education = self.departments["市教育局"]

        def parent_for(where: str, town_code: str | None) -> Organization:
            return federations[town_code] if where == "federation" and town_code else association

        for i, (school, school_town) in enumerate(data.SCHOOLS, start=1):
            region = self.regions[school_town]
            self.school_orgs[school] = self.org(
                f"XX{i:02d}", f"{school}青年志愿者服务队", Organization.Kind.SCHOOL, region, education
            )
        for code, name, kind, town_code, parent in data.OTHER_ORGANIZATIONS:
            region = self.regions[town_code or data.CITY_CODE]
            self.org(code, name, kind, region, parent_for(parent, town_code))
        for code, name, kind, town_code, parent, description in data.PENDING_ORGANIZATIONS:
            region = self.regions[town_code or data.CITY_CODE]
            self.org(
                code,
                name,
                kind,
                region,
                parent_for(parent, town_code),
                status=Organization.Status.PENDING,
                description=description,
            )
        # Creation dates spread over the years before the reference time (auto_now_add on insert).
        start = data.REFERENCE_TIME - dt.timedelta(days=data.HISTORY_DAYS + 400)
        for i, org in enumerate(self.orgs.values()):
            org.created_at = start + dt.timedelta(days=i * 3, hours=self.rng.randint(0, 8))
        for pending in data.PENDING_ORGANIZATIONS:
            self.orgs[pending[0]].created_at = data.REFERENCE_TIME - dt.timedelta(days=self.rng.randint(2, 9))

    def point(self, lat: float, lng: float, spread: float) -> tuple[Decimal, Decimal]:
        return (
            Decimal(f"{lat + self.rng.uniform(-spread, spread):.6f}"),
            Decimal(f"{lng + self.rng.uniform(-spread, spread):.6f}"),
        )

    def address(self, town: Town, village: Village | None = None) -> str:
        if village is None or village.is_community:
            road = self.rng.choice(data.ROADS)
            return f"{data.CITY_NAME}{town.region.name}{road}{self.rng.randint(1, 999)}号"
        return f"{data.CITY_NAME}{town.region.name}{village.region.name}{self.rng.randint(1, 15)}组"

    def site(self, name: str, kind: str, town: Town, village: Village | None, org: Organization) -> None:
        lat, lng = self.point(
            village.lat if village else town.lat, village.lng if village else town.lng, 0.004
        )
        self.sites.append(
            Site(
                name=name,
                kind=kind,
                region=village.region if village else town.region,
                organization=org,
                address=self.address(town, village),
                lat=lat,
                lng=lng,
            )
        )

    def build_sites(self) -> None:
        K = Site.Kind
        for town in self.towns:
            t = town.region.name
            fed = self.orgs[f"LH{town.region.code}"]
            self.site(f"{t}党群服务中心", K.PARTY_CENTER, town, None, fed)
            self.site(f"{t}“红立方”党员志愿服务站", K.RED_CUBE, town, None, fed)
            self.site(f"{t}学雷锋志愿服务站", K.LEI_FENG, town, None, fed)
            self.site(f"{t}青年之家", K.YOUTH_HOME, town, None, fed)
            self.site(f"{t}新时代文明实践所", K.CIVILIZATION, town, None, fed)
            first = town.villages[0]
            self.site(
                f"{first.region.name}亲青友邻驿站",
                K.YOUTH_POST,
                town,
                first,
                self.orgs[f"YZ{first.region.code}"],
            )
            for i, village in enumerate(town.villages):
                team = self.orgs[village_team_code(village.region.code)]
                v = village.region.name
                self.site(f"{v}新时代文明实践站", K.CIVILIZATION, town, village, team)
                if not village.is_community:
                    self.site(f"{v}文化礼堂", K.CULTURE_HALL, town, village, team)
                elif i % 2 == 0:
                    self.site(f"{v}居家养老服务照料中心", K.ELDERLY, town, village, team)
        towns = {town.region.code: town for town in self.towns}
        for name, town_code in data.OTHER_SITES:
            town = towns[town_code]
            self.site(name, K.OTHER, town, None, self.orgs[f"LH{town_code}"])
        Site.objects.bulk_create(self.sites)
