"""Server-rendered HTML pages (Jinja2): no build step, usable without JavaScript."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Annotated, Any

from fastapi import Depends, Request
from jinja2 import Environment, FileSystemLoader, select_autoescape

from advocacy_ld.publish.describe import Description
from advocacy_ld.publish.formats import RDF_REPRESENTATIONS
from advocacy_ld.publish.jsonld import compact_graph
from advocacy_ld.web.negotiation import negotiate
from advocacy_ld.web.services import Services, ServicesDep

LANGUAGES = ("en", "ar")


class Pages:
    """Renders pages for one app; the Jinja environment is built once, on first use."""

    def __init__(self, app: Services) -> None:
        self.app = app
        environment = app.extras.get("jinja")
        if environment is None:
            environment = Environment(
                loader=FileSystemLoader(str(files("advocacy_ld.web") / "templates")),
                autoescape=select_autoescape(["html"]),
                trim_blocks=True,
                lstrip_blocks=True,
            )
            app.extras["jinja"] = environment
        self.environment: Environment = environment

    @staticmethod
    def language(request: Request) -> str:
        """`?lang=` first, then Accept-Language; English by default."""
        requested = request.query_params.get("lang")
        if requested in LANGUAGES:
            return requested
        header = request.headers.get("accept-language", "")
        # Language ranges look like media ranges' first half; reuse the q-value logic.
        ranges = ",".join(f"{part.split(';')[0].strip()}/x;{';'.join(part.split(';')[1:])}"
                          for part in header.split(",") if part.strip())  # fmt: skip
        best = negotiate(ranges or None, [f"{lang}/x" for lang in LANGUAGES])
        return best.split("/")[0] if best else "en"

    def render(self, template: str, request: Request, **values: Any) -> bytes:
        lang = self.language(request)
        page = self.environment.get_template(template)
        html = page.render(
            lang=lang,
            dir="rtl" if lang == "ar" else "ltr",
            base=self.app.settings.base_uri,
            path=request.url.path,
            rdf_representations=RDF_REPRESENTATIONS,
            **values,
        )
        return html.encode("utf-8")

    def resource(self, request: Request, description: Description) -> bytes:
        embedded = compact_graph(description.graph, self.app.model.context, self.app.context_url)
        return self.render(
            "resource.html",
            request,
            description=description,
            jsonld=json.dumps(embedded, ensure_ascii=False).replace("</", "<\\/"),
        )


def pages(app: ServicesDep) -> Pages:
    """FastAPI dependency."""
    return Pages(app)


PagesDep = Annotated[Pages, Depends(pages)]
