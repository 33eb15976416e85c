//! Boxing: fields and variants that close a cycle of types (Tarjan's SCCs, iterative), and large enum variants.

use super::*;

/// Boxes the fields and variants that close a cycle of types, so every type has a size.
///
/// Types that contain each other directly (not through a `Vec` or a map) form
/// strongly connected components; an edge inside one is boxed. Linear in the
/// number of types and edges.
pub(super) fn mark_boxes(types: &mut [TypeDef]) {
    let index: HashMap<&str, usize> = types.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect();
    let direct = |ty: &Ty| match ty {
        Ty::Named(n) => index.get(n.as_str()).copied(),
        _ => None,
    };
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Struct(fields) => fields.iter().filter_map(|f| direct(&f.ty)).collect(),
            TypeKind::OneOf(o) => o.variants.iter().filter_map(|v| direct(&v.ty)).collect(),
            TypeKind::AnyOf(a) => a.members.iter().filter_map(|f| direct(&f.ty)).collect(),
            TypeKind::Alias(ty) => direct(ty).into_iter().collect(),
            TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => Vec::new(),
        })
        .collect();
    let component = strongly_connected(&edges);
    let in_cycle = |from: usize, ty: &Ty| direct(ty).is_some_and(|to| component[to] == component[from]);
    let marks: Vec<(usize, Vec<bool>)> = types
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let marks = match &t.kind {
                TypeKind::Struct(fields) => fields.iter().map(|f| in_cycle(i, &f.ty)).collect(),
                TypeKind::OneOf(o) => o.variants.iter().map(|v| in_cycle(i, &v.ty)).collect(),
                TypeKind::AnyOf(a) => a.members.iter().map(|f| in_cycle(i, &f.ty)).collect(),
                _ => Vec::new(),
            };
            (i, marks)
        })
        .collect();
    for (i, marks) in marks {
        match &mut types[i].kind {
            TypeKind::Struct(fields) => fields.iter_mut().zip(marks).for_each(|(f, m)| f.boxed = m),
            TypeKind::OneOf(o) => o.variants.iter_mut().zip(marks).for_each(|(v, m)| v.boxed = m),
            TypeKind::AnyOf(a) => a.members.iter_mut().zip(marks).for_each(|(f, m)| f.boxed = m),
            _ => {}
        }
    }
}

/// Tarjan's algorithm, iteratively (a deep type graph must not overflow the stack).
/// Returns each node's component id.
pub(super) fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![UNSEEN; n];
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some(&mut (v, ref mut edge)) = work.last_mut() {
            if *edge == 0 && index[v] == UNSEEN {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(*edge) {
                *edge += 1;
                if index[w] == UNSEEN {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

/// Enum variants whose payload is estimated above this many bytes are boxed,
/// so that one large variant does not make every value of the enum large.
pub(super) const LARGE_VARIANT: usize = 128;

/// Boxes the large variants of `oneOf` enums and of operations' error enums.
pub(super) fn box_large_variants(types: &mut [TypeDef], operations: &mut [Operation]) {
    let sizes = Sizes::new(types);
    let marks: Vec<(usize, Vec<bool>)> = types
        .iter()
        .enumerate()
        .filter_map(|(i, t)| match &t.kind {
            TypeKind::OneOf(o) => Some((i, o.variants.iter().map(|v| !v.boxed && sizes.of(&v.ty) > LARGE_VARIANT).collect())),
            _ => None,
        })
        .collect();
    for op in operations.iter_mut() {
        for e in &mut op.errors {
            e.boxed = sizes.of(&e.ty) > LARGE_VARIANT;
        }
    }
    for (i, marks) in marks {
        if let TypeKind::OneOf(o) = &mut types[i].kind {
            for (v, large) in o.variants.iter_mut().zip(marks) {
                v.boxed |= large;
            }
        }
    }
}

/// Estimated in-memory sizes of named types (x86-64 layouts of the emitted types).
pub(super) struct Sizes {
    named: HashMap<String, usize>,
}

impl Sizes {
    fn new(types: &[TypeDef]) -> Self {
        let index: HashMap<&str, &TypeDef> = types.iter().map(|t| (t.name.as_str(), t)).collect();
        let mut named = HashMap::new();
        // Iterate to a fixed point instead of recursing: cycles are boxed already,
        // and a type not yet sized counts as a pointer.
        for _ in 0..8 {
            let mut changed = false;
            for t in types {
                let size = Self::def_size(t, &named, &index);
                if named.insert(t.name.clone(), size) != Some(size) {
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        Sizes { named }
    }

    fn def_size(t: &TypeDef, named: &HashMap<String, usize>, index: &HashMap<&str, &TypeDef>) -> usize {
        let of = |ty: &Ty| Self::ty_size(ty, named);
        let fields_size = |fields: &[Field]| -> usize {
            fields
                .iter()
                .map(|f| {
                    let inner = if f.boxed { 8 } else { of(&f.ty) };
                    match (f.is_double_option(), f.is_option()) {
                        (true, _) => inner + 16,
                        (false, true) => inner + 8,
                        (false, false) => inner,
                    }
                })
                .sum()
        };
        match &t.kind {
            TypeKind::Struct(fields) => fields_size(fields),
            TypeKind::AnyOf(a) => fields_size(&a.members) + 40,
            TypeKind::StringEnum(_) => 24,
            TypeKind::IntEnum(_) => 16,
            TypeKind::OneOf(o) => o.variants.iter().map(|v| if v.boxed { 8 } else { of(&v.ty) }).max().unwrap_or(0).max(32) + 8,
            TypeKind::Alias(ty) => {
                let _ = index;
                of(ty)
            }
        }
    }

    fn ty_size(ty: &Ty, named: &HashMap<String, usize>) -> usize {
        match ty {
            Ty::Bool => 1,
            Ty::I32 | Ty::F32 | Ty::Date => 4,
            Ty::I64 | Ty::U64 | Ty::F64 => 8,
            Ty::DateTime => 12,
            Ty::String | Ty::Vec(_) | Ty::Map(_) | Ty::Bytes => 24,
            Ty::Json => 32,
            Ty::File => 80,
            Ty::Named(n) => named.get(n).copied().unwrap_or(8),
        }
    }

    fn of(&self, ty: &Ty) -> usize {
        Self::ty_size(ty, &self.named)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_are_found_without_recursion() {
        // 0 → 1 → 0, 2 → 2, 3 → 0
        let comps = strongly_connected(&[vec![1], vec![0], vec![2], vec![0]]);
        assert_eq!(comps[0], comps[1]);
        assert_ne!(comps[0], comps[2]);
        assert_ne!(comps[3], comps[0]);
        let long: Vec<Vec<usize>> = (0..100_000).map(|i| if i + 1 < 100_000 { vec![i + 1] } else { vec![0] }).collect();
        let comps = strongly_connected(&long);
        assert!(comps.iter().all(|&c| c == comps[0]));
    }
}
