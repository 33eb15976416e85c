//! Operations: parameters, bounds, path templates, request bodies, success and error responses.

use super::*;

impl<'a> Resolver<'a> {
    /// The operations, with the names the crate root has handed out so far.
    pub(super) fn operations(&mut self, auth_header: Option<&str>) -> (Vec<(Operation, Option<serde_json::Value>)>, UniqueNames) {
        let mut root_names = UniqueNames::with_reserved(ROOT_RESERVED);
        let mut method_names = UniqueNames::with_reserved(CLIENT_RESERVED);
        // Types are claimed first, so an operation's types never take a schema's name.
        let mut out = Vec::new();
        for (path, item) in self.spec.paths.iter() {
            let pointer = format!("/paths/{}", token(path));
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    self.error(&pointer, "a path item `$ref` is not supported", "write the path item inline");
                    continue;
                }
            };
            for (method, op) in item.iter() {
                let pointer = format!("{pointer}/{method}");
                let ident = method_names.claim(field_name(&op.operation_id.clone().unwrap_or_else(|| format!("{method} {path}"))));
                let base = type_name(ident.trim_start_matches("r#"));
                let builder = root_names.claim(format!("{base}Request"));
                let op = self.operation(OperationCtx { path, method, item, op, ident, base, builder, pointer: &pointer }, auth_header);
                out.push(op);
            }
        }
        (out, root_names)
    }

    pub(super) fn operation(&mut self, ctx: OperationCtx<'_, 'a>, auth_header: Option<&str>) -> (Operation, Option<serde_json::Value>) {
        let OperationCtx { path, method, item, op, ident, base, builder, pointer } = ctx;
        let method = match method {
            "get" => Method::Get,
            "put" => Method::Put,
            "post" => Method::Post,
            "delete" => Method::Delete,
            "options" => Method::Options,
            "head" => Method::Head,
            "patch" => Method::Patch,
            _ => Method::Trace,
        };

        // Operation parameters override path-item ones of the same name and place.
        let mut params: Vec<(&'a Parameter, String)> = Vec::new();
        let sources = item.parameters.iter().map(|p| (p, "parameters")).chain(op.parameters.iter().map(|p| (p, "op")));
        for (i, (param, _)) in sources.enumerate() {
            let p_pointer = format!("{pointer}/parameters/{i}");
            let Some(param) = self.parameter(param, &p_pointer) else { continue };
            let data = param.parameter_data_ref();
            params.retain(|(q, _)| !(q.parameter_data_ref().name == data.name && std::mem::discriminant(*q) == std::mem::discriminant(param)));
            params.push((param, p_pointer));
        }

        let mut names = UniqueNames::with_reserved(BUILDER_RESERVED);
        let mut model_params = Vec::new();
        for (param, p_pointer) in params {
            let data = param.parameter_data_ref();
            let location = match param {
                Parameter::Path { .. } => ParamLocation::Path,
                Parameter::Query { .. } => ParamLocation::Query,
                Parameter::Header { .. } => {
                    if !is_header_name(&data.name) {
                        self.error(
                            &p_pointer,
                            format!("`{}` is not a valid HTTP header name", data.name),
                            "a header name is letters, digits and `!#$%&'*+-.^_`|~`, without spaces or quotes",
                        );
                        continue;
                    }
                    let lower = data.name.to_ascii_lowercase();
                    if Some(lower.as_str()) == auth_header || matches!(lower.as_str(), "content-type" | "accept" | "content-length") {
                        continue;
                    }
                    ParamLocation::Header
                }
                Parameter::Cookie { .. } => ParamLocation::Cookie,
            };
            let (ty, minimum, maximum, default) = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let ty = self.ty(schema, &format!("{base}{}", type_name(&data.name)), &format!("{p_pointer}/schema"));
                    let (min, max, default) = self.bounds(schema, &ty);
                    (ty, min, max, default)
                }
                ParameterSchemaOrContent::Content(_) => (Ty::String, None, None, None),
            };
            let explode = data.explode.unwrap_or(true);
            model_params.push(Param {
                ident: names.claim(field_name(&data.name)),
                wire: data.name.clone(),
                location,
                ty,
                required: data.required || location == ParamLocation::Path,
                doc: data.description.clone(),
                minimum,
                maximum,
                default,
                explode,
            });
        }

        let mut body_encoding = None;
        if let Some((param, encoding)) = self.request_body(op, &base, pointer, &mut names) {
            model_params.push(param);
            body_encoding = Some(encoding);
        }
        let path_parts = self.path_parts(path, &mut model_params, &mut names, pointer);
        let success = self.success(op, &base, pointer);
        let errors = self.errors(op, &base, pointer);
        // Named once all operations are known: operations with the same errors share an enum.
        let error_enum = None;
        let doc = join_doc(&[op.summary.as_deref(), op.description.as_deref()]);
        let operation = Operation {
            operation_id: op.operation_id.clone().unwrap_or_else(|| format!("{} {path}", method.as_str())),
            ident,
            builder,
            error_enum,
            method,
            path: path.to_owned(),
            path_parts,
            doc,
            params: model_params,
            body_encoding,
            success,
            errors,
            pagination: None,
        };
        (operation, op.extensions.get("x-pagination").cloned())
    }

    /// The request body as a parameter: JSON (typed) first, then a form, then bytes.
    pub(super) fn request_body(
        &mut self,
        op: &'a openapiv3::Operation,
        base: &str,
        pointer: &str,
        names: &mut UniqueNames,
    ) -> Option<(Param, BodyEncoding)> {
        let b_pointer = format!("{pointer}/requestBody");
        let body = match op.request_body.as_ref()? {
            ReferenceOr::Item(b) => b,
            ReferenceOr::Reference { reference } => {
                let found = reference
                    .strip_prefix("#/components/requestBodies/")
                    .and_then(|key| self.components()?.request_bodies.get(&unescape(key)))
                    .and_then(|b| b.as_item());
                match found {
                    Some(b) => b,
                    None if !reference.starts_with('#') => {
                        self.external_ref(reference, &b_pointer);
                        return None;
                    }
                    None => {
                        self.error(&b_pointer, format!("`$ref: {reference}` points to no request body"), "point it at an entry of `components/requestBodies`");
                        return None;
                    }
                }
            }
        };
        let essence = |m: &str| m.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        let pick = |want: &dyn Fn(&str) -> bool| body.content.iter().find(|(m, _)| want(&essence(m)));
        let (media_type, media, mut encoding) = if let Some((m, media)) = pick(&|e| e == "application/json" || e.ends_with("+json")) {
            (m, media, BodyEncoding::Json)
        } else if let Some((m, media)) = pick(&|e| e == "application/x-www-form-urlencoded") {
            (m, media, BodyEncoding::Form)
        } else if let Some((m, media)) = pick(&|e| e == "multipart/form-data") {
            (m, media, BodyEncoding::Multipart { file_types: Vec::new() })
        } else {
            let (m, media) = body.content.first()?;
            (m, media, BodyEncoding::Bytes(essence(m)))
        };
        let ty = match (&encoding, &media.schema) {
            (BodyEncoding::Bytes(_), _) => Ty::Bytes,
            (_, Some(schema)) => self.ty(schema, &format!("{base}Body"), &format!("{b_pointer}/content/{}/schema", token(media_type))),
            (_, None) => Ty::Json,
        };
        if let (BodyEncoding::Multipart { file_types }, Some(schema)) = (&mut encoding, &media.schema) {
            *file_types = self.file_parts(&ty, schema, media);
        }
        let param = Param {
            ident: names.claim("body".into()),
            wire: "body".into(),
            location: ParamLocation::Body,
            ty,
            required: body.required,
            doc: body.description.clone().or_else(|| Some(format!("The request body (`{media_type}`)."))),
            minimum: None,
            maximum: None,
            default: None,
            explode: true,
        };
        Some((param, encoding))
    }

    pub(super) fn parameter(&mut self, param: &'a ReferenceOr<Parameter>, pointer: &str) -> Option<&'a Parameter> {
        match param {
            ReferenceOr::Item(p) => Some(p),
            ReferenceOr::Reference { reference } => {
                let found = reference
                    .strip_prefix("#/components/parameters/")
                    .and_then(|key| self.components()?.parameters.get(&unescape(key)))
                    .and_then(|p| p.as_item());
                if found.is_none() && !reference.starts_with('#') {
                    self.external_ref(reference, pointer);
                } else if found.is_none() {
                    self.error(pointer, format!("`$ref: {reference}` points to no parameter"), "point it at an entry of `components/parameters`");
                }
                found
            }
        }
    }

    /// A parameter's bounds, as its Rust type `ty` can check them: integer
    /// bounds become inclusive, and bounds the type cannot break are dropped.
    pub(super) fn bounds(&self, schema: &'a ReferenceOr<Schema>, ty: &Ty) -> (Option<Limit>, Option<Limit>, Option<String>) {
        let Some(s) = self.deref(schema) else { return (None, None, None) };
        let default = s.schema_data.default.as_ref().map(|d| d.to_string());
        let (min, max, exclusive_min, exclusive_max) = match &s.schema_kind {
            SchemaKind::Type(Type::Integer(i)) => {
                (i.minimum.map(|m| m as f64), i.maximum.map(|m| m as f64), i.exclusive_minimum, i.exclusive_maximum)
            }
            SchemaKind::Type(Type::Number(n)) => (n.minimum, n.maximum, n.exclusive_minimum, n.exclusive_maximum),
            SchemaKind::Any(a) => {
                (a.minimum, a.maximum, a.exclusive_minimum.unwrap_or(false), a.exclusive_maximum.unwrap_or(false))
            }
            _ => return (None, None, default),
        };
        let limit = |bound: Option<f64>, exclusive: bool, is_min: bool| -> Option<Limit> {
            let v = bound.filter(|v| v.is_finite())?;
            let (lo, hi) = match ty {
                Ty::I32 => (i32::MIN as f64, i32::MAX as f64),
                Ty::I64 => (i64::MIN as f64, i64::MAX as f64),
                Ty::F32 => (f32::MIN as f64, f32::MAX as f64),
                Ty::F64 => (f64::MIN, f64::MAX),
                _ => return None,
            };
            match ty {
                Ty::I32 | Ty::I64 => {
                    // An exclusive integer bound is the next integer, inclusive.
                    let v = match (exclusive, is_min) {
                        (false, true) => v.ceil(),
                        (false, false) => v.floor(),
                        (true, true) => v.floor() + 1.0,
                        (true, false) => v.ceil() - 1.0,
                    };
                    let vacuous = if is_min { v <= lo } else { v >= hi };
                    let impossible = if is_min { v > hi } else { v < lo };
                    (!vacuous && !impossible).then_some(Limit { value: Bound::Int(v as i64), exclusive: false })
                }
                _ => (v >= lo && v <= hi).then_some(Limit { value: Bound::Float(v), exclusive }),
            }
        };
        (limit(min, exclusive_min, true), limit(max, exclusive_max, false), default)
    }

    /// The path template's parts. A `{name}` the operation does not declare is
    /// taken as a required string path parameter, with a warning.
    pub(super) fn path_parts(&mut self, path: &str, params: &mut Vec<Param>, names: &mut UniqueNames, pointer: &str) -> Vec<PathPart> {
        let mut parts = Vec::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
            if open > 0 {
                parts.push(PathPart::Literal(rest[..open].to_owned()));
            }
            let name = &rest[open + 1..close];
            match params.iter().position(|p| p.location == ParamLocation::Path && p.wire == name) {
                Some(i) => parts.push(PathPart::Param(i)),
                None if name.is_empty() => self.error(
                    pointer,
                    "the path has an empty template `{}`",
                    "name the parameter between the braces, or remove them",
                ),
                None => {
                    self.warning(
                        pointer,
                        format!("the path has `{{{name}}}` but the operation declares no path parameter `{name}`; it is taken as a required string path parameter"),
                        "add it to `parameters` with `in: path`, `required: true` and its schema",
                    );
                    // Before the body, which stays the last parameter.
                    let at = params.iter().position(|p| p.location == ParamLocation::Body).unwrap_or(params.len());
                    params.insert(at, Param {
                        ident: names.claim(field_name(name)),
                        wire: name.to_owned(),
                        location: ParamLocation::Path,
                        ty: Ty::String,
                        required: true,
                        doc: None,
                        minimum: None,
                        maximum: None,
                        default: None,
                        explode: true,
                    });
                    // Parts already pointing past `at` move with the parameters.
                    for part in &mut parts {
                        if let PathPart::Param(i) = part {
                            if *i >= at {
                                *i += 1;
                            }
                        }
                    }
                    parts.push(PathPart::Param(at));
                }
            }
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_owned()));
        }
        parts
    }

    pub(super) fn response(&mut self, response: &'a ReferenceOr<Response>, pointer: &str) -> Option<&'a Response> {
        match response {
            ReferenceOr::Item(r) => Some(r),
            ReferenceOr::Reference { reference } => {
                let found = reference
                    .strip_prefix("#/components/responses/")
                    .and_then(|key| self.components()?.responses.get(&unescape(key)))
                    .and_then(|r| r.as_item());
                if found.is_none() && !reference.starts_with('#') {
                    self.external_ref(reference, pointer);
                } else if found.is_none() {
                    self.error(pointer, format!("`$ref: {reference}` points to no response"), "point it at an entry of `components/responses`");
                }
                found
            }
        }
    }

    /// The type of a response's JSON schema, `ctx` naming it when inline; a
    /// response shared through `components/responses` gets one type, named
    /// after the component, not one per operation that refers to it.
    pub(super) fn response_body_ty(&mut self, response: &ReferenceOr<Response>, schema: &ReferenceOr<Schema>, media_type: &str, ctx: &str, pointer: &str) -> Ty {
        let (ReferenceOr::Reference { reference }, ReferenceOr::Item(_)) = (response, schema) else {
            return self.ty(schema, ctx, pointer);
        };
        let Some(key) = reference.strip_prefix("#/components/responses/") else { return self.ty(schema, ctx, pointer) };
        if let Some(ty) = self.response_bodies.get(reference) {
            return ty.clone();
        }
        let key = unescape(key);
        let name = type_name(&key);
        let ctx = if name.ends_with("Response") || name.ends_with("Body") { name } else { format!("{name}Body") };
        let pointer = format!("/components/responses/{}/content/{}/schema", token(&key), token(media_type));
        let ty = self.ty(schema, &ctx, &pointer);
        self.response_bodies.insert(reference.clone(), ty.clone());
        ty
    }

    pub(super) fn success(&mut self, op: &'a openapiv3::Operation, base: &str, pointer: &str) -> Success {
        let found = op.responses.responses.iter().find(|(status, _)| match status {
            StatusCode::Code(c) => (200..300).contains(c),
            StatusCode::Range(r) => *r == 2,
        });
        let Some((status, response_ref)) = found else { return Success::Bytes };
        let r_pointer = format!("{pointer}/responses/{status}");
        let Some(response) = self.response(response_ref, &r_pointer) else { return Success::Bytes };
        match json_media(response) {
            Some((media_type, media)) => match &media.schema {
                Some(schema) => {
                    let s_pointer = format!("{r_pointer}/content/{}/schema", token(media_type));
                    Success::Json(self.response_body_ty(response_ref, schema, media_type, &format!("{base}Response"), &s_pointer))
                }
                None => Success::Json(Ty::Json),
            },
            None if response.content.is_empty() => Success::Empty,
            None => Success::Bytes,
        }
    }

    pub(super) fn errors(&mut self, op: &'a openapiv3::Operation, base: &str, pointer: &str) -> Vec<ErrorResponse> {
        let mut names = UniqueNames::new();
        let mut errors = Vec::new();
        let statuses = op
            .responses
            .responses
            .iter()
            .filter_map(|(status, r)| match status {
                StatusCode::Code(c) if !(200..300).contains(c) => Some((StatusMatch::Code(*c), r)),
                StatusCode::Range(n) if *n != 2 => Some((StatusMatch::Range(*n), r)),
                _ => None,
            })
            .chain(op.responses.default.iter().map(|r| (StatusMatch::Default, r)));
        for (status, response_ref) in statuses {
            let key = match status {
                StatusMatch::Code(c) => c.to_string(),
                StatusMatch::Range(n) => format!("{n}XX"),
                StatusMatch::Default => "default".into(),
            };
            let r_pointer = format!("{pointer}/responses/{key}");
            let Some(response) = self.response(response_ref, &r_pointer) else { continue };
            let Some((media_type, media)) = json_media(response) else { continue };
            let variant = names.claim(status_variant(status));
            let ty = match &media.schema {
                Some(schema) => {
                    let s_pointer = format!("{r_pointer}/content/{}/schema", token(media_type));
                    self.response_body_ty(response_ref, schema, media_type, &format!("{base}{variant}Body"), &s_pointer)
                }
                None => Ty::Json,
            };
            errors.push(ErrorResponse { status, variant, ty, boxed: false, doc: Some(response.description.clone()).filter(|d| !d.is_empty()) });
        }
        // Exact codes first, then ranges, then the default, as a `match` needs.
        errors.sort_by_key(|e| e.status);
        errors
    }

}

pub(super) struct OperationCtx<'o, 'a> {
    path: &'a str,
    method: &'o str,
    item: &'a PathItem,
    op: &'a openapiv3::Operation,
    ident: String,
    base: String,
    builder: String,
    pointer: &'o str,
}

/// Whether `name` is an RFC 9110 token, as a header name must be.
pub(super) fn is_header_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The JSON media type of a response (`application/json`, `*+json`), if any.
pub(super) fn json_media(response: &Response) -> Option<(&String, &MediaType)> {
    response.content.iter().find(|(media_type, _)| {
        let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        essence == "application/json" || essence.ends_with("+json")
    })
}

pub(super) fn status_variant(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => match code {
            400 => "BadRequest".into(),
            401 => "Unauthorized".into(),
            402 => "PaymentRequired".into(),
            403 => "Forbidden".into(),
            404 => "NotFound".into(),
            405 => "MethodNotAllowed".into(),
            406 => "NotAcceptable".into(),
            408 => "RequestTimeout".into(),
            409 => "Conflict".into(),
            410 => "Gone".into(),
            412 => "PreconditionFailed".into(),
            413 => "PayloadTooLarge".into(),
            415 => "UnsupportedMediaType".into(),
            422 => "UnprocessableEntity".into(),
            429 => "TooManyRequests".into(),
            500 => "InternalServerError".into(),
            501 => "NotImplemented".into(),
            502 => "BadGateway".into(),
            503 => "ServiceUnavailable".into(),
            504 => "GatewayTimeout".into(),
            other => format!("Status{other}"),
        },
        StatusMatch::Range(n) => format!("Status{n}xx"),
        StatusMatch::Default => "Default".into(),
    }
}
