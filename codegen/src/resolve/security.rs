//! Security schemes to the client's authentication.

use super::*;

impl<'a> Resolver<'a> {
    /// The client's authentication, and the header it occupies (so that a
    /// parameter declaring the same header is not asked for again).
    pub(super) fn auth(&mut self) -> (Auth, Option<String>) {
        let Some(components) = self.components() else { return (Auth::None, None) };
        let used: Vec<&String> = self
            .spec
            .security
            .iter()
            .flatten()
            .chain(self.spec.paths.iter().flat_map(|(_, p)| p.as_item()).flat_map(|p| p.iter()).flat_map(|(_, op)| op.security.iter().flatten()))
            .flat_map(|req| req.keys())
            .collect();
        for (name, scheme) in &components.security_schemes {
            let ReferenceOr::Item(scheme) = scheme else { continue };
            if !used.is_empty() && !used.contains(&name) {
                continue;
            }
            match scheme {
                SecurityScheme::HTTP { scheme, description, .. } if scheme.eq_ignore_ascii_case("bearer") => {
                    return (Auth::Bearer { description: description.clone() }, Some("authorization".into()));
                }
                SecurityScheme::OAuth2 { description, .. } | SecurityScheme::OpenIDConnect { description, .. } => {
                    return (Auth::Bearer { description: description.clone() }, Some("authorization".into()));
                }
                _ => {}
            }
        }
        // A scheme no requirement uses still says how the API authenticates.
        for scheme in components.security_schemes.values() {
            if let ReferenceOr::Item(SecurityScheme::HTTP { scheme, description, .. }) = scheme {
                if scheme.eq_ignore_ascii_case("bearer") {
                    return (Auth::Bearer { description: description.clone() }, Some("authorization".into()));
                }
            }
        }
        (Auth::None, None)
    }
}
