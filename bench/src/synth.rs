//! Synthetic OpenAPI 3.0 specs of any size, for measuring how generation cost grows with the
//! number of operations.
//!
//! [`spec`]`(n)` returns a JSON document with exactly `n` operations. Operations come in groups
//! of four per resource `k` (the last group may be cut short), so every size has the same mix:
//!
//! * `GET /res{k}/things`: a paginated list (query `cursor`, `limit` bounded 1..=100, an enum
//!   `order`, an integer `min_score` with bounds); the response has `data` and a shared
//!   `$ref: Pagination` meta;
//! * `POST /res{k}/things`: a JSON request body (`CreateThing{k}Request`, with an inline object);
//! * `GET /res{k}/things/{thing_id}`: a path parameter and a boolean query parameter;
//! * `PATCH /res{k}/things/{thing_id}/parts/{part_id}`: two path parameters and a body whose
//!   `change` is a `oneOf` with a discriminator.
//!
//! Each resource declares ten component schemas (2.5 per operation): `Thing{k}` (strings, an
//! enum, a date-time, an array, an inline `owner` object, a nullable field, a `$ref` to its
//! content), `Content{k}` (an untagged `oneOf` of `TextContent{k}` and `ImageContent{k}`),
//! `Part{k}` (with a map), `CreateThing{k}Request` (with an inline `settings` object),
//! `UpdatePart{k}Request` (its `change` is a `oneOf` of `Rename{k}`/`Resize{k}` with a
//! discriminator) and `ListThings{k}Response`. Two schemas are shared by every operation: the
//! `Error` all of them answer `4XX`/`default` with, and the `Pagination` meta of every list.

use serde_json::{json, Map, Value};

/// The spec with `n` operations, as JSON text.
pub fn spec(n: usize) -> String {
    serde_json::to_string_pretty(&spec_value(n)).expect("a JSON value always serialises")
}

/// The spec with `n` operations, as a JSON value.
pub fn spec_value(n: usize) -> Value {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    schemas.insert("Error".into(), error_schema());
    schemas.insert("Pagination".into(), pagination_schema());

    let resources = n.div_ceil(4);
    for k in 0..resources {
        let ops_here = (n - 4 * k).min(4);
        resource_schemas(k, &mut schemas);
        let mut collection = Map::new();
        let mut item = Map::new();
        let mut part = Map::new();
        if ops_here > 0 {
            collection.insert("get".into(), list_op(k));
        }
        if ops_here > 1 {
            collection.insert("post".into(), create_op(k));
        }
        if ops_here > 2 {
            item.insert("get".into(), get_op(k));
        }
        if ops_here > 3 {
            part.insert("patch".into(), update_op(k));
        }
        for (path, ops) in [
            (format!("/res{k}/things"), collection),
            (format!("/res{k}/things/{{thing_id}}"), item),
            (format!("/res{k}/things/{{thing_id}}/parts/{{part_id}}"), part),
        ] {
            if !ops.is_empty() {
                paths.insert(path, Value::Object(ops));
            }
        }
    }

    json!({
        "openapi": "3.0.3",
        "info": {
            "title": format!("synthetic-{n}"),
            "version": "1.0.0",
            "description": format!("A synthetic API with {n} operations, for benchmarks."),
        },
        "servers": [{ "url": "https://api.example.com/v1" }],
        "security": [{ "bearer": [] }],
        "paths": paths,
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": schemas,
        },
    })
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn json_content(schema: Value) -> Value {
    json!({ "application/json": { "schema": schema } })
}

fn error_responses(ok_status: &str, ok_description: &str, ok_schema: Value) -> Value {
    json!({
        ok_status: { "description": ok_description, "content": json_content(ok_schema) },
        "4XX": { "description": "A client error", "content": json_content(schema_ref("Error")) },
        "default": { "description": "An unexpected error", "content": json_content(schema_ref("Error")) },
    })
}

fn path_param(name: &str) -> Value {
    json!({
        "name": name,
        "in": "path",
        "required": true,
        "description": format!("The {name}."),
        "schema": { "type": "string" },
    })
}

fn list_op(k: usize) -> Value {
    json!({
        "operationId": format!("listThings{k}"),
        "summary": format!("List the things of resource {k}"),
        "description": "Returns one page of things, most recent first.",
        "parameters": [
            { "name": "cursor", "in": "query", "description": "Opaque cursor from the previous page.", "schema": { "type": "string" } },
            { "name": "limit", "in": "query", "description": "Page size (1-100).", "schema": { "type": "integer", "minimum": 1, "maximum": 100, "default": 20 } },
            { "name": "order", "in": "query", "schema": { "type": "string", "enum": ["asc", "desc"] } },
            { "name": "min_score", "in": "query", "schema": { "type": "integer", "format": "int64", "minimum": 0, "maximum": 1000 } },
        ],
        "responses": error_responses("200", "One page of things", schema_ref(&format!("ListThings{k}Response"))),
    })
}

fn create_op(k: usize) -> Value {
    json!({
        "operationId": format!("createThing{k}"),
        "summary": format!("Create a thing in resource {k}"),
        "requestBody": { "required": true, "content": json_content(schema_ref(&format!("CreateThing{k}Request"))) },
        "responses": error_responses("201", "The created thing", schema_ref(&format!("Thing{k}"))),
    })
}

fn get_op(k: usize) -> Value {
    json!({
        "operationId": format!("getThing{k}"),
        "summary": format!("Get one thing of resource {k}"),
        "parameters": [
            path_param("thing_id"),
            { "name": "include_parts", "in": "query", "schema": { "type": "boolean" } },
        ],
        "responses": error_responses("200", "The thing", schema_ref(&format!("Thing{k}"))),
    })
}

fn update_op(k: usize) -> Value {
    json!({
        "operationId": format!("updatePart{k}"),
        "summary": format!("Change one part of a thing of resource {k}"),
        "parameters": [path_param("thing_id"), path_param("part_id")],
        "requestBody": { "required": true, "content": json_content(schema_ref(&format!("UpdatePart{k}Request"))) },
        "responses": error_responses("200", "The changed part", schema_ref(&format!("Part{k}"))),
    })
}

fn error_schema() -> Value {
    json!({
        "type": "object",
        "description": "The error every operation returns.",
        "required": ["code", "message"],
        "properties": {
            "code": { "type": "string" },
            "message": { "type": "string" },
            "request_id": { "type": "string" },
            "details": { "type": "array", "items": { "type": "string" } },
        },
    })
}

fn pagination_schema() -> Value {
    json!({
        "type": "object",
        "description": "Where the next page starts.",
        "properties": {
            "next_cursor": { "type": "string", "nullable": true },
            "total": { "type": "integer", "format": "int64" },
        },
    })
}

fn resource_schemas(k: usize, schemas: &mut Map<String, Value>) {
    let r = |name: &str| schema_ref(&format!("{name}{k}"));
    schemas.insert(
        format!("Thing{k}"),
        json!({
            "type": "object",
            "description": format!("A thing of resource {k}."),
            "required": ["id", "name", "status", "created_at"],
            "properties": {
                "id": { "type": "string" },
                "name": { "type": "string", "maxLength": 200 },
                "status": { "type": "string", "enum": ["active", "archived", "deleted"] },
                "created_at": { "type": "string", "format": "date-time" },
                "score": { "type": "number", "format": "double" },
                "tags": { "type": "array", "items": { "type": "string" } },
                "note": { "type": "string", "nullable": true },
                "owner": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {
                        "id": { "type": "string" },
                        "email": { "type": "string", "format": "email" },
                        "display_name": { "type": "string" },
                    },
                },
                "content": r("Content"),
                "parts": { "type": "array", "items": r("Part") },
            },
        }),
    );
    schemas.insert(
        format!("Content{k}"),
        json!({ "description": "Text or an image.", "oneOf": [r("TextContent"), r("ImageContent")] }),
    );
    schemas.insert(
        format!("TextContent{k}"),
        json!({
            "type": "object",
            "required": ["text"],
            "properties": { "text": { "type": "string" }, "language": { "type": "string" } },
        }),
    );
    schemas.insert(
        format!("ImageContent{k}"),
        json!({
            "type": "object",
            "required": ["url", "width", "height"],
            "properties": {
                "url": { "type": "string", "format": "uri" },
                "width": { "type": "integer", "format": "int32" },
                "height": { "type": "integer", "format": "int32" },
            },
        }),
    );
    schemas.insert(
        format!("Part{k}"),
        json!({
            "type": "object",
            "required": ["id", "size"],
            "properties": {
                "id": { "type": "string" },
                "label": { "type": "string" },
                "size": { "type": "integer", "format": "int64", "minimum": 0 },
                "attributes": { "type": "object", "additionalProperties": { "type": "string" } },
            },
        }),
    );
    schemas.insert(
        format!("CreateThing{k}Request"),
        json!({
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": { "type": "string" },
                "tags": { "type": "array", "items": { "type": "string" } },
                "content": r("Content"),
                "settings": {
                    "type": "object",
                    "properties": {
                        "public": { "type": "boolean" },
                        "retention_days": { "type": "integer", "minimum": 1, "maximum": 3650 },
                    },
                },
            },
        }),
    );
    schemas.insert(
        format!("UpdatePart{k}Request"),
        json!({
            "type": "object",
            "required": ["change"],
            "properties": {
                "change": {
                    "oneOf": [r("Rename"), r("Resize")],
                    "discriminator": {
                        "propertyName": "kind",
                        "mapping": {
                            "rename": format!("#/components/schemas/Rename{k}"),
                            "resize": format!("#/components/schemas/Resize{k}"),
                        },
                    },
                },
                "reason": { "type": "string" },
            },
        }),
    );
    schemas.insert(
        format!("Rename{k}"),
        json!({
            "type": "object",
            "required": ["kind", "label"],
            "properties": { "kind": { "type": "string" }, "label": { "type": "string" } },
        }),
    );
    schemas.insert(
        format!("Resize{k}"),
        json!({
            "type": "object",
            "required": ["kind", "size"],
            "properties": { "kind": { "type": "string" }, "size": { "type": "integer", "format": "int64" } },
        }),
    );
    schemas.insert(
        format!("ListThings{k}Response"),
        json!({
            "type": "object",
            "required": ["data"],
            "properties": {
                "data": { "type": "array", "items": r("Thing") },
                "meta": schema_ref("Pagination"),
            },
        }),
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn has_exactly_n_operations_and_generates() {
        for n in [1, 2, 3, 4, 5, 10, 13] {
            let v = super::spec_value(n);
            let ops: usize = v["paths"].as_object().unwrap().values().map(|p| p.as_object().unwrap().len()).sum();
            assert_eq!(ops, n, "n = {n}");
            let text = super::spec(n);
            let api = codegen::model("synthetic.json", &text).unwrap_or_else(|d| panic!("n = {n}: {d}"));
            assert_eq!(api.operations.len(), n);
        }
    }
}
