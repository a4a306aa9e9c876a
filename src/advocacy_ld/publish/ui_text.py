"""Interface strings in English and Arabic, and labels for the reused terms pages show.

The project's own terms carry their labels in the ontology and vocabularies; reused terms
(schema.org, ORG, FOAF…) do not, so their page labels live here with the rest of the UI text.
"""

from __future__ import annotations

from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS

from advocacy_ld.model.namespaces import CITO, GEO, OA, ORG, SCHEMA

DEFAULT_LANGUAGE = "en"

UI: dict[str, dict[str, str]] = {
    "site_name": {"en": "advocacy-ld", "ar": "advocacy-ld"},
    "tagline": {
        "en": "Advocacy documents as linked data",
        "ar": "وثائق المناصرة كبيانات مترابطة",
    },
    "skip": {"en": "Skip to content", "ar": "انتقل إلى المحتوى"},
    "list_sep": {"en": ", ", "ar": "، "},
    "nav": {"en": "Site", "ar": "الموقع"},
    "home": {"en": "Home", "ar": "الرئيسية"},
    "sparql": {"en": "SPARQL", "ar": "SPARQL"},
    "dataset": {"en": "Dataset", "ar": "مجموعة البيانات"},
    "dumps": {"en": "Downloads", "ar": "التنزيلات"},
    "ontology": {"en": "Ontology", "ar": "الأنطولوجيا"},
    "shapes": {"en": "Shapes", "ar": "أشكال التحقق"},
    "context": {"en": "JSON-LD context", "ar": "سياق JSON-LD"},
    "language": {"en": "Language", "ar": "اللغة"},
    "formats": {"en": "This page as data", "ar": "هذه الصفحة كبيانات"},
    # home
    "home_title": {
        "en": "Advocacy documents as linked data",
        "ar": "وثائق المناصرة كبيانات مترابطة",
    },
    "home_intro": {
        "en": "Statements by human-rights organizations, with the allegations and demands they "
        "make, the organizations, detention facilities and reports they name, and the exact "
        "words each comes from.",
        "ar": "بيانات صادرة عن منظمات حقوق الإنسان، مع ما تتضمنه من ادعاءات ومطالبات، "
        "والمنظمات ومرافق الاحتجاز والتقارير التي تذكرها، والكلمات الدقيقة التي استُخرج منها "
        "كل ذلك.",
    },
    "holds": {"en": "What the dataset holds", "ar": "ما تحتويه مجموعة البيانات"},
    "latest_statements": {"en": "Latest statements", "ar": "أحدث البيانات"},
    "facilities": {"en": "Detention facilities", "ar": "مرافق الاحتجاز"},
    "organizations": {"en": "Organizations", "ar": "المنظمات"},
    "more_in_sparql": {
        "en": "{n} more: query them with SPARQL",
        "ar": "{n} أخرى: استعلم عنها باستخدام SPARQL",
    },
    "for_machines": {"en": "For machines and researchers", "ar": "للآلات والباحثين"},
    "sparql_about": {"en": "query the public dataset", "ar": "استعلم عن البيانات العامة"},
    "dataset_about": {"en": "VoID and DCAT description", "ar": "وصف VoID وDCAT"},
    "dumps_about": {"en": "the whole dataset as files", "ar": "مجموعة البيانات كاملة كملفات"},
    "ontology_about": {"en": "classes and properties", "ar": "الأصناف والخصائص"},
    "shapes_about": {"en": "the SHACL rules records follow", "ar": "قواعد SHACL للسجلات"},
    "vocabularies": {"en": "Vocabularies", "ar": "المفردات"},
    "nothing_yet": {"en": "Nothing published yet.", "ar": "لم يُنشر شيء بعد."},
    "count_statement": {"en": "statements", "ar": "بيانات"},
    "count_org": {"en": "organizations", "ar": "منظمات"},
    "count_facility": {"en": "detention facilities", "ar": "مرافق احتجاز"},
    "count_report": {"en": "cited reports", "ar": "تقارير مستشهد بها"},
    "count_place": {"en": "places", "ar": "أماكن"},
    "count_person": {"en": "persons", "ar": "أشخاص"},
    "count_allegation": {"en": "allegations", "ar": "ادعاءات"},
    "count_demand": {"en": "demands", "ar": "مطالبات"},
    # statement page
    "issued_by": {"en": "Issued by", "ar": "صادر عن"},
    "date": {"en": "Date", "ar": "التاريخ"},
    "document_type": {"en": "Document type", "ar": "نوع الوثيقة"},
    "source_text": {"en": "Source text", "ar": "النص المصدر"},
    "source_text_note": {
        "en": "The text as published. Highlighted passages are what the items beside it were "
        "extracted from; follow a passage to what it names or claims.",
        "ar": "النص كما نُشر. المقاطع المظللة هي ما استُخرجت منه العناصر المجاورة؛ اتبع المقطع "
        "للوصول إلى ما يسمّيه أو يدّعيه.",
    },
    "legend": {"en": "Highlight colours", "ar": "ألوان التظليل"},
    "extracted": {"en": "Extracted from the text", "ar": "مستخرج من النص"},
    "reported_speech": {
        "en": "Allegations and demands are the issuer's words, reported; the publisher of this "
        "data does not assert them.",
        "ar": "الادعاءات والمطالبات هي أقوال الجهة المُصدِرة، منقولة عنها؛ ولا يتبناها ناشر هذه "
        "البيانات.",
    },
    "allegations": {"en": "Allegations", "ar": "الادعاءات"},
    "allegation": {"en": "Allegation", "ar": "ادعاء"},
    "demands": {"en": "Demands", "ar": "المطالبات"},
    "demand": {"en": "Demand", "ar": "مطالبة"},
    "mentions": {"en": "Mentioned", "ar": "المذكورون"},
    "mention": {"en": "Mention", "ar": "ذِكر"},
    "cited_reports": {"en": "Cited as evidence", "ar": "مستشهد به كدليل"},
    "violation_types": {"en": "Violation types", "ar": "أنواع الانتهاكات"},
    "legal_characterizations": {"en": "Legal characterization", "ar": "التوصيف القانوني"},
    "perpetrators": {"en": "Alleged perpetrator", "ar": "الجاني المزعوم"},
    "at_facility": {"en": "At facility", "ar": "في مرفق"},
    "period": {"en": "Period", "ar": "الفترة"},
    "addressees": {"en": "Addressed to", "ar": "موجهة إلى"},
    "demand_types": {"en": "Demand types", "ar": "أنواع المطالبات"},
    "evidence": {"en": "Evidence cited", "ar": "الأدلة المستشهد بها"},
    "in_text": {"en": "In the text", "ar": "في النص"},
    "passage": {"en": "passage", "ar": "مقطع"},
    "sha256": {"en": "SHA-256 of the text", "ar": "بصمة SHA-256 للنص"},
    "text_language": {"en": "Language of the text", "ar": "لغة النص"},
    "no_text": {"en": "This statement has no source text.", "ar": "لا يوجد نص مصدر لهذا البيان."},
    # entity pages
    "type": {"en": "Type", "ar": "النوع"},
    "details": {"en": "Details", "ar": "التفاصيل"},
    "same_as": {"en": "Same as", "ar": "مطابق لـ"},
    "wikidata": {"en": "Wikidata", "ar": "ويكي بيانات"},
    "coordinates": {"en": "Coordinates", "ar": "الإحداثيات"},
    "coordinates_note": {
        "en": "WKT, longitude then latitude",
        "ar": "بصيغة WKT، خط الطول ثم خط العرض",
    },
    "mentioned_in": {"en": "Where it is mentioned", "ar": "أين ورد ذكره"},
    "not_mentioned": {
        "en": "No other published record mentions it.",
        "ar": "لا يذكره أي سجل منشور آخر.",
    },
    "part_of": {"en": "Part of", "ar": "جزء من"},
    "anchored_in": {"en": "Where it comes from in the text", "ar": "موضعه في النص"},
    "quoted_as": {"en": "quoted as", "ar": "ورد بلفظ"},
    "next_page": {"en": "Next page", "ar": "الصفحة التالية"},
    "previous_page": {"en": "Previous page", "ar": "الصفحة السابقة"},
    "page_n": {"en": "Page {n}", "ar": "الصفحة {n}"},
    "name_withheld": {"en": "name withheld", "ar": "الاسم محجوب"},
    "north": {"en": "N", "ar": "شمالاً"},
    "south": {"en": "S", "ar": "جنوباً"},
    "east": {"en": "E", "ar": "شرقاً"},
    "west": {"en": "W", "ar": "غرباً"},
    # model pages
    "classes": {"en": "Classes", "ar": "الأصناف"},
    "properties": {"en": "Properties", "ar": "الخصائص"},
    "datatypes": {"en": "Datatypes", "ar": "أنواع البيانات"},
    "term": {"en": "Term", "ar": "المصطلح"},
    "label_en": {"en": "English label", "ar": "التسمية الإنجليزية"},
    "label_ar": {"en": "Arabic label", "ar": "التسمية العربية"},
    "definition": {"en": "Definition", "ar": "التعريف"},
    "note": {"en": "Note", "ar": "ملاحظة"},
    "subclass_of": {"en": "Subclass of", "ar": "صنف فرعي من"},
    "domain": {"en": "Domain", "ar": "المجال"},
    "range": {"en": "Range", "ar": "المدى"},
    "version": {"en": "Version", "ar": "الإصدار"},
    "license": {"en": "Licence", "ar": "الترخيص"},
    "concepts": {"en": "Concepts", "ar": "المفاهيم"},
    "notation": {"en": "Notation", "ar": "الرمز"},
    "broader": {"en": "Broader", "ar": "أعم"},
    "huridocs": {"en": "HURIDOCS code", "ar": "رمز HURIDOCS"},
    "node_shapes": {"en": "Node shapes", "ar": "أشكال العُقد"},
    "targets": {"en": "Applies to", "ar": "ينطبق على"},
    "helper_shape": {
        "en": "no target: used by other shapes",
        "ar": "بلا هدف: تستخدمه أشكال أخرى",
    },
    "constraints": {"en": "Constraints", "ar": "القيود"},
    "path": {"en": "Path", "ar": "المسار"},
    "severity": {"en": "Severity", "ar": "الخطورة"},
    "message": {"en": "Message", "ar": "الرسالة"},
    "all_schemes": {"en": "All concept schemes", "ar": "جميع مخططات المفاهيم"},
    # tombstones and version history
    "retracted_title": {"en": "Retracted", "ar": "مسحوب"},
    "retracted_intro": {
        "en": "This record was withdrawn from publication. Its content is no longer available.",
        "ar": "سُحب هذا السجل من النشر. لم يعد محتواه متاحاً.",
    },
    "retracted_when": {"en": "Withdrawn on", "ar": "تاريخ السحب"},
    "retracted_by": {"en": "Withdrawn by", "ar": "سحبه"},
    "retraction_reason": {"en": "Reason", "ar": "السبب"},
    "first_published": {"en": "First published", "ar": "نُشر أول مرة"},
    "versions_title": {"en": "Versions", "ar": "الإصدارات"},
    "versions_intro": {
        "en": "The published versions of this record. A version never changes once written.",
        "ar": "الإصدارات المنشورة من هذا السجل. لا يتغير أي إصدار بعد كتابته.",
    },
    "version_n": {"en": "Version {n}", "ar": "الإصدار {n}"},
    "version_created": {"en": "Written", "ar": "تاريخ الكتابة"},
    "version_published": {"en": "Published", "ar": "تاريخ النشر"},
    "current_version": {"en": "current", "ar": "الحالي"},
    "version_notice": {
        "en": "This is version {n} of this record, as it was published; it is not the current "
        "version.",
        "ar": "هذا هو الإصدار {n} من هذا السجل كما نُشر، وليس الإصدار الحالي.",
    },
    "see_current": {"en": "See the current version", "ar": "اعرض الإصدار الحالي"},
    "all_versions": {"en": "All versions", "ar": "جميع الإصدارات"},
}
"""Interface strings by key, then language; every key has both languages (a test checks)."""

TERM_LABELS: dict[str, dict[str, str]] = {
    str(RDF.type): {"en": "Type", "ar": "النوع"},
    str(SCHEMA.name): {"en": "Name", "ar": "الاسم"},
    str(FOAF.name): {"en": "Name", "ar": "الاسم"},
    str(SKOS.altLabel): {"en": "Also known as", "ar": "يُعرف أيضاً باسم"},
    str(SKOS.prefLabel): {"en": "Label", "ar": "التسمية"},
    str(SCHEMA.sameAs): {"en": "Same as", "ar": "مطابق لـ"},
    str(SCHEMA.headline): {"en": "Headline", "ar": "العنوان"},
    str(SCHEMA.datePublished): {"en": "Date published", "ar": "تاريخ النشر"},
    str(SCHEMA.publisher): {"en": "Publisher", "ar": "الناشر"},
    str(SCHEMA.printEdition): {"en": "Print edition", "ar": "الطبعة الورقية"},
    str(SCHEMA.url): {"en": "Web address", "ar": "العنوان على الويب"},
    str(SCHEMA.description): {"en": "Description", "ar": "الوصف"},
    str(SCHEMA.containedInPlace): {"en": "Located in", "ar": "يقع في"},
    str(SCHEMA.temporalCoverage): {"en": "Period", "ar": "الفترة"},
    str(SCHEMA.mentions): {"en": "Mentions", "ar": "يذكر"},
    str(SCHEMA.inLanguage): {"en": "Language", "ar": "اللغة"},
    str(GEO.hasGeometry): {"en": "Geometry", "ar": "الشكل الهندسي"},
    str(ORG.unitOf): {"en": "Unit of", "ar": "وحدة تابعة لـ"},
    str(ORG.subOrganizationOf): {"en": "Part of", "ar": "جزء من"},
    str(ORG.hasUnit): {"en": "Has unit", "ar": "له وحدة"},
    str(CITO.citesAsEvidence): {"en": "Cites as evidence", "ar": "يستشهد كدليل بـ"},
    str(DCTERMS.isReferencedBy): {"en": "Mentioned in", "ar": "مذكور في"},
    str(OA.hasBody): {"en": "Body", "ar": "المضمون"},
    # classes
    str(ORG.Organization): {"en": "Organization", "ar": "منظمة"},
    str(ORG.FormalOrganization): {"en": "Formal organization", "ar": "منظمة رسمية"},
    str(ORG.OrganizationalUnit): {"en": "Organizational unit", "ar": "وحدة تنظيمية"},
    str(SCHEMA.Article): {"en": "Article", "ar": "مقال"},
    str(SCHEMA.NewsArticle): {"en": "News article", "ar": "مقال إخباري"},
    str(SCHEMA.Report): {"en": "Report", "ar": "تقرير"},
    str(SCHEMA.Place): {"en": "Place", "ar": "مكان"},
    str(SCHEMA.Country): {"en": "Country", "ar": "دولة"},
    str(FOAF.Person): {"en": "Person", "ar": "شخص"},
    str(FOAF.Agent): {"en": "Agent", "ar": "جهة فاعلة"},
    str(OA.Annotation): {"en": "Annotation", "ar": "تعليق توضيحي"},
    str(GEO.Geometry): {"en": "Geometry", "ar": "شكل هندسي"},
}
"""Page labels of reused properties and classes, by IRI then language."""


def ui(key: str, lang: str, **values: object) -> str:
    """The interface string `key` in `lang` (English when missing), formatted with `values`."""
    texts = UI[key]
    text = texts.get(lang) or texts[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text
