//! Valid JSON values for an OpenAPI 3.0 schema, with what a server may add
//! tomorrow injected: keys no schema names, enum values no enum lists, `oneOf`
//! variants no member describes, and `null` where the schema allows it.
//!
//! The generated decoders promise that every such value decodes (open enums,
//! catch-all variants, unknown keys ignored) and re-encodes to an equal value;
//! the decoder targets check that promise on what this module makes.

use serde_json::{Map, Value};

use crate::values;

/// An OpenAPI document, to resolve `$ref`s in.
pub struct Spec {
    pub doc: Value,
}

/// What to inject, each with a probability out of 100.
#[derive(Debug, Clone, Copy)]
pub struct Injection {
    pub extra_keys: u8,
    pub unknown_enum: u8,
    pub unknown_variant: u8,
    pub nulls: u8,
}

impl Injection {
    pub const NONE: Self = Self { extra_keys: 0, unknown_enum: 0, unknown_variant: 0, nulls: 0 };
    pub fn random(rng: &mut fastrand::Rng) -> Self {
        let mut p = || if rng.bool() { 0 } else { rng.u8(5..60) };
        Self { extra_keys: p(), unknown_enum: p(), unknown_variant: p(), nulls: p() }
    }
}

const MAX_DEPTH: usize = 12;

impl Spec {
    pub fn new(doc: Value) -> Self {
        Self { doc }
    }

    /// Follows `$ref`s (local JSON pointers) to the schema itself.
    pub fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        for _ in 0..32 {
            match schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
                Some(pointer) => match self.doc.pointer(pointer) {
                    Some(target) => schema = target,
                    None => return schema,
                },
                None => return schema,
            }
        }
        schema
    }

    /// Every property name a schema (and its `allOf`s) declares.
    fn property_names(&self, schema: &Value, out: &mut Vec<String>, depth: usize) {
        let schema = self.resolve(schema);
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            out.extend(props.keys().cloned());
        }
        if depth < 8 {
            for key in ["allOf", "oneOf", "anyOf"] {
                for member in schema.get(key).and_then(Value::as_array).into_iter().flatten() {
                    self.property_names(member, out, depth + 1);
                }
            }
        }
    }

    /// A key that no schema here names (nor any member of it).
    fn unknown_key(&self, rng: &mut fastrand::Rng, schema: &Value) -> String {
        let mut taken = Vec::new();
        self.property_names(schema, &mut taken, 0);
        loop {
            let key = match rng.u8(0..3) {
                0 => values::hostile_string(rng),
                _ => format!("fuzz_{}", values::name(rng)),
            };
            if !taken.contains(&key) {
                return key;
            }
        }
    }

    fn nullable(schema: &Value) -> bool {
        schema.get("nullable").and_then(Value::as_bool) == Some(true)
            || schema.get("type").and_then(Value::as_array).is_some_and(|t| t.iter().any(|t| t == "null"))
    }

    fn type_of(schema: &Value) -> Option<&str> {
        match schema.get("type") {
            Some(Value::String(t)) => Some(t),
            Some(Value::Array(types)) => types.iter().filter_map(Value::as_str).find(|t| *t != "null"),
            _ if schema.get("properties").is_some() => Some("object"),
            _ => None,
        }
    }

    /// A value the schema describes, with `inject`'s additions.
    pub fn instance(&self, rng: &mut fastrand::Rng, schema: &Value, inject: Injection, depth: usize) -> Value {
        let schema = self.resolve(schema);
        let roll = |rng: &mut fastrand::Rng, p: u8| p > 0 && rng.u8(0..100) < p;
        if Self::nullable(schema) && roll(rng, inject.nulls) {
            return Value::Null;
        }
        if let Some(choices) = schema.get("enum").and_then(Value::as_array) {
            if roll(rng, inject.unknown_enum) || choices.is_empty() {
                return unknown_enum_value(rng, schema, choices);
            }
            return choices[rng.usize(0..choices.len())].clone();
        }
        if let Some(constant) = schema.get("const") {
            return constant.clone();
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(members) = schema.get(key).and_then(Value::as_array).filter(|m| !m.is_empty()) {
                let discriminator = schema.pointer("/discriminator/propertyName").and_then(Value::as_str);
                if roll(rng, inject.unknown_variant) {
                    let mut object = Map::new();
                    for _ in 0..rng.usize(1..4) {
                        object.insert(self.unknown_key(rng, schema), values::any_value(rng, 2));
                    }
                    if let Some(property) = discriminator {
                        object.insert(property.to_owned(), Value::String(format!("fuzz_{}", values::name(rng))));
                    }
                    return Value::Object(object);
                }
                let member = &members[rng.usize(0..members.len())];
                let mut value = self.instance(rng, member, inject, depth + 1);
                if let (Some(property), Some(object)) = (discriminator, value.as_object_mut()) {
                    object.insert(property.to_owned(), Value::String(self.discriminator_value(schema, member)));
                }
                if roll(rng, inject.extra_keys) {
                    if let Some(object) = value.as_object_mut() {
                        object.insert(self.unknown_key(rng, schema), values::any_value(rng, 2));
                    }
                }
                return value;
            }
        }
        if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            let mut other = None;
            for member in members {
                match self.instance(rng, member, inject, depth + 1) {
                    Value::Object(part) => merged.extend(part),
                    v => other = Some(v),
                }
            }
            return match other {
                Some(v) if merged.is_empty() => v,
                _ => Value::Object(merged),
            };
        }
        match Self::type_of(schema) {
            Some("object") => {
                let mut object = Map::new();
                let required: Vec<&str> = schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
                if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                    for (name, sub) in props {
                        let read_only_or_optional = !required.contains(&name.as_str());
                        if read_only_or_optional && (depth >= MAX_DEPTH || rng.u8(0..10) < 4) {
                            continue;
                        }
                        object.insert(name.clone(), self.instance(rng, sub, inject, depth + 1));
                    }
                }
                match schema.get("additionalProperties") {
                    Some(sub @ Value::Object(_)) if depth < MAX_DEPTH => {
                        for _ in 0..rng.usize(0..4) {
                            object.insert(self.unknown_key(rng, schema), self.instance(rng, sub, inject, depth + 1));
                        }
                    }
                    Some(Value::Object(_)) => {}
                    _ => {
                        if roll(rng, inject.extra_keys) {
                            for _ in 0..rng.usize(1..4) {
                                object.insert(self.unknown_key(rng, schema), values::any_value(rng, 3));
                            }
                        }
                    }
                }
                Value::Object(object)
            }
            Some("array") => {
                let n = if depth >= MAX_DEPTH { 0 } else { rng.usize(0..4) };
                let items = schema.get("items").cloned().unwrap_or(Value::Object(Map::new()));
                Value::Array((0..n).map(|_| self.instance(rng, &items, inject, depth + 1)).collect())
            }
            Some("string") => Value::String(string_of_format(rng, schema.get("format").and_then(Value::as_str))),
            Some("integer") => {
                let min = schema.get("minimum").and_then(Value::as_i64).unwrap_or(if schema.get("format").and_then(Value::as_str) == Some("int32") { i64::from(i32::MIN) } else { i64::MIN });
                let max = schema.get("maximum").and_then(Value::as_i64).unwrap_or(if schema.get("format").and_then(Value::as_str) == Some("int32") { i64::from(i32::MAX) } else { i64::MAX });
                let (min, max) = (min.min(max), max.max(min));
                Value::from(match rng.u8(0..4) {
                    0 => min,
                    1 => max,
                    _ => rng.i64(min..=max),
                })
            }
            Some("number") => match rng.u8(0..3) {
                0 => Value::from(rng.i64(-1000..1000)),
                _ => serde_json::Number::from_f64((rng.f64() - 0.5) * 10f64.powi(rng.i32(-5..30))).map_or(Value::from(0), Value::Number),
            },
            Some("boolean") => Value::Bool(rng.bool()),
            _ => values::any_value(rng, 2),
        }
    }

    /// The discriminator value that selects `member` (its `mapping` key, else its component name).
    fn discriminator_value(&self, schema: &Value, member: &Value) -> String {
        let reference = member.get("$ref").and_then(Value::as_str).unwrap_or("");
        if let Some(mapping) = schema.pointer("/discriminator/mapping").and_then(Value::as_object) {
            if let Some((value, _)) = mapping.iter().find(|(_, target)| target.as_str() == Some(reference)) {
                return value.clone();
            }
        }
        reference.rsplit('/').next().unwrap_or("").to_owned()
    }

    /// Walks `value` along `schema`, injecting as [`Self::instance`] does
    /// (into a given example rather than a made-up one).
    pub fn inject(&self, rng: &mut fastrand::Rng, schema: &Value, value: &mut Value, inject: Injection, depth: usize) {
        let schema = self.resolve(schema);
        let roll = |rng: &mut fastrand::Rng, p: u8| p > 0 && rng.u8(0..100) < p;
        if depth > 32 {
            return;
        }
        if Self::nullable(schema) && roll(rng, inject.nulls) {
            *value = Value::Null;
            return;
        }
        if let Some(choices) = schema.get("enum").and_then(Value::as_array) {
            if roll(rng, inject.unknown_enum) {
                *value = unknown_enum_value(rng, schema, choices);
            }
            return;
        }
        if schema.get("oneOf").or_else(|| schema.get("anyOf")).is_some() {
            // Which member the example is is the decoder's business: replace it, or keep it.
            if roll(rng, inject.unknown_variant) {
                *value = self.instance(rng, schema, Injection { unknown_variant: 100, ..inject }, depth);
            }
            return;
        }
        if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
            for member in members {
                self.inject(rng, member, value, Injection { extra_keys: 0, ..inject }, depth + 1);
            }
            if roll(rng, inject.extra_keys) {
                if let Value::Object(object) = value {
                    object.insert(self.unknown_key(rng, schema), values::any_value(rng, 3));
                }
            }
            return;
        }
        match (Self::type_of(schema), value) {
            (Some("object"), Value::Object(object)) => {
                if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                    for (name, sub) in props {
                        if let Some(field) = object.get_mut(name) {
                            self.inject(rng, sub, field, inject, depth + 1);
                        }
                    }
                }
                match schema.get("additionalProperties") {
                    Some(sub @ Value::Object(_)) => {
                        let declared: Vec<String> = schema.get("properties").and_then(Value::as_object).map(|p| p.keys().cloned().collect()).unwrap_or_default();
                        for (key, field) in object.iter_mut() {
                            if !declared.contains(key) {
                                self.inject(rng, sub, field, inject, depth + 1);
                            }
                        }
                    }
                    _ => {
                        if roll(rng, inject.extra_keys) {
                            object.insert(self.unknown_key(rng, schema), values::any_value(rng, 3));
                        }
                    }
                }
            }
            (Some("array"), Value::Array(items)) => {
                let item_schema = schema.get("items").cloned().unwrap_or(Value::Object(Map::new()));
                for item in items.iter_mut() {
                    self.inject(rng, &item_schema, item, inject, depth + 1);
                }
                // A fresh item beside the documented ones, now and then.
                if rng.u8(0..4) == 0 {
                    let at = rng.usize(0..=items.len());
                    items.insert(at, self.instance(rng, &item_schema, inject, depth + 1));
                }
            }
            _ => {}
        }
    }
}

/// An enum value the enum does not list, of the kind its values are.
fn unknown_enum_value(rng: &mut fastrand::Rng, schema: &Value, choices: &[Value]) -> Value {
    let integer = Spec::type_of(schema) == Some("integer") || choices.first().is_some_and(Value::is_i64);
    loop {
        let candidate = if integer {
            Value::from(match rng.u8(0..3) {
                0 => rng.i64(..),
                _ => rng.i64(-100..100),
            })
        } else {
            Value::String(match rng.u8(0..4) {
                0 => values::hostile_string(rng),
                1 => choices.first().and_then(Value::as_str).map_or_else(|| "x".to_owned(), |s| s.to_uppercase()),
                _ => format!("fuzz_{}", values::name(rng)),
            })
        };
        if !choices.contains(&candidate) {
            return candidate;
        }
    }
}

/// A string in `format` (a valid timestamp for `date-time`, a date for `date`).
pub fn string_of_format(rng: &mut fastrand::Rng, format: Option<&str>) -> String {
    match format {
        Some("date-time") => {
            let (y, mo, d, h, mi, s) = (rng.u32(1..=9000), rng.u32(1..=12), rng.u32(1..=28), rng.u32(0..24), rng.u32(0..60), rng.u32(0..60));
            let fraction = match rng.u8(0..3) {
                0 => String::new(),
                1 => format!(".{:03}", rng.u32(0..1000)),
                _ => format!(".{:09}", rng.u32(0..1_000_000_000)),
            };
            let zone = match rng.u8(0..4) {
                0 => "Z".to_owned(),
                1 => "+00:00".to_owned(),
                2 => format!("+{:02}:{:02}", rng.u32(0..14), rng.u32(0..60)),
                _ => format!("-{:02}:30", rng.u32(0..12)),
            };
            format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{fraction}{zone}")
        }
        Some("date") => format!("{:04}-{:02}-{:02}", rng.u32(1..=9999), rng.u32(1..=12), rng.u32(1..=28)),
        _ => match rng.u8(0..3) {
            0 => values::hostile_string(rng),
            _ => values::name(rng),
        },
    }
}
