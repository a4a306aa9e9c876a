"""Synthetic records that look like the examples and pass the shapes.

The benchmark needs a dataset large enough for the store and the web tier to show their real
costs, shaped like the real thing: statements whose source text is generated from templates,
with the SHA-256 of that text and Web Annotation anchors at code-point offsets computed while the
text is assembled, and authority records (places, organizations, addressee groups, facilities,
reports) shared across statements so that SPARQL joins fan in and out as they would in a real
archive. Every name is invented; nothing here refers to a real place or organization.

Generation is deterministic: statement `i` depends only on the seed and `i`, so a sample can be
validated before the whole set is generated, and two runs with the same options load the same
bytes.
"""

from __future__ import annotations

import enum
import hashlib
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

VOCAB = "https://w3id.org/advocacy-ld/vocab/"

PREFIXES = """@prefix adv: <https://w3id.org/advocacy-ld/ns#> .
@prefix schema: <https://schema.org/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix cito: <http://purl.org/spar/cito/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

# Invented syllables, with an Arabic spelling of each so names carry an @ar form as the
# recommended shapes ask. Countries: 5 x 4 = 20; cities: 8 x 5 = 40.
_COUNTRY_HEADS = [("Arv", "أرف"), ("Veld", "فيلد"), ("Dorn", "دورن"), ("Kess", "كيس"),
                  ("Malv", "مالف")]  # fmt: skip
_COUNTRY_TAILS = [("enia", "ينيا"), ("mark", "مارك"), ("ora", "ورا"), ("avia", "افيا")]
_CITY_HEADS = [("Elst", "إلست"), ("Harr", "هار"), ("Merr", "مير"), ("Tamb", "تامب"),
               ("Oss", "أوس"), ("Ruv", "روف"), ("Brenn", "برين"), ("Quill", "كويل")]  # fmt: skip
_CITY_TAILS = [("ow", "و"), ("ford", "فورد"), ("haven", "هافن"), ("wick", "ويك"), ("dale", "ديل")]
_REGIONS = ["Northern", "Southern", "Eastern", "Western", "Central", "Coastal", "Highland",
            "Lowland", "Continental", "Oceanic"]  # fmt: skip

_NGO_TEMPLATES = [
    "{} Detention Watch",
    "{} Rights Defence Centre",
    "{} Legal Aid Collective",
    "Families of the Missing in {}",
    "{} Forensic Documentation Project",
    "{} Survivors\u2019 Network",
    "{} Monitor for Human Rights",
    "{} Centre for Justice and Accountability",
    "{} Prisoners\u2019 Support Association",
]
_MEDIA_TEMPLATES = ["The {} Herald", "{} Daily", "The {} Observer", "{} Broadcasting Service"]

_FACILITY_TEMPLATES = [
    ("{city} Central Prison", "civilian-prison"),
    ("{country} Military Prison No. {n}", "military-prison"),
    ("Branch {n} of the {country} State Security Directorate", "security-branch-detention-centre"),
    ("{city} Holding Camp", "detention-camp"),
    ("The {city} Warehouse Site", "secret-detention-site"),
]

# violation slug -> (span quoted as the allegation, paraphrase used in its description)
VIOLATIONS: dict[str, tuple[str, str]] = {
    "torture": (
        "detainees were beaten and given electric shocks during interrogation",
        "detainees were tortured during interrogation",
    ),
    "extrajudicial-execution": (
        "prisoners were taken from their cells at night and executed without trial",
        "prisoners were executed without trial",
    ),
    "mass-execution": (
        "dozens of detainees were hanged in a single night",
        "detainees were executed in large numbers",
    ),
    "death-sentence-after-unfair-trial": (
        "military judges handed down death sentences after hearings that lasted minutes",
        "death sentences were passed after grossly unfair trials",
    ),
    "death-in-custody": (
        "a detainee died in custody and his family was never told the cause",
        "a detainee died in custody",
    ),
    "arbitrary-arrest-and-detention": (
        "people were arrested at checkpoints and held without charge for months",
        "people were arbitrarily arrested and held without charge",
    ),
    "enforced-disappearance": (
        "families have had no word of relatives taken away by security officers",
        "people taken by security officers have disappeared",
    ),
    "incommunicado-or-secret-detention": (
        "detainees are held incommunicado, with no lawyer and no visit from relatives",
        "detainees are held incommunicado",
    ),
    "denial-of-monitor-access": (
        "independent monitors have been refused entry time and again",
        "independent monitors are denied access",
    ),
    "inhumane-detention-conditions": (
        "cells are overcrowded, food is scarce and the sick receive no care",
        "detainees are held in inhumane conditions",
    ),
    "sexual-violence-in-detention": (
        "women detainees were subjected to sexual violence by guards",
        "detainees were subjected to sexual violence",
    ),
    "attack-on-civilians": (
        "shelling struck the market beside the compound \u2014 killing civilians",
        "civilians were killed in an attack",
    ),
    "unspecified-violation": (
        "grave violations have continued there for years",
        "violations have continued for years",
    ),
}

_LEGAL = [
    "war-crimes",
    "crimes-against-humanity",
    "crimes-against-humanity-torture",
    "crimes-against-humanity-imprisonment",
    "crimes-against-humanity-enforced-disappearance",
    "war-crimes-torture",
]

# demand slug -> span quoted as the demand (what the addressee is asked to do)
DEMANDS: dict[str, str] = {
    "cessation-of-violations": "act to end these abuses at once",
    "access-for-independent-monitors": "secure immediate and unhindered access for independent "
    "monitors",
    "release-of-detainees": "press for the release of everyone held without charge",
    "disclosure-of-fate-and-whereabouts": "require the authorities to disclose the fate and "
    "whereabouts of the disappeared",
    "accountability-or-referral": "refer these crimes to an independent accountability mechanism",
    "international-pressure": "exert real pressure on the authorities to stop these crimes",
    "protection-of-civilians": "take concrete steps to protect detainees\u2019 families and "
    "civilians",
}

_HEADLINES = [
    "Abuses at {facility} Must End Now",
    "New Testimonies from {facility}",
    "{country}: Silence over {facility} Cannot Continue",
    "Families of Detainees in {country} Demand Answers",
    "Open {facility} to Independent Monitors",
    "{country}\u2019s Detention Crisis Deepens",
]
_REPORT_HEADLINES = [
    "Behind the Walls of {facility}",
    "No Word, No Trace: Disappearances in {country}",
    "Inside {facility}: Testimonies of Former Detainees",
    "Sentenced in Minutes: Military Courts in {country}",
    "The Missing of {city}",
]
_DOCUMENT_TYPES = ["press-release", "public-statement", "urgent-appeal", "open-letter", "report"]
_CLOSINGS = [
    "Every day of silence puts more lives at risk.",
    "The world cannot say it did not know.",
    "Those responsible must know that these crimes will not be forgotten.",
]
_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@dataclass(frozen=True)
class Entity:
    """An authority record the statements link to."""

    kind: str
    slug: str
    name: str

    @property
    def ref(self) -> str:
        return f"<id/{self.kind}/{self.slug}>"


@dataclass(frozen=True)
class GeneratedRecord:
    """One record as a Turtle document with relative IRIs, as record files are written."""

    kind: str
    slug: str
    turtle: str

    @property
    def path(self) -> str:
        return f"/id/{self.kind}/{self.slug}"


@dataclass
class Country:
    entity: Entity
    cities: list[Entity] = field(default_factory=list)
    government: Entity | None = None
    agencies: list[Entity] = field(default_factory=list)
    facilities: list[Entity] = field(default_factory=list)


@dataclass
class Authorities:
    """The shared entities and their records."""

    countries: list[Country]
    ngos: list[Entity]
    media: list[Entity]
    addressees: list[Entity]
    facilities: list[Entity]
    reports: list[tuple[Entity, Entity]]
    """(report, its publisher)"""
    records: list[GeneratedRecord]

    def count(self, kind: str) -> int:
        return sum(1 for r in self.records if r.kind == kind)


def slugify(text: str) -> str:
    out = []
    for ch in text.lower():
        out.append(ch if ch.isascii() and ch.isalnum() else "-")
    return "-".join(part for part in "".join(out).split("-") if part)


def lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    """A Turtle literal with every character that needs it escaped."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^{datatype}'
    return f'"{escaped}"'


def concept(scheme: str, slug: str) -> str:
    return f"<{VOCAB}{scheme}/{slug}>"


def _block(subject: str, rdf_type: str, props: Sequence[tuple[str, Sequence[str]]]) -> str:
    lines = [f"{subject}\n    a {rdf_type}"]
    for predicate, objects in props:
        if objects:
            lines.append(f"    {predicate} {' , '.join(objects)}")
    return " ;\n".join(lines) + " .\n"


def _record(kind: str, slug: str, comment: str, body: str) -> GeneratedRecord:
    return GeneratedRecord(kind, slug, f"# {comment}\n\n{PREFIXES}\n{body}")


def _arabic_generic(kind_word: str, number: int) -> str:
    return f"{kind_word} {str(number).translate(_ARABIC_DIGITS)}"


def build_authorities(seed: int, orgs: int = 300, addressees: int = 50) -> Authorities:
    """About 60 places, `orgs` organizations, `addressees` groups, 200 facilities, 400 reports."""
    rng = random.Random(seed)
    records: list[GeneratedRecord] = []
    countries: list[Country] = []
    city_names = [(h + t, ha + ta) for h, ha in _CITY_HEADS for t, ta in _CITY_TAILS]
    rng.shuffle(city_names)
    for ci, ((head, head_ar), (tail, tail_ar)) in enumerate(
        (h, t) for h in _COUNTRY_HEADS for t in _COUNTRY_TAILS
    ):
        name, name_ar = head + tail, head_ar + tail_ar
        entity = Entity("place", slugify(name), name)
        country = Country(entity)
        records.append(
            _record(
                "place",
                entity.slug,
                f"Synthetic place (country) {name}, generated for the benchmark.",
                _block(
                    entity.ref,
                    "schema:Country",
                    [
                        ("schema:name", [lit(name, "en"), lit(name_ar, "ar")]),
                        ("schema:description", [lit("Synthetic benchmark country.", "en")]),
                    ],
                ),
            )
        )
        for city_en, city_ar in city_names[2 * ci : 2 * ci + 2]:
            city = Entity("place", slugify(city_en), city_en)
            country.cities.append(city)
            records.append(
                _record(
                    "place",
                    city.slug,
                    f"Synthetic place (city) {city_en} in {name}.",
                    _block(
                        city.ref,
                        "schema:Place",
                        [
                            ("schema:name", [lit(city_en, "en"), lit(city_ar, "ar")]),
                            ("schema:containedInPlace", [entity.ref]),
                        ],
                    ),
                )
            )
        countries.append(country)

    def org(
        name: str, rdf_type: str, actor_type: str | None, extra: list[tuple[str, list[str]]]
    ) -> Entity:
        entity = Entity("org", slugify(name), name)
        props: list[tuple[str, Sequence[str]]] = [
            ("schema:name", [lit(name, "en"), lit(_arabic_generic("منظمة", len(records)), "ar")]),
        ]
        if actor_type:
            props.append(("adv:actorType", [concept("actor-type", actor_type)]))
        props.extend(extra)
        body = _block(entity.ref, rdf_type, props)
        records.append(_record("org", entity.slug, f"Synthetic organization {name}.", body))
        return entity

    made = 0
    for country in countries:
        cname = country.entity.name
        gov = org(f"Government of {cname}", "org:FormalOrganization", "state-government", [])
        country.government = gov
        country.agencies = [
            org(f"{cname} State Security Directorate", "org:OrganizationalUnit",
                "state-security-or-armed-force", [("org:unitOf", [gov.ref])]),
            org(f"Interior Ministry of {cname}", "org:OrganizationalUnit", "state-government",
                [("org:unitOf", [gov.ref])]),
        ]  # fmt: skip
        made += 3
    places = [c.entity.name for c in countries] + [x.name for c in countries for x in c.cities]
    humanitarian = [f"{c.entity.name} Red Crescent Society" for c in countries]
    for name in humanitarian[: max(0, orgs - made)]:
        org(name, "org:FormalOrganization", "humanitarian-organization", [])
        made += 1
    media_names = [t.format(p) for p in places for t in _MEDIA_TEMPLATES]
    rng.shuffle(media_names)
    media_count = max(0, min(40, orgs - made))
    media = [org(n, "org:FormalOrganization", "news-media", []) for n in media_names[:media_count]]
    made += len(media)
    ngo_names = sorted({t.format(p) for p in places for t in _NGO_TEMPLATES})
    rng.shuffle(ngo_names)
    ngos = [
        org(n, "org:Organization", "non-governmental-organization", [])
        for n in ngo_names[: max(1, orgs - made)]
    ]

    groups: list[Entity] = []
    bodies = [f"{r} Council for Human Rights" for r in _REGIONS] + [
        f"{r} Commission on Detention" for r in _REGIONS
    ]
    for name in bodies[: addressees // 2]:
        groups.append(org(name, "org:FormalOrganization", "intergovernmental-body", []))
    group_names = [f"States neighbouring {c.entity.name}" for c in countries] + [
        f"All member states of the {b}" for b in bodies
    ]
    for name in group_names[: addressees - len(groups)]:
        entity = Entity("org", slugify(name), name)
        name_ar = _arabic_generic("مجموعة", len(groups))
        records.append(
            _record(
                "org",
                entity.slug,
                f"Synthetic addressee group: {name}.",
                _block(
                    entity.ref,
                    "adv:ActorGroup",
                    [
                        ("schema:name", [lit(name, "en"), lit(name_ar, "ar")]),
                        ("adv:actorType", [concept("actor-type", "group-of-actors")]),
                    ],
                ),
            )
        )
        groups.append(entity)

    facilities: list[Entity] = []
    for country in countries:
        for n in range(10):
            template, ftype = _FACILITY_TEMPLATES[n % len(_FACILITY_TEMPLATES)]
            city = country.cities[n % len(country.cities)]
            name = template.format(city=city.name, country=country.entity.name, n=n + 1)
            if name in {f.name for f in country.facilities}:
                name = f"{name} (Annex {n + 1})"
            entity = Entity("facility", slugify(name), name)
            name_ar = _arabic_generic("مرفق احتجاز", len(facilities))
            operator = country.agencies[0] if "Security" in name else country.government
            assert operator is not None
            within = city if n % 3 else country.entity
            records.append(
                _record(
                    "facility",
                    entity.slug,
                    f"Synthetic detention facility {name}; no geometry (it is invented).",
                    _block(
                        entity.ref,
                        "adv:DetentionFacility",
                        [
                            ("schema:name", [lit(name, "en"), lit(name_ar, "ar")]),
                            ("adv:facilityType", [concept("facility-type", ftype)]),
                            ("schema:containedInPlace", [within.ref]),
                            ("adv:operatedBy", [operator.ref]),
                        ],
                    ),
                )
            )
            country.facilities.append(entity)
            facilities.append(entity)

    reports: list[tuple[Entity, Entity]] = []
    for n in range(400):
        country = countries[n % len(countries)]
        publisher = rng.choice(ngos if n % 3 else media)
        headline = rng.choice(_REPORT_HEADLINES).format(
            facility=rng.choice(country.facilities).name,
            country=country.entity.name,
            city=rng.choice(country.cities).name,
        )
        published = date(2010, 1, 1) + timedelta(days=rng.randrange(14 * 365))
        slug = f"{publisher.slug}-{published.isoformat()}-{n + 1}"
        entity = Entity("report", slug, headline)
        records.append(
            _record(
                "report",
                slug,
                f"Synthetic cited work: {headline}.",
                _block(
                    entity.ref,
                    "schema:Report" if publisher in ngos else "schema:NewsArticle",
                    [
                        ("schema:headline", [lit(headline, "en")]),
                        ("schema:datePublished", [lit(published.isoformat(), datatype="xsd:date")]),
                        ("schema:publisher", [publisher.ref]),
                    ],
                ),
            )
        )
        reports.append((entity, publisher))
    return Authorities(countries, ngos, media, groups, facilities, reports, records)


@dataclass(frozen=True)
class _Anchor:
    name: str
    body: str
    motivation: str
    start: int
    end: int
    exact: str


class _Text:
    """Assembles a source text and records anchor spans as code-point offsets into it."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.anchors: list[_Anchor] = []
        self._names: dict[str, int] = {}

    def add(self, text: str) -> None:
        self._parts.append(text)
        self._length += len(text)  # str length counts code points, as the offsets do

    def mark(self, text: str, body: str, motivation: str, name: str) -> None:
        seen = self._names.get(name, 0) + 1
        self._names[name] = seen
        unique = name if seen == 1 else f"{name}-{seen}"
        start = self._length
        self.add(text)
        self.anchors.append(_Anchor(unique, body, motivation, start, self._length, text))

    def mention(self, entity: Entity) -> None:
        self.mark(entity.name, entity.ref, "oa:identifying", f"mention-{entity.slug}")

    @property
    def text(self) -> str:
        return "".join(self._parts)


@dataclass
class _Claim:
    number: int
    violations: list[str]
    facility: Entity | None
    perpetrator: Entity | None
    legal: list[str]
    since: int | None
    cites: Entity | None


class StatementSize(enum.Enum):
    """How much a generated statement says.

    FULL: 2-4 allegations, 1-3 demands, every mention anchored (~280 triples; the examples have
    360-480). COMPACT: a short alert with one allegation and one demand, only those two
    anchored (~55 triples: 100,000 of them make the ~5.6 million triples of the scale goals).
    """

    FULL = "full"
    COMPACT = "compact"


def build_statement(
    index: int, authorities: Authorities, seed: int, size: StatementSize = StatementSize.FULL
) -> GeneratedRecord:
    """Statement `index`: an issuer, a country, allegations and demands, all anchored."""
    compact = size is StatementSize.COMPACT
    rng = random.Random(seed * 1_000_003 + index)
    country = rng.choice(authorities.countries)
    issuer = rng.choice(authorities.ngos)
    assert country.government is not None
    perpetrators = [country.government, *country.agencies]
    facilities = rng.sample(country.facilities, rng.choice((1, 1, 2)))
    report_pair = rng.choice(authorities.reports) if rng.random() < 0.6 else None
    addressees = rng.sample(authorities.addressees, 1 if compact else rng.choice((1, 1, 2, 3)))
    published = date(2012, 1, 1) + timedelta(days=rng.randrange(13 * 365))
    slug = f"{country.entity.slug}-{published.isoformat()}-{index + 1:05d}"
    base = f"id/statement/{slug}"
    doc_type = rng.choice(_DOCUMENT_TYPES)
    headline = rng.choice(_HEADLINES).format(
        facility=facilities[0].name, country=country.entity.name
    )

    claims: list[_Claim] = []
    kinds = rng.sample(sorted(VIOLATIONS), 8)  # distinct violations across the allegations
    for number in range(1, (1 if compact else rng.randint(2, 4)) + 1):
        violations = kinds[
            2 * number - 2 : 2 * number - 2 + (1 if compact else rng.choice((1, 1, 2)))
        ]
        claims.append(
            _Claim(
                number=number,
                violations=violations,
                facility=rng.choice(facilities) if rng.random() < 0.85 else None,
                perpetrator=rng.choice(perpetrators) if rng.random() < 0.9 else None,
                legal=rng.sample(_LEGAL, 1) if rng.random() < 0.3 else [],
                since=rng.randint(2005, published.year) if rng.random() < 0.3 else None,
                cites=report_pair[0] if report_pair and rng.random() < 0.6 else None,
            )
        )
    demands = [
        (n, rng.choice(addressees), rng.choice(sorted(DEMANDS)))
        for n in range(1, (1 if compact else rng.randint(1, 3)) + 1)
    ]
    for addressee in addressees:  # every chosen addressee is asked for something
        if addressee not in {a for _, a, _ in demands}:
            demands.append((len(demands) + 1, addressee, rng.choice(sorted(DEMANDS))))

    text = _Text()
    mentioned: dict[str, Entity] = {}

    def mention(entity: Entity) -> None:
        mentioned[entity.ref] = entity
        if compact:
            text.add(entity.name)  # named, not anchored
        else:
            text.mention(entity)

    text.add(f"{headline}\n\n{issuer.name} is alarmed by new information about ")
    mention(facilities[0])
    text.add(" in ")
    mention(country.entity)
    text.add(", run by the ")
    mention(country.government)
    text.add(".\n\n")
    for claim in claims:
        quoted = VIOLATIONS[claim.violations[0]][0]
        name = f"allegation-{claim.number}"
        if claim.facility is not None:
            text.add("At ")
            mention(claim.facility)
            text.add(", former detainees told our researchers that ")
        else:
            text.add("Our researchers were told that ")
        text.mark(quoted, f"<id/allegation/{slug}-{claim.number}>", "oa:describing", name)
        if len(claim.violations) > 1:
            text.add("; they also said that ")
            quoted2 = VIOLATIONS[claim.violations[1]][0]
            text.mark(quoted2, f"<id/allegation/{slug}-{claim.number}>", "oa:describing", name)
        if claim.perpetrator is not None and claim.perpetrator is not country.government:
            text.add(", and they named the ")
            mention(claim.perpetrator)
        if claim.since is not None:
            text.add(f". This has gone on since {claim.since}")
        if claim.legal:
            text.add(". We consider these acts ")
            text.add(claim.legal[0].replace("-", " "))
        text.add(".\n")
    if report_pair is not None:
        report, publisher = report_pair
        text.add("\nThese accounts match the findings of \u201c")
        mention(report)
        text.add(f"\u201d, published by {publisher.name}.\n")
    text.add("\n")
    for number, addressee, demand_type in demands:
        text.add(f"{issuer.name} calls on ")
        mention(addressee)
        text.add(" to ")
        text.mark(
            DEMANDS[demand_type], f"<id/demand/{slug}-{number}>", "oa:describing",
            f"demand-{number}",
        )  # fmt: skip
        text.add(".\n")
    text.add(f"\n{rng.choice(_CLOSINGS)}\n")
    source = text.text
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()

    cited = sorted({c.cites.ref for c in claims if c.cites is not None})
    blocks = [
        _block(
            f"<{base}>",
            "adv:AdvocacyDocument",
            [
                ("schema:headline", [lit(headline, "en")]),
                ("schema:datePublished", [lit(published.isoformat(), datatype="xsd:date")]),
                ("schema:publisher", [issuer.ref]),
                ("adv:documentType", [concept("document-type", doc_type)]),
                ("schema:inLanguage", [lit("en")]),
                ("adv:sourceText", [f"<{base}#text>"]),
                ("schema:mentions", list(mentioned)),
                ("cito:citesAsEvidence", cited),
                ("adv:makesAllegation", [f"<id/allegation/{slug}-{c.number}>" for c in claims]),
                ("adv:makesDemand", [f"<id/demand/{slug}-{n}>" for n, _, _ in demands]),
            ],
        ),
        _block(
            f"<{base}#text>",
            "adv:SourceText",
            [
                ("schema:encodingFormat", [lit("text/plain")]),
                ("schema:inLanguage", [lit("en")]),
                ("adv:sha256", [lit(digest)]),
                ("schema:text", [lit(source)]),
            ],
        ),
    ]
    for claim in claims:
        paraphrase = " and ".join(VIOLATIONS[v][1] for v in claim.violations)
        where = f" at {claim.facility.name}" if claim.facility is not None else ""
        description = f"{issuer.name} alleges that {paraphrase}{where}."
        legal = [concept("legal-characterization", x) for x in claim.legal]
        perpetrator = [claim.perpetrator.ref] if claim.perpetrator else []
        blocks.append(
            _block(
                f"<id/allegation/{slug}-{claim.number}>",
                "adv:Allegation",
                [
                    ("adv:assertedBy", [issuer.ref]),
                    ("adv:violationType", [concept("violation-type", v) for v in claim.violations]),
                    ("adv:allegedPerpetrator", perpetrator),
                    ("adv:atFacility", [claim.facility.ref] if claim.facility else []),
                    ("adv:legalCharacterization", legal),
                    ("schema:temporalCoverage", [lit(f"{claim.since}/..")] if claim.since else []),
                    ("cito:citesAsEvidence", [claim.cites.ref] if claim.cites else []),
                    ("schema:description", [lit(description, "en")]),
                ],
            )
        )
    for number, addressee, demand_type in demands:
        description = f"{issuer.name} calls on {addressee.name} to {DEMANDS[demand_type]}."
        blocks.append(
            _block(
                f"<id/demand/{slug}-{number}>",
                "adv:Demand",
                [
                    ("adv:assertedBy", [issuer.ref]),
                    ("adv:addressee", [addressee.ref]),
                    ("adv:demandType", [concept("demand-type", demand_type)]),
                    ("schema:description", [lit(description, "en")]),
                ],
            )
        )
    for anchor in text.anchors:
        assert source[anchor.start : anchor.end] == anchor.exact
        blocks.append(
            f"<{base}#anchor-{anchor.name}>\n"
            f"    a oa:Annotation ;\n"
            f"    oa:motivatedBy {anchor.motivation} ;\n"
            f"    oa:hasBody {anchor.body} ;\n"
            f"    oa:hasTarget [\n"
            f"        a oa:SpecificResource ;\n"
            f"        oa:hasSource <{base}#text> ;\n"
            f"        oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact {lit(anchor.exact)} ] ,\n"
            f"            [ a oa:TextPositionSelector ;\n"
            f'              oa:start "{anchor.start}"^^xsd:integer ;\n'
            f'              oa:end "{anchor.end}"^^xsd:integer ]\n'
            f"    ] .\n"
        )
    comment = f"Synthetic statement {index + 1} ({doc_type}) by {issuer.name}, for the benchmark."
    return _record("statement", slug, comment, "\n".join(blocks))


def statements(
    count: int, authorities: Authorities, seed: int, size: StatementSize = StatementSize.FULL
) -> Iterator[GeneratedRecord]:
    """Statements 0..count-1, generated one at a time so they need not all be in memory."""
    for index in range(count):
        yield build_statement(index, authorities, seed, size)
