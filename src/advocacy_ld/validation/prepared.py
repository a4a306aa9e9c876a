"""pySHACL shapes whose constraint components are built once, not at every evaluation.

`Shape.validate` (pySHACL 0.40) finds a shape's constraint parameters in the shapes graph and
builds a component for each at every evaluation, and a record's validation evaluates hundreds of
shapes (each sh:property and each sh:node on each value node is one): a quarter of its time.
A component holds its parameters and nothing of an evaluation, so the first one built serves
every later evaluation of its shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
from pyshacl.consts import SH_Info, SH_resultSeverity, SH_Warning
from pyshacl.errors import ConstraintLoadWarning
from pyshacl.pytypes import RDFNode, SHACLExecutor
from pyshacl.shape import Shape
from pyshacl.shapes_graph import ShapesGraph
from rdflib import Literal
from rdflib.term import IdentifiedNode, Node

Report = tuple[str, Node, list[tuple[Any, ...]]]
"""pySHACL's report of one result: its text, its node, its triples."""


class PreparedShapesGraph(ShapesGraph):
    """pySHACL's shapes graph, keeping each shape's constraint components once built."""

    components: dict[Node, tuple[Any, ...]]


def prepare(shapes_graph: ShapesGraph) -> None:
    """Make every shape of `shapes_graph` a `PreparedShape`: all of them, as pySHACL finds
    the shapes named by sh:property, sh:node, sh:or… among them."""
    shapes_graph.__class__ = PreparedShapesGraph
    assert isinstance(shapes_graph, PreparedShapesGraph)
    shapes_graph.components = {}
    for shape in shapes_graph.shapes:
        shape.__class__ = PreparedShape


class PreparedShape(Shape):
    """A pySHACL shape that builds its constraint components on its first evaluation only.

    `validate` is `Shape.validate` with the components taken from `components`, for the
    evaluations it handles (`_handles`); the others are left to `Shape.validate`.
    """

    __slots__ = ()

    def validate(
        self,
        executor: SHACLExecutor,
        target_graph: Any,
        focus: Sequence[RDFNode] | RDFNode | None = None,
        _evaluation_path: list[Any] | None = None,
    ) -> tuple[bool, list[Report]]:
        if focus is None or not self._handles(executor, _evaluation_path):
            return _validated(super().validate(executor, target_graph, focus, _evaluation_path))
        focus_list = [focus] if isinstance(focus, IdentifiedNode | Literal) else list(focus)
        if not focus_list:
            return True, []
        values = self.value_nodes(target_graph, focus_list, sparql_mode=executor.sparql_mode)
        path = [] if _evaluation_path is None else _evaluation_path
        path.append(self)  # to the list given, as `Shape.validate` does
        conforms, reports = self._evaluate(executor, target_graph, values, path)
        if conforms or not executor.abort_on_first:
            custom_conforms, custom_reports = self._evaluate_custom(
                executor, target_graph, values, path
            )
            conforms = conforms and custom_conforms
            reports.extend(custom_reports)
        return conforms, reports

    def _handles(self, executor: SHACLExecutor, path: list[Any] | None) -> bool:
        """Whether `validate` handles an evaluation (its focus nodes given): not one of a
        deactivated shape, nor one logged step by step (debug), nor one restricted to some
        focus nodes, nor one with extra parameters (advanced mode, JavaScript), nor one too
        deep, for which `Shape.validate` raises."""
        return not (
            self.deactivated
            or executor.debug
            or executor.focus_nodes
            or self._advanced
            or self.sg.js_enabled
            or (path is not None and len(path) // 2 >= executor.max_validation_depth)
        )

    def components(self) -> tuple[Any, ...]:
        """The shape's constraint components, built on first use."""
        graph = self.sg
        assert isinstance(graph, PreparedShapesGraph)
        held = graph.components.get(self.node)
        if held is None:
            held = graph.components[self.node] = tuple(self._built_components())
        return held

    def _built_components(self) -> list[Any]:
        """A component for each constraint parameter of the shape, as `Shape.validate` builds
        them: in the order of its triples, one per component class, skipping those pySHACL
        cannot build (with a warning, logged once here, not at every evaluation)."""
        parameters = frozenset(ALL_CONSTRAINT_PARAMETERS)
        built: dict[Any, Any] = {}
        shapes: Any = self.sg  # pySHACL leaves its methods untyped
        for p, _value in shapes.predicate_objects(self.node):
            component_class = CONSTRAINT_PARAMETERS_MAP[p] if p in parameters else None
            if component_class is None or component_class in built:
                continue
            try:
                built[component_class] = _streamlined(component_class(self))
            except ConstraintLoadWarning as warning:
                self.logger.warning(repr(warning))
        return list(built.values())

    def _evaluate(
        self,
        executor: SHACLExecutor,
        target_graph: Any,
        values: dict[Node, set[Node]],
        path: list[Any],
    ) -> tuple[bool, list[Report]]:
        """Evaluate each component on the value nodes, as `Shape.validate` does: a shape whose
        severity is allowed (sh:Warning with allow_warnings…) conforms whatever it finds; any
        other fails only on a result of a severity that is not allowed."""
        allowed = _allowed_severities(executor)
        allow_conform = self.severity in allowed
        non_conformant = False
        reports: list[Report] = []
        for component in self.components():
            conforms, found = component.evaluate(executor, target_graph, values, [*path, component])
            if not (conforms or allow_conform):
                non_conformant = non_conformant or not (
                    allowed and all(_severity_in(report, allowed) for report in found)
                )
            reports.extend(found)
            if non_conformant and executor.abort_on_first:
                break
        return not non_conformant, reports

    def _evaluate_custom(
        self,
        executor: SHACLExecutor,
        target_graph: Any,
        values: dict[Node, set[Node]],
        path: list[Any],
    ) -> tuple[bool, list[Report]]:
        """Evaluate the custom constraint components (SHACL §6) that apply to the shape, each
        with a validator made afresh and no severity allowed, as `Shape.validate` does."""
        non_conformant = False
        reports: list[Report] = []
        shape: Any = self  # pySHACL leaves this method untyped
        for custom in shape.find_custom_constraints():
            if non_conformant and executor.abort_on_first:
                break
            validator = custom.make_validator_for_shape(self)
            conforms, found = validator.evaluate(executor, target_graph, values, [*path, validator])
            non_conformant = non_conformant or not conforms
            reports.extend(found)
        return not non_conformant, reports


def _streamlined(component: Any) -> Any:
    """`component`, spared two pieces of work that only ever give the same answer.

    pySHACL writes each result out as text beside its triples, naming its shape, focus node
    and value in prefixed form, and that takes longer than finding the result: a statement's
    qualified value shapes alone find dozens (each selector fails the other selector's class),
    only to drop them. The text goes to the report's text, which `RecordValidator` never
    reads (its results come from the report's graph): none is written.

    Before each run of a SPARQL constraint (SHACL §5), pySHACL searches its text for what
    the constraint may not use (MINUS, VALUES, SERVICE…) with regular expressions that take a
    millisecond for the anchor check: the same text passes or fails the same way every time.
    """
    component.make_v_result_description = _no_description
    for query in getattr(component, "sparql_constraints", ()):
        query.check_invalid_sparql = _CheckedOnce(query.check_invalid_sparql)
    return component


def _no_description(*_args: object, **_kwargs: object) -> str:
    return ""


class _CheckedOnce:
    """A query helper's `check_invalid_sparql`, run once for each text it passes.

    Its outcome depends on the text, on whether a value node is bound and on the extra
    variables; one that fails raises (`ValidationFailure`) and is checked again next time.
    """

    def __init__(self, check: Any) -> None:
        self._check = check
        self._passed: set[tuple[str, bool, frozenset[str]]] = set()

    def __call__(
        self,
        sparql_text: str,
        valuenode: Node | None = None,
        extravars: Iterable[str] | None = None,
    ) -> bool:
        key = (sparql_text, valuenode is None, frozenset(extravars or ()))
        if key not in self._passed:
            self._check(sparql_text, valuenode=valuenode, extravars=extravars)
            self._passed.add(key)
        return True


def _allowed_severities(executor: SHACLExecutor) -> frozenset[Node]:
    """The severities that do not make a shape fail (allow_infos, allow_warnings)."""
    if executor.allow_warnings:
        return frozenset({SH_Info, SH_Warning})
    return frozenset({SH_Info}) if executor.allow_infos else frozenset()


def _severity_in(report: Report, allowed: frozenset[Node]) -> bool:
    """Whether `report` states a severity among `allowed`; one that states none passes."""
    _text, node, triples = report
    stated = [t[2] for t in triples if t[0] == node and t[1] == SH_resultSeverity]
    return not stated or stated[0] in allowed


def _validated(outcome: Any) -> tuple[bool, list[Report]]:
    conforms, reports = outcome
    return bool(conforms), list(reports)
