"""Routes of the competency dictionary, the year's strategic priorities, the standards and the positions."""

from __future__ import annotations

from flask.views import MethodView

from services.needs import handlers, schemas, views
from services.needs.api.blueprint import blp
from services.needs.domain import POSITION_CLASSES
from shared.errors import NotFound
from shared.web import context, read_session


@blp.route("/competencies")
class Competencies(MethodView):
    @blp.arguments(schemas.CompetencyQuery, location="query")
    @blp.response(200, schemas.CompetencySchema(many=True))
    def get(self, args):
        """The competency dictionary (filter by group, text, active)."""
        with read_session() as session:
            return views.competencies(session, args.get("group"), args.get("q"), args.get("active"))

    @blp.arguments(schemas.CompetencySchema)
    @blp.response(201, schemas.CompetencySchema)
    def post(self, data):
        """Add a competency (BKPSDM manages the technical ones)."""
        with context().uow() as uow:
            return handlers.create_competency(uow, data)


@blp.route("/competencies/<code>")
class CompetencyItem(MethodView):
    @blp.response(200, schemas.CompetencySchema)
    def get(self, code):
        """One competency of the dictionary, with its five level descriptors."""
        with read_session() as session:
            return views.competency(session, code)

    @blp.arguments(schemas.CompetencyUpdateSchema)
    @blp.response(200, schemas.CompetencySchema)
    def put(self, data, code):
        """Replace a competency's name, group, description, descriptors and active flag."""
        with context().uow() as uow:
            return handlers.update_competency(uow, context().settings, code, data)


# --- strategic priorities -----------------------------------------------------------------------


@blp.route("/priorities/<int:year>")
class Priorities(MethodView):
    @blp.response(200, schemas.PrioritiesSchema)
    def get(self, year):
        """The region's vision/mission themes for a plan year, with weights and competencies."""
        with read_session() as session:
            return {"year": year, "items": views.priorities(session, year)}

    @blp.arguments(schemas.PrioritiesSchema)
    @blp.response(200, schemas.PrioritiesSchema)
    def put(self, data, year):
        """Replace the themes of a plan year; gaps and needs of that year are recomputed."""
        with context().uow() as uow:
            handlers.replace_priorities(uow, context().settings, year, data["items"])
        with read_session() as session:
            return {"year": year, "items": views.priorities(session, year)}


# --- standards ----------------------------------------------------------------------------------


def _check_class(position_class: str) -> None:
    if position_class not in POSITION_CLASSES:
        raise NotFound(f"No position class {position_class}; use one of {', '.join(POSITION_CLASSES)}.")


@blp.route("/position-classes/<position_class>/standard")
class ClassStandard(MethodView):
    @blp.response(200, schemas.ClassStandardSchema)
    def get(self, position_class):
        """The default standard of every position of a class (JPT, administrator, pengawas, pelaksana, fungsional)."""
        _check_class(position_class)
        with read_session() as session:
            return {"position_class": position_class, "items": views.class_standard(session, position_class)}

    @blp.arguments(schemas.ClassStandardSchema)
    @blp.response(200, schemas.ClassStandardSchema)
    def put(self, data, position_class):
        """Replace a class's default standard; its employees' gaps are recomputed."""
        _check_class(position_class)
        with context().uow() as uow:
            handlers.replace_class_standard(uow, context().settings, position_class, data["items"])
        with read_session() as session:
            return {"position_class": position_class, "items": views.class_standard(session, position_class)}


@blp.route("/positions")
class Positions(MethodView):
    @blp.arguments(schemas.PositionQuery, location="query")
    @blp.response(200, schemas.PositionSchema(many=True))
    def get(self, args):
        """The positions (jabatan), optionally of one position class."""
        with read_session() as session:
            return views.positions(session, args.get("position_class"))

    @blp.arguments(schemas.PositionSchema)
    @blp.response(201, schemas.PositionDetailSchema)
    def post(self, data):
        """Add a position (jabatan)."""
        with context().uow() as uow:
            handlers.save_position(uow, context().settings, data.code, data, create=True)
        with read_session() as session:
            return views.position(session, data.code)


@blp.route("/positions/<code>")
class PositionItem(MethodView):
    @blp.response(200, schemas.PositionDetailSchema)
    def get(self, code):
        """A position with its own overrides and its effective standard."""
        with read_session() as session:
            return views.position(session, code)

    @blp.arguments(schemas.PositionUpdateSchema)
    @blp.response(200, schemas.PositionDetailSchema)
    def put(self, data, code):
        """Change a position's name, class or unit."""
        with context().uow() as uow:
            handlers.save_position(uow, context().settings, code, data, create=False)
        with read_session() as session:
            return views.position(session, code)


@blp.route("/positions/<code>/standard")
class PositionStandard(MethodView):
    @blp.arguments(schemas.PositionStandardSchema)
    @blp.response(200, schemas.PositionDetailSchema)
    def put(self, data, code):
        """Replace a position's overrides of its class standard (level 0 removes a competency)."""
        with context().uow() as uow:
            handlers.replace_position_standard(uow, context().settings, code, data["items"])
        with read_session() as session:
            return views.position(session, code)
