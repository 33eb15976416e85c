//! Error enums: one per distinct set of documented errors, shared by the operations that document it.

use super::*;

/// One enum per distinct set of documented errors (same statuses, same body
/// types), named after its operation when it has one (`GetTaskError`), after
/// its body type when shared (`ErrorResponseByStatus`): a spec that documents
/// the same errors on 200 operations gets one enum, not 200.
pub(super) fn error_enums(operations: &mut [Operation], root_names: &mut UniqueNames) -> Vec<ErrorEnum> {
    // (statuses with their body types, the operations documenting exactly those)
    type Key = Vec<(StatusMatch, Ty)>;
    let mut groups: Vec<(Key, Vec<usize>)> = Vec::new();
    let mut by_key: BTreeMap<Key, usize> = BTreeMap::new();
    for (i, op) in operations.iter().enumerate() {
        if op.errors.is_empty() {
            continue;
        }
        let key: Key = op.errors.iter().map(|e| (e.status, e.ty.clone())).collect();
        match by_key.get(&key) {
            Some(&g) => groups[g].1.push(i),
            None => {
                by_key.insert(key.clone(), groups.len());
                groups.push((key, vec![i]));
            }
        }
    }
    let mut enums = Vec::with_capacity(groups.len());
    for (key, members) in groups {
        let first = &operations[members[0]];
        let wanted = match (members.len(), &key[..]) {
            (1, _) => format!("{}Error", type_name(first.ident.trim_start_matches("r#"))),
            (_, [(_, Ty::Named(body)), rest @ ..]) if rest.iter().all(|(_, ty)| *ty == Ty::Named(body.clone())) => {
                format!("{body}ByStatus")
            }
            _ => "ErrorBodies".to_owned(),
        };
        let name = root_names.claim(wanted);
        // A variant's doc (the response's description) is kept where all agree.
        let mut variants = first.errors.clone();
        for (v, variant) in variants.iter_mut().enumerate() {
            if members.iter().any(|&m| operations[m].errors[v].doc != variant.doc) {
                variant.doc = None;
            }
        }
        for &m in &members {
            operations[m].error_enum = Some(name.clone());
        }
        let idents = members.iter().map(|&m| operations[m].ident.clone()).collect();
        enums.push(ErrorEnum { name, operations: idents, variants });
    }
    enums
}
