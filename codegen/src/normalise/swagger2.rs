//! Swagger 2.0 converted to the OpenAPI 3.0 forms the later stages read.
//!
//! | Swagger 2.0 | OpenAPI 3.0 |
//! |---|---|
//! | `host`, `basePath`, `schemes` | `servers` (one per scheme, `https` first; `https` when none is given) |
//! | `definitions` | `components/schemas` |
//! | `parameters` (`in: query`, `header`, `path`) | `components/parameters`, the type and bounds under `schema` |
//! | a parameter `in: body` | `requestBody`, one media type per `consumes` (`application/json` by default) |
//! | parameters `in: formData` | one `requestBody` object schema: `multipart/form-data` when `consumes` says so or a parameter is a file, else `application/x-www-form-urlencoded` |
//! | `type: file` | `type: string, format: binary` |
//! | `collectionFormat: csv` (the default) / `multi` | `explode: false` / `explode: true` |
//! | `responses/*/schema` | `content`, one media type per `produces` (`application/json` by default); `examples` by media type |
//! | `responses` | `components/responses` |
//! | `securityDefinitions` (`basic`, `apiKey`, `oauth2` flows) | `components/securitySchemes` (`http: basic`, `apiKey`, `oauth2` flows) |
//! | `x-nullable: true` | `nullable: true` (next to a `$ref`, `allOf: [$ref]` keeps it) |
//! | `discriminator: prop` | `discriminator: {propertyName: prop}` |
//! | `$ref: '#/definitions/X'`, `'#/parameters/X'`, `'#/responses/X'` | `#/components/schemas/X`, `…/parameters/X`, `…/responses/X` |
//!
//! `collectionFormat` `ssv`, `tsv` and `pipes` are refused: the client cannot
//! send them yet, and sending `csv` instead would be a wrong request.
//!
//! Every converted node that moved is recorded in [`Origins`], so a diagnostic
//! about `/components/schemas/Pet` names `/definitions/Pet`, the node the user wrote.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Diagnostics};

/// Where each converted node came from: converted pointer → original pointer.
/// A pointer below a recorded one maps with the same suffix.
#[derive(Debug, Default)]
pub(super) struct Origins(BTreeMap<String, String>);

impl Origins {
    fn record(&mut self, converted: String, original: String) {
        if converted != original {
            self.0.insert(converted, original);
        }
    }

    /// The pointer into the original document of the converted node at `pointer`.
    pub(super) fn original(&self, pointer: &str) -> String {
        let mut end = pointer.len();
        while !self.0.is_empty() {
            let prefix = &pointer[..end];
            if let Some(original) = self.0.get(prefix) {
                return format!("{original}{}", &pointer[end..]);
            }
            match prefix.rfind('/') {
                Some(i) => end = i,
                None => break,
            }
        }
        pointer.to_owned()
    }
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

/// The keys of a Swagger 2.0 parameter, header or items object that describe
/// its value, which OpenAPI 3.0 keeps under `schema`.
const SCHEMA_KEYS: &[&str] = &[
    "type", "format", "items", "default", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength",
    "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "enum", "multipleOf", "x-nullable",
];

/// Converts `doc`, a Swagger 2.0 document, in place. The warnings, and the
/// errors when it cannot be converted, point into the original document.
pub(super) fn convert(file: &str, doc: &mut Value) -> Result<(Diagnostics, Origins), Diagnostics> {
    let Value::Object(old) = std::mem::take(doc) else { return Ok(Default::default()) };
    let mut c = Converter {
        file,
        diags: Diagnostics::default(),
        origins: Origins::default(),
        parameters: old.get("parameters").and_then(Value::as_object).cloned().unwrap_or_default(),
        consumes: strings(old.get("consumes")),
        produces: strings(old.get("produces")),
    };
    let mut out = Map::new();
    out.insert("openapi".into(), "3.0.3".into());
    for (key, value) in &old {
        match key.as_str() {
            "swagger" | "host" | "basePath" | "schemes" | "consumes" | "produces" | "definitions" | "parameters"
            | "responses" | "securityDefinitions" => {}
            "paths" => {
                out.insert("paths".into(), c.paths(value));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    if let Some(servers) = c.servers(&old) {
        out.insert("servers".into(), servers);
    }
    let components = c.components(&old);
    if !components.is_empty() {
        out.insert("components".into(), Value::Object(components));
    }
    out.entry("paths").or_insert_with(|| Value::Object(Map::new()));
    *doc = Value::Object(out);
    let Converter { diags, origins, .. } = c;
    diags.into_warnings().map(|warnings| (warnings, origins))
}

struct Converter<'a> {
    file: &'a str,
    diags: Diagnostics,
    origins: Origins,
    /// The document's `parameters`, as written: a body or form parameter
    /// referred to by `$ref` is inlined into each operation's request body.
    parameters: Map<String, Value>,
    consumes: Vec<String>,
    produces: Vec<String>,
}

/// One parameter of an operation, `$ref` followed for bodies and forms.
struct Param {
    value: Map<String, Value>,
    /// Where it was written (the `$ref`, for a referred one).
    pointer: String,
    /// `#/parameters/X` for a query, header or path parameter that stays a reference.
    reference: Option<String>,
}

impl Param {
    fn location(&self) -> &str {
        self.value.get("in").and_then(Value::as_str).unwrap_or("")
    }
    fn name(&self) -> &str {
        self.value.get("name").and_then(Value::as_str).unwrap_or("")
    }
}

impl Converter<'_> {
    fn error(&mut self, pointer: &str, message: String, help: &str) {
        self.diags.push(Diagnostic::new(self.file, pointer, message, help));
    }

    fn servers(&mut self, old: &Map<String, Value>) -> Option<Value> {
        let base = old.get("basePath").and_then(Value::as_str).unwrap_or("").trim_end_matches('/');
        let Some(host) = old.get("host").and_then(Value::as_str) else {
            self.origins.record("/servers".into(), "/basePath".into());
            return (!base.is_empty()).then(|| serde_json::json!([{ "url": base }]));
        };
        let mut schemes: Vec<&str> = strs(old.get("schemes")).filter(|s| matches!(*s, "https" | "http")).collect();
        schemes.sort_by_key(|s| *s != "https");
        if schemes.is_empty() {
            schemes.push("https");
        }
        self.origins.record("/servers".into(), "/host".into());
        let host = host.trim_end_matches('/');
        Some(Value::Array(schemes.iter().map(|s| serde_json::json!({ "url": format!("{s}://{host}{base}") })).collect()))
    }

    fn components(&mut self, old: &Map<String, Value>) -> Map<String, Value> {
        let mut components = Map::new();
        if let Some(definitions) = old.get("definitions").and_then(Value::as_object) {
            let schemas = definitions.iter().map(|(name, s)| (name.clone(), schema(s)));
            components.insert("schemas".into(), Value::Object(schemas.collect()));
            self.origins.record("/components/schemas".into(), "/definitions".into());
        }
        let parameters: Vec<(String, Value)> = self.parameters.clone().into_iter().collect();
        let mut kept = Map::new();
        for (name, p) in parameters {
            let Value::Object(p) = p else { continue };
            let pointer = format!("/parameters/{}", token(&name));
            if matches!(p.get("in").and_then(Value::as_str), Some("body" | "formData")) {
                continue; // inlined where used
            }
            let converted = format!("/components/parameters/{}", token(&name));
            kept.insert(name, self.parameter(&p, &pointer, &converted));
            self.origins.record(converted, pointer);
        }
        if !kept.is_empty() {
            components.insert("parameters".into(), Value::Object(kept));
        }
        if let Some(responses) = old.get("responses").and_then(Value::as_object) {
            let produces = self.produces.clone();
            let mut out = Map::new();
            for (name, r) in responses {
                let converted = format!("/components/responses/{}", token(name));
                let original = format!("/responses/{}", token(name));
                out.insert(name.clone(), self.response(r, &produces, &converted, &original));
            }
            components.insert("responses".into(), Value::Object(out));
        }
        if let Some(schemes) = old.get("securityDefinitions").and_then(Value::as_object) {
            let mut out = Map::new();
            for (name, s) in schemes {
                let pointer = format!("/securityDefinitions/{}", token(name));
                if let Some(s) = self.security_scheme(s, &pointer) {
                    out.insert(name.clone(), s);
                }
            }
            components.insert("securitySchemes".into(), Value::Object(out));
            self.origins.record("/components/securitySchemes".into(), "/securityDefinitions".into());
        }
        components
    }

    fn security_scheme(&mut self, s: &Value, pointer: &str) -> Option<Value> {
        let mut out = Map::new();
        let get = |k: &str| s.get(k).cloned();
        match s.get("type").and_then(Value::as_str) {
            Some("basic") => {
                out.insert("type".into(), "http".into());
                out.insert("scheme".into(), "basic".into());
            }
            Some("apiKey") => {
                out.insert("type".into(), "apiKey".into());
                out.extend([("name", get("name")), ("in", get("in"))].into_iter().filter_map(|(k, v)| Some((k.to_owned(), v?))));
            }
            Some("oauth2") => {
                let scopes = get("scopes").unwrap_or_else(|| Value::Object(Map::new()));
                let (flow, urls): (&str, &[&str]) = match s.get("flow").and_then(Value::as_str) {
                    Some("implicit") => ("implicit", &["authorizationUrl"]),
                    Some("password") => ("password", &["tokenUrl"]),
                    Some("application") => ("clientCredentials", &["tokenUrl"]),
                    Some("accessCode") => ("authorizationCode", &["authorizationUrl", "tokenUrl"]),
                    other => {
                        self.error(
                            &format!("{pointer}/flow"),
                            format!("`flow: {}` is not an OAuth2 flow of Swagger 2.0", other.unwrap_or("(missing)")),
                            "use `implicit`, `password`, `application` or `accessCode`",
                        );
                        return None;
                    }
                };
                let mut flow_object: Map<String, Value> = urls.iter().map(|u| ((*u).to_owned(), get(u).unwrap_or_else(|| "".into()))).collect();
                flow_object.insert("scopes".into(), scopes);
                out.insert("type".into(), "oauth2".into());
                out.insert("flows".into(), Value::Object(Map::from_iter([(flow.to_owned(), Value::Object(flow_object))])));
            }
            other => {
                self.error(
                    &format!("{pointer}/type"),
                    format!("`type: {}` is not a security scheme type of Swagger 2.0", other.unwrap_or("(missing)")),
                    "use `basic`, `apiKey` or `oauth2`",
                );
                return None;
            }
        }
        if let Some(description) = get("description") {
            out.insert("description".into(), description);
        }
        out.extend(extensions(s));
        Some(Value::Object(out))
    }

    fn paths(&mut self, paths: &Value) -> Value {
        let Some(paths) = paths.as_object() else { return paths.clone() };
        let mut out = Map::new();
        for (path, item) in paths {
            let pointer = format!("/paths/{}", token(path));
            let Some(item) = item.as_object() else {
                out.insert(path.clone(), item.clone());
                continue;
            };
            let mut new_item = Map::new();
            // Path-level parameters: bodies and forms go into each operation's request body.
            let mut inherited = Vec::new();
            let mut kept = Vec::new();
            for (i, p) in item.get("parameters").and_then(Value::as_array).into_iter().flatten().enumerate() {
                let param = self.param(p, format!("{pointer}/parameters/{i}"));
                if matches!(param.location(), "body" | "formData") {
                    inherited.push(param);
                } else {
                    kept.push(param);
                }
            }
            if !kept.is_empty() {
                let converted = self.parameter_list(kept, &format!("{pointer}/parameters"));
                new_item.insert("parameters".into(), Value::Array(converted));
            }
            for (key, value) in item {
                if METHODS.contains(&key.as_str()) {
                    let Some(op) = value.as_object() else { continue };
                    let op = self.operation(op, &inherited, &format!("{pointer}/{key}"));
                    new_item.insert(key.clone(), op);
                } else if key != "parameters" {
                    new_item.insert(key.clone(), value.clone());
                }
            }
            out.insert(path.clone(), Value::Object(new_item));
        }
        Value::Object(out)
    }

    /// The parameter at `p` (written at `pointer`), `$ref` followed when it names a body or form.
    fn param(&self, p: &Value, pointer: String) -> Param {
        let reference = p.get("$ref").and_then(Value::as_str);
        let target = reference.and_then(|r| r.strip_prefix("#/parameters/")).and_then(|k| self.parameters.get(&unescape(k)));
        match (reference, target.and_then(Value::as_object)) {
            (Some(_), Some(target)) if matches!(target.get("in").and_then(Value::as_str), Some("body" | "formData")) => {
                // Inlined into the request body; diagnostics point at the `$ref`.
                Param { value: target.clone(), pointer, reference: None }
            }
            (Some(r), Some(target)) => Param { value: target.clone(), pointer, reference: Some(r.to_owned()) },
            (Some(r), None) => Param { value: Map::new(), pointer, reference: Some(r.to_owned()) },
            (None, _) => Param { value: p.as_object().cloned().unwrap_or_default(), pointer, reference: None },
        }
    }

    /// Query, header and path parameters, converted; each records where it came from.
    fn parameter_list(&mut self, params: Vec<Param>, converted: &str) -> Vec<Value> {
        let mut out = Vec::new();
        for (k, p) in params.into_iter().enumerate() {
            let at = format!("{converted}/{k}");
            let value = match &p.reference {
                Some(r) => serde_json::json!({ "$ref": reference(r) }),
                None => self.parameter(&p.value, &p.pointer, &at),
            };
            self.origins.record(at, p.pointer);
            out.push(value);
        }
        out
    }

    /// A query, header or path parameter: its value's keys move under `schema`.
    fn parameter(&mut self, p: &Map<String, Value>, pointer: &str, converted: &str) -> Value {
        let mut out = Map::new();
        let mut schema_keys = Map::new();
        for (key, value) in p {
            if key == "collectionFormat" {
                continue;
            } else if SCHEMA_KEYS.contains(&key.as_str()) {
                schema_keys.insert(key.clone(), value.clone());
            } else {
                out.insert(key.clone(), value.clone());
            }
        }
        if let Some(explode) = self.explode(p, pointer) {
            out.insert("explode".into(), Value::Bool(explode));
        }
        out.insert("schema".into(), value_schema(&schema_keys));
        self.origins.record(format!("{converted}/schema"), pointer.to_owned());
        Value::Object(out)
    }

    /// `explode` for an array parameter's `collectionFormat`.
    fn explode(&mut self, p: &Map<String, Value>, pointer: &str) -> Option<bool> {
        if p.get("type").and_then(Value::as_str) != Some("array") {
            return None;
        }
        match p.get("collectionFormat").and_then(Value::as_str).unwrap_or("csv") {
            "csv" => Some(false),
            "multi" => Some(true),
            other => {
                self.error(
                    &format!("{pointer}/collectionFormat"),
                    format!("`collectionFormat: {other}` is not supported: the client sends arrays comma-separated (`csv`) or repeated (`multi`)"),
                    "use `csv` or `multi` if the server accepts it; otherwise the parameter cannot be sent correctly",
                );
                None
            }
        }
    }

    fn operation(&mut self, op: &Map<String, Value>, inherited: &[Param], pointer: &str) -> Value {
        let consumes = op.get("consumes").map_or_else(|| self.consumes.clone(), |c| strings(Some(c)));
        let produces = op.get("produces").map_or_else(|| self.produces.clone(), |p| strings(Some(p)));
        let mut out = Map::new();
        let mut params: Vec<Param> = Vec::new();
        for (j, p) in op.get("parameters").and_then(Value::as_array).into_iter().flatten().enumerate() {
            params.push(self.param(p, format!("{pointer}/parameters/{j}")));
        }
        // Inherited bodies and form fields, unless the operation declares the same.
        for p in inherited {
            let overridden = params.iter().any(|q| q.location() == p.location() && (p.location() == "body" || q.name() == p.name()));
            if !overridden {
                params.push(Param { value: p.value.clone(), pointer: p.pointer.clone(), reference: None });
            }
        }
        let (bodies, rest): (Vec<Param>, Vec<Param>) = params.into_iter().partition(|p| matches!(p.location(), "body" | "formData"));
        for (key, value) in op {
            match key.as_str() {
                "consumes" | "produces" | "schemes" | "responses" => {}
                "parameters" => {
                    let converted = self.parameter_list(rest.iter().map(Param::cloned).collect(), &format!("{pointer}/parameters"));
                    if !converted.is_empty() {
                        out.insert("parameters".into(), Value::Array(converted));
                    }
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        if let Some(body) = self.request_body(bodies, &consumes, pointer) {
            out.insert("requestBody".into(), body);
        }
        let mut responses = Map::new();
        for (status, r) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
            let at = format!("{pointer}/responses/{}", token(status));
            responses.insert(status.clone(), self.response(r, &produces, &at, &at));
        }
        out.insert("responses".into(), Value::Object(responses));
        Value::Object(out)
    }

    fn request_body(&mut self, bodies: Vec<Param>, consumes: &[String], pointer: &str) -> Option<Value> {
        let converted = format!("{pointer}/requestBody");
        let (body, form): (Vec<Param>, Vec<Param>) = bodies.into_iter().partition(|p| p.location() == "body");
        if let (Some(b), Some(f)) = (body.first(), form.first()) {
            let message = format!("the operation has both a body parameter (`{}`) and form parameters (`{}`)", b.name(), f.name());
            self.error(&b.pointer, message, "Swagger 2.0 allows one or the other; keep the one the server reads");
            return None;
        }
        if let Some(second) = body.get(1) {
            let message = "the operation has more than one body parameter".to_owned();
            self.error(&second.pointer, message, "an operation has at most one `in: body` parameter; remove the others");
            return None;
        }
        let mut out = Map::new();
        if let Some(b) = body.into_iter().next() {
            let schema = b.value.get("schema").map(schema).unwrap_or_else(|| Value::Object(Map::new()));
            let media: Vec<&str> = consumes.iter().map(String::as_str).filter(|m| !is_form(m)).collect();
            let media = if media.is_empty() { vec!["application/json"] } else { media };
            let mut content = Map::new();
            for m in media {
                content.insert(m.to_owned(), serde_json::json!({ "schema": schema }));
                self.origins.record(format!("{converted}/content/{}/schema", token(m)), format!("{}/schema", b.pointer));
            }
            self.origins.record(converted, b.pointer.clone());
            copy(&b.value, &mut out, &["description", "required"]);
            out.insert("content".into(), Value::Object(content));
            out.extend(extensions(&Value::Object(b.value)));
            return Some(Value::Object(out));
        }
        if form.is_empty() {
            return None;
        }
        let multipart = consumes.iter().any(|m| m.starts_with("multipart/form-data"))
            || form.iter().any(|p| p.value.get("type").and_then(Value::as_str) == Some("file"));
        let media = if multipart { "multipart/form-data" } else { "application/x-www-form-urlencoded" };
        let schema_at = format!("{converted}/content/{}/schema", token(media));
        let mut properties = Map::new();
        let mut required = Vec::new();
        for p in &form {
            let keys: Map<String, Value> = p.value.iter().filter(|(k, _)| SCHEMA_KEYS.contains(&k.as_str()) || *k == "description").map(|(k, v)| (k.clone(), v.clone())).collect();
            properties.insert(p.name().to_owned(), value_schema(&keys));
            if p.value.get("required") == Some(&Value::Bool(true)) {
                required.push(Value::String(p.name().to_owned()));
            }
            self.origins.record(format!("{schema_at}/properties/{}", token(p.name())), p.pointer.clone());
        }
        let mut schema = Map::from_iter([("type".to_owned(), Value::from("object")), ("properties".to_owned(), Value::Object(properties))]);
        if !required.is_empty() {
            schema.insert("required".into(), Value::Array(required.clone()));
            out.insert("required".into(), Value::Bool(true));
        }
        if let Some(first) = form.first() {
            self.origins.record(converted, first.pointer.clone());
        }
        out.insert("content".into(), serde_json::json!({ media: { "schema": schema } }));
        Some(Value::Object(out))
    }

    fn response(&mut self, r: &Value, produces: &[String], converted: &str, original: &str) -> Value {
        self.origins.record(converted.to_owned(), original.to_owned());
        let Some(obj) = r.as_object() else { return r.clone() };
        if let Some(target) = obj.get("$ref").and_then(Value::as_str) {
            return serde_json::json!({ "$ref": reference(target) });
        }
        let mut out = Map::new();
        out.insert("description".into(), obj.get("description").cloned().unwrap_or_else(|| "".into()));
        if let Some(headers) = obj.get("headers").and_then(Value::as_object) {
            let headers = headers.iter().map(|(name, h)| {
                let keys: Map<String, Value> = h.as_object().into_iter().flatten().filter(|(k, _)| SCHEMA_KEYS.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
                let mut header = Map::new();
                copy(h.as_object().unwrap_or(&Map::new()), &mut header, &["description"]);
                header.insert("schema".into(), value_schema(&keys));
                (name.clone(), Value::Object(header))
            });
            out.insert("headers".into(), Value::Object(headers.collect()));
        }
        if let Some(s) = obj.get("schema") {
            let examples = obj.get("examples").and_then(Value::as_object);
            let media: Vec<&str> = produces.iter().map(String::as_str).collect();
            let media = if media.is_empty() { vec!["application/json"] } else { media };
            let mut content = Map::new();
            for m in media {
                let mut entry = Map::from_iter([("schema".to_owned(), schema(s))]);
                if let Some(example) = examples.and_then(|e| e.get(m)) {
                    entry.insert("example".into(), example.clone());
                }
                content.insert(m.to_owned(), Value::Object(entry));
                self.origins.record(format!("{converted}/content/{}/schema", token(m)), format!("{original}/schema"));
            }
            out.insert("content".into(), Value::Object(content));
        }
        out.extend(extensions(r));
        Value::Object(out)
    }
}

impl Param {
    fn cloned(&self) -> Param {
        Param { value: self.value.clone(), pointer: self.pointer.clone(), reference: self.reference.clone() }
    }
}

/// A Swagger 2.0 schema as an OpenAPI 3.0 one.
fn schema(s: &Value) -> Value {
    let Some(obj) = s.as_object() else { return s.clone() };
    let mut out = Map::new();
    for (key, value) in obj {
        let converted = match key.as_str() {
            "$ref" => value.as_str().map_or_else(|| value.clone(), |r| Value::String(reference(r))),
            "x-nullable" => {
                out.insert("nullable".into(), value.clone());
                continue;
            }
            "properties" | "patternProperties" | "definitions" => match value.as_object() {
                Some(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), schema(v))).collect()),
                None => value.clone(),
            },
            "items" | "additionalProperties" | "not" => schema(value),
            "allOf" | "anyOf" | "oneOf" => match value.as_array() {
                Some(items) => Value::Array(items.iter().map(schema).collect()),
                None => value.clone(),
            },
            "discriminator" => match value.as_str() {
                Some(property) => serde_json::json!({ "propertyName": property }),
                None => value.clone(),
            },
            "type" if value.as_str() == Some("file") => {
                out.insert("format".into(), "binary".into());
                Value::from("string")
            }
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    // 3.0 ignores a `$ref`'s siblings: keep `nullable` (and the docs) by wrapping the reference.
    if out.contains_key("$ref") && out.contains_key("nullable") {
        let reference = out.shift_remove("$ref").unwrap_or(Value::Null);
        out.insert("allOf".into(), serde_json::json!([{ "$ref": reference }]));
    }
    Value::Object(out)
}

/// The schema of a parameter's, header's or form field's value (its `SCHEMA_KEYS`).
fn value_schema(keys: &Map<String, Value>) -> Value {
    let mut s = keys.clone();
    if let Some(items) = s.get("items").and_then(Value::as_object) {
        let items: Map<String, Value> = items.iter().filter(|(k, _)| SCHEMA_KEYS.contains(&k.as_str()) || *k == "$ref").map(|(k, v)| (k.clone(), v.clone())).collect();
        s.insert("items".into(), value_schema(&items));
    }
    schema(&Value::Object(s))
}

fn reference(r: &str) -> String {
    for (from, to) in [
        ("#/definitions/", "#/components/schemas/"),
        ("#/parameters/", "#/components/parameters/"),
        ("#/responses/", "#/components/responses/"),
    ] {
        if let Some(rest) = r.strip_prefix(from) {
            return format!("{to}{rest}");
        }
    }
    r.to_owned()
}

fn is_form(media: &str) -> bool {
    media.starts_with("multipart/form-data") || media.starts_with("application/x-www-form-urlencoded")
}

fn strs(v: Option<&Value>) -> impl Iterator<Item = &str> {
    v.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    strs(v).map(str::to_owned).collect()
}

fn copy(from: &Map<String, Value>, to: &mut Map<String, Value>, keys: &[&str]) {
    for key in keys {
        if let Some(v) = from.get(*key) {
            to.insert((*key).to_owned(), v.clone());
        }
    }
}

fn extensions(v: &Value) -> Map<String, Value> {
    v.as_object().into_iter().flatten().filter(|(k, _)| k.starts_with("x-")).map(|(k, v)| (k.clone(), v.clone())).collect()
}

fn token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

fn unescape(s: &str) -> String {
    s.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn converted(doc: Value) -> (Value, Origins) {
        let mut doc = doc;
        let (warnings, origins) = convert("t.yaml", &mut doc).unwrap_or_else(|d| panic!("{d}"));
        assert!(warnings.is_empty(), "{warnings}");
        (doc, origins)
    }

    #[test]
    fn servers_definitions_and_refs() {
        let (doc, origins) = converted(json!({
            "swagger": "2.0", "info": {"title": "t", "version": "1"},
            "host": "api.example.com", "basePath": "/v1/", "schemes": ["http", "https"],
            "paths": {},
            "definitions": {"Pet": {"type": "object", "properties": {"owner": {"$ref": "#/definitions/Owner", "x-nullable": true}}}, "Owner": {"type": "file"}}
        }));
        assert_eq!(doc["openapi"], "3.0.3");
        assert_eq!(doc["servers"], json!([{"url": "https://api.example.com/v1"}, {"url": "http://api.example.com/v1"}]));
        assert_eq!(doc["components"]["schemas"]["Pet"]["properties"]["owner"], json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/Owner"}]}));
        assert_eq!(doc["components"]["schemas"]["Owner"], json!({"type": "string", "format": "binary"}));
        assert_eq!(origins.original("/components/schemas/Pet/properties/owner"), "/definitions/Pet/properties/owner");
        assert_eq!(origins.original("/info/title"), "/info/title");
    }

    #[test]
    fn body_form_and_query_parameters() {
        let (doc, origins) = converted(json!({
            "swagger": "2.0", "info": {"title": "t", "version": "1"}, "consumes": ["application/json"],
            "paths": {"/p/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true, "type": "string"}],
                "post": {"parameters": [
                    {"name": "tags", "in": "query", "type": "array", "items": {"type": "string"}},
                    {"name": "body", "in": "body", "required": true, "schema": {"$ref": "#/definitions/Pet"}}
                ], "responses": {"200": {"description": "ok", "schema": {"type": "string"}}}},
                "put": {"consumes": ["multipart/form-data"], "parameters": [
                    {"name": "file", "in": "formData", "type": "file", "required": true},
                    {"name": "note", "in": "formData", "type": "string"}
                ], "responses": {"204": {"description": "done"}}}
            }}
        }));
        let post = &doc["paths"]["/p/{id}"]["post"];
        assert_eq!(post["parameters"], json!([{"name": "tags", "in": "query", "explode": false, "schema": {"type": "array", "items": {"type": "string"}}}]));
        assert_eq!(post["requestBody"], json!({"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}));
        assert_eq!(post["responses"]["200"]["content"], json!({"application/json": {"schema": {"type": "string"}}}));
        let put = &doc["paths"]["/p/{id}"]["put"];
        assert_eq!(
            put["requestBody"]["content"]["multipart/form-data"]["schema"],
            json!({"type": "object", "properties": {"file": {"type": "string", "format": "binary"}, "note": {"type": "string"}}, "required": ["file"]})
        );
        assert_eq!(origins.original("/paths/~1p~1{id}/post/requestBody/content/application~1json/schema"), "/paths/~1p~1{id}/post/parameters/1/schema");
        assert_eq!(origins.original("/paths/~1p~1{id}/post/responses/200/content/application~1json/schema/type"), "/paths/~1p~1{id}/post/responses/200/schema/type");
        assert_eq!(origins.original("/paths/~1p~1{id}/put/requestBody/content/multipart~1form-data/schema/properties/note"), "/paths/~1p~1{id}/put/parameters/1");
    }

    #[test]
    fn unsupported_collection_formats_are_refused_where_written() {
        let mut doc = json!({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {"/p": {"get": {
            "parameters": [{"name": "a", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "pipes"}],
            "responses": {"200": {"description": "ok"}}}}}});
        let err = convert("t.yaml", &mut doc).unwrap_err();
        assert_eq!(err.0[0].pointer, "/paths/~1p/get/parameters/0/collectionFormat");
    }
}
