//! Dedup: one type per structurally equal body.
//!
//! Specs repeat shapes: the same `{error: Error}` wrapper under every
//! operation and status, the same `opt_fields` enum on every operation, the
//! same inline object in a request and its response. Each copy would be its own
//! struct with its own serde derives, which is most of what a large crate costs
//! to compile. Types whose emitted body would be identical (same fields with the
//! same names, types, docs and flags; same enum values; same `oneOf` variants or `anyOf` members)
//! become one type, and every other name stays as `pub type Other = Canonical;`
//! with its own doc, so no name a user could write is lost.
//!
//! The canonical type of a group is chosen from names only, never from an
//! iteration order: a component schema before an inline schema, then the
//! shortest name, then the first in byte order. Merging repeats until nothing
//! changes, so wrappers of merged types merge in turn (two `{data: A}` and
//! `{data: B}` once `A` and `B` are one).

use std::collections::HashSet;

use super::*;

/// Merges structurally equal types; see the module docs. `components` names
/// the types of component schemas. Operations keep the names they had (an
/// alias is the same type), except their error bodies, which point at the
/// canonical type so operations with the same errors share one error enum.
pub(super) fn dedup(types: &mut [TypeDef], operations: &mut [Operation], components: &HashSet<String>) {
    let mut renamed: HashMap<String, String> = HashMap::new();
    loop {
        // Group types by their body, in `types` order (a Vec of groups, so
        // nothing below depends on a hash map's order).
        // Keyed by the body itself (hashed and compared structurally, nothing formatted).
        let mut group_of: HashMap<&TypeKind, usize> = HashMap::new();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for (i, t) in types.iter().enumerate() {
            if !matches!(t.kind, TypeKind::Struct(_) | TypeKind::StringEnum(_) | TypeKind::IntEnum(_) | TypeKind::OneOf(_) | TypeKind::AnyOf(_)) {
                continue;
            }
            match group_of.get(&t.kind) {
                Some(&g) => groups[g].push(i),
                None => {
                    group_of.insert(&t.kind, groups.len());
                    groups.push(vec![i]);
                }
            }
        }
        drop(group_of);
        let mut round: HashMap<String, String> = HashMap::new();
        for members in groups.iter().filter(|g| g.len() > 1) {
            let rank = |&i: &usize| {
                let name = &types[i].name;
                (!components.contains(name), name.len(), name.clone())
            };
            let Some(&canonical) = members.iter().min_by_key(|i| rank(i)) else { continue };
            let canonical_name = types[canonical].name.clone();
            for &i in members.iter().filter(|&&i| i != canonical) {
                types[i].kind = TypeKind::Alias(Ty::Named(canonical_name.clone()));
                round.insert(types[i].name.clone(), canonical_name.clone());
            }
        }
        if round.is_empty() {
            break;
        }
        for t in types.iter_mut() {
            rename_in_kind(&mut t.kind, &round);
        }
        for target in renamed.values_mut() {
            if let Some(next) = round.get(target) {
                *target = next.clone();
            }
        }
        renamed.extend(round);
    }
    for op in operations.iter_mut() {
        for e in &mut op.errors {
            rename_in_ty(&mut e.ty, &renamed);
        }
    }
}

fn rename_in_kind(kind: &mut TypeKind, renamed: &HashMap<String, String>) {
    match kind {
        TypeKind::Struct(fields) => fields.iter_mut().for_each(|f| rename_in_ty(&mut f.ty, renamed)),
        TypeKind::OneOf(o) => o.variants.iter_mut().for_each(|v| rename_in_ty(&mut v.ty, renamed)),
        TypeKind::AnyOf(a) => a.members.iter_mut().for_each(|m| rename_in_ty(&mut m.ty, renamed)),
        TypeKind::Alias(ty) => rename_in_ty(ty, renamed),
        TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => {}
    }
}

fn rename_in_ty(ty: &mut Ty, renamed: &HashMap<String, String>) {
    match ty {
        Ty::Vec(inner) | Ty::Map(inner) => rename_in_ty(inner, renamed),
        Ty::Named(name) => {
            if let Some(to) = renamed.get(name) {
                name.clone_from(to);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, ty: Ty) -> Field {
        Field { wire: name.into(), ident: name.into(), ty, required: true, nullable: false, boxed: false, flatten: false, doc: None }
    }

    fn def(name: &str, kind: TypeKind) -> TypeDef {
        TypeDef { name: name.into(), doc: Some(format!("{name}'s doc")), kind }
    }

    fn enum_of(values: &[&str]) -> TypeKind {
        TypeKind::StringEnum(values.iter().map(|v| EnumValue { ident: type_name(v), wire: (*v).into() }).collect())
    }

    #[test]
    fn equal_bodies_become_one_type_and_wrappers_follow() {
        let mut types = vec![
            def("GetBItem", enum_of(&["a", "b"])),
            def("GetAItem", enum_of(&["a", "b"])),
            def("Other", enum_of(&["b", "a"])),
            def("GetAWrap", TypeKind::Struct(vec![field("item", Ty::Vec(Box::new(Ty::Named("GetAItem".into()))))])),
            def("GetBWrap", TypeKind::Struct(vec![field("item", Ty::Vec(Box::new(Ty::Named("GetBItem".into()))))])),
            def("Wrap", TypeKind::Struct(vec![field("item", Ty::Vec(Box::new(Ty::Named("GetBItem".into()))))])),
        ];
        let components: HashSet<String> = ["Wrap".to_owned()].into();
        dedup(&mut types, &mut [], &components);
        let kinds: Vec<(&str, &TypeKind)> = types.iter().map(|t| (t.name.as_str(), &t.kind)).collect();
        // Same length: byte order decides; values in another order are another type.
        assert_eq!(kinds[0].1, &TypeKind::Alias(Ty::Named("GetAItem".into())));
        assert_eq!(kinds[1].1, &enum_of(&["a", "b"]));
        assert_eq!(kinds[2].1, &enum_of(&["b", "a"]));
        // The component's name wins over shorter-lived inline names, and its field follows the merge.
        assert_eq!(kinds[3].1, &TypeKind::Alias(Ty::Named("Wrap".into())));
        assert_eq!(kinds[4].1, &TypeKind::Alias(Ty::Named("Wrap".into())));
        assert_eq!(kinds[5].1, &TypeKind::Struct(vec![field("item", Ty::Vec(Box::new(Ty::Named("GetAItem".into()))))]));
        // Every name keeps its own doc.
        assert!(types.iter().all(|t| t.doc.as_deref() == Some(&format!("{}'s doc", t.name))));
    }

    #[test]
    fn the_choice_does_not_depend_on_order() {
        let make = || {
            vec![
                def("Bb", TypeKind::Struct(vec![field("x", Ty::String)])),
                def("Aa", TypeKind::Struct(vec![field("x", Ty::String)])),
                def("C", TypeKind::Struct(vec![field("x", Ty::String)])),
            ]
        };
        let mut forward = make();
        let mut backward = make();
        backward.reverse();
        dedup(&mut forward, &mut [], &HashSet::new());
        dedup(&mut backward, &mut [], &HashSet::new());
        backward.reverse();
        assert_eq!(forward, backward);
        assert_eq!(forward[0].kind, TypeKind::Alias(Ty::Named("C".into())));
    }
}
