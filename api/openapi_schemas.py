"""What Litestar's description of a msgspec Struct leaves out, added: a Struct that refuses unknown fields
says so (`additionalProperties: false`); a Struct may add schema keywords of its own (`__schema__`) and to its
fields (`__field_schema__`: the rules the domain checks, so the document states them without a second check
on the hot path); and an attribute map (`__attributes__`) is described with its bounds and a recursive
AttributeValue."""

from dataclasses import dataclass
from typing import Any

import msgspec
from litestar._openapi.schema_generation import SchemaCreator
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.openapi.spec import OpenAPIType, Operation, Reference, Schema
from litestar.typing import FieldDefinition

from api.http import NO_NUL
from domain.tracking import limits


class AttributeValue:
    """The JSON value one attribute holds (only a name for the document's component)."""


def _attribute_value(creator: SchemaCreator) -> Reference:
    registry = creator.schema_registry
    field = FieldDefinition.from_annotation(AttributeValue)
    if registry.get_reference_for_field_definition(field) is None:
        schema = registry.get_schema_for_field_definition(field)
        schema.title = "AttributeValue"
        schema.description = "Any JSON value without NUL characters in its strings or keys."
        schema.any_of = [
            Schema(type=OpenAPIType.STRING, pattern=NO_NUL),
            Schema(type=OpenAPIType.NUMBER),
            Schema(type=OpenAPIType.BOOLEAN),
            Schema(type=OpenAPIType.NULL),
            Schema(type=OpenAPIType.ARRAY, items=registry.get_reference_for_field_definition(field)),
            Schema(
                type=OpenAPIType.OBJECT,
                property_names=Schema(pattern=NO_NUL),
                additional_properties=registry.get_reference_for_field_definition(field),
            ),
        ]
    reference = registry.get_reference_for_field_definition(field)
    assert reference is not None
    return reference


def attributes_schema(creator: SchemaCreator, *, nullable: bool) -> Schema:
    attributes = Schema(
        type=OpenAPIType.OBJECT,
        max_properties=limits.MAX_KEYS,
        property_names=Schema(min_length=1, max_length=limits.MAX_KEY_LENGTH, pattern=NO_NUL),
        additional_properties=_attribute_value(creator),
        description=f"Merged into what is stored. At most {limits.MAX_KEYS} keys of 1 to {limits.MAX_KEY_LENGTH} "
        f"characters; each value at most {limits.MAX_VALUE_BYTES} bytes as compact JSON and {limits.MAX_DEPTH} "
        "levels deep.",
    )
    return Schema(one_of=[attributes, Schema(type=OpenAPIType.NULL)]) if nullable else attributes


class DocumentedStructs(StructSchemaPlugin):
    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: SchemaCreator) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        struct = field_definition.type_
        info: Any = msgspec.inspect.type_info(struct)
        if info.forbid_unknown_fields:
            schema.additional_properties = False
        for keyword, value in getattr(struct, "__schema__", {}).items():
            setattr(schema, keyword, value)
        properties = schema.properties or {}
        for name in getattr(struct, "__required__", ()):
            # Required by the document though the Struct allows it absent (e.g. for another kind of caller):
            # no longer nullable either.
            field = next(f for f in info.fields if f.name == name)
            outer = properties[field.encode_name]
            if isinstance(outer, Schema) and outer.one_of:
                kept = [s for s in outer.one_of if not (isinstance(s, Schema) and s.type == OpenAPIType.NULL)]
                properties[field.encode_name] = kept[0] if len(kept) == 1 else Schema(one_of=kept)
            schema.required = sorted({*(schema.required or []), field.encode_name})
        for field in info.fields:
            nullable = isinstance(field.type, msgspec.inspect.UnionType) and any(
                isinstance(t, msgspec.inspect.NoneType) for t in field.type.types
            )
            if field.name in getattr(struct, "__attributes__", ()):
                properties[field.encode_name] = attributes_schema(schema_creator, nullable=nullable)
            for keyword, value in getattr(struct, "__field_schema__", {}).get(field.name, {}).items():
                outer = properties[field.encode_name]
                target = outer
                if keyword != "description" and isinstance(outer, Schema) and outer.one_of:
                    # `X | None`, `str | int`: the rule is the first's (a string's, for an id)
                    target = next(
                        (s for s in outer.one_of if isinstance(s, Schema) and s.type != OpenAPIType.NULL), outer
                    )
                setattr(target, keyword, value)
        return schema


@dataclass
class OptionalBody(Operation):
    """An operation whose body may be left out (Litestar marks every body required)."""

    def __post_init__(self) -> None:
        if self.request_body is not None and not isinstance(self.request_body, Reference):
            self.request_body.required = False
