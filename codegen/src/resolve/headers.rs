//! Hoisting the headers every operation requires into client configuration.

use super::*;

impl<'a> Resolver<'a> {
    /// Headers every operation requires become client configuration.
    pub(super) fn hoist_client_headers(&mut self, operations: &mut [(Operation, Option<serde_json::Value>)]) -> Vec<ClientHeader> {
        let Some((first, _)) = operations.first() else { return Vec::new() };
        let candidates: Vec<Param> = first
            .params
            .iter()
            .filter(|p| p.location == ParamLocation::Header && p.required)
            .cloned()
            .collect();
        let mut names = UniqueNames::with_reserved(&["token", "base_url"]);
        let mut hoisted = Vec::new();
        for candidate in candidates {
            let everywhere = operations.iter().all(|(op, _)| {
                op.params.iter().any(|p| p.location == ParamLocation::Header && p.required && p.wire.eq_ignore_ascii_case(&candidate.wire))
            });
            if !everywhere {
                continue;
            }
            for (op, _) in operations.iter_mut() {
                op.params.retain(|p| !(p.location == ParamLocation::Header && p.wire.eq_ignore_ascii_case(&candidate.wire)));
            }
            hoisted.push(ClientHeader { ident: names.claim(candidate.ident.trim_start_matches("r#").to_owned()), wire: candidate.wire, doc: candidate.doc });
        }
        // Removing parameters shifted the indices path parts refer to.
        for (op, _) in operations.iter_mut() {
            reindex_path_parts(op);
        }
        hoisted
    }
}

/// After parameters were removed, points path parts at the right ones again.
pub(super) fn reindex_path_parts(op: &mut Operation) {
    let mut parts = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        if open > 0 {
            parts.push(PathPart::Literal(rest[..open].to_owned()));
        }
        let name = &rest[open + 1..close];
        if let Some(i) = op.params.iter().position(|p| p.location == ParamLocation::Path && p.wire == name) {
            parts.push(PathPart::Param(i));
        }
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest.to_owned()));
    }
    op.path_parts = parts;
}
