//! The layering ARCHITECTURE.md describes, read from the source with `syn`: no module of
//! the library imports one that imports it back, and within a module no file imports a
//! sibling that imports it back (a re-export in `mod.rs` counts as the file that defines
//! it). Test modules are left out: they may reach anywhere.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use support::source::rust_files;
use syn::visit::Visit;

/// The paths a file names (`crate::a::b`, `super::c`), outside `#[cfg(test)]` items.
#[derive(Default)]
struct Paths(Vec<Vec<String>>);

impl Paths {
    fn of_use(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                self.of_use(prefix, &path.tree);
                prefix.pop();
            }
            syn::UseTree::Name(name) => self.push(prefix, &name.ident),
            syn::UseTree::Rename(rename) => self.push(prefix, &rename.ident),
            syn::UseTree::Glob(_) => self.0.push(prefix.clone()),
            syn::UseTree::Group(group) => {
                for item in &group.items {
                    self.of_use(prefix, item);
                }
            }
        }
    }

    fn push(&mut self, prefix: &[String], last: &syn::Ident) {
        let mut path = prefix.to_vec();
        path.push(last.to_string());
        self.0.push(path);
    }
}

fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && attr
                .parse_args::<syn::Ident>()
                .is_ok_and(|ident| ident == "test")
    })
}

impl<'ast> Visit<'ast> for Paths {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if !is_test(&item.attrs) {
            syn::visit::visit_item_mod(self, item);
        }
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        if !is_test(&item.attrs) {
            syn::visit::visit_item_fn(self, item);
        }
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        if !is_test(&item.attrs) {
            self.of_use(&mut Vec::new(), &item.tree);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        self.0
            .push(path.segments.iter().map(|s| s.ident.to_string()).collect());
        syn::visit::visit_path(self, path);
    }
}

fn paths_of(file: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(file).unwrap();
    let syntax = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut paths = Paths::default();
    paths.visit_file(&syntax);
    paths.0
}

/// The edges of `graph` that close a cycle.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(node) = stack.pop() {
            if node == to {
                return true;
            }
            if seen.insert(node.clone()) {
                stack.extend(graph.get(&node).into_iter().flatten().cloned());
            }
        }
        false
    };
    let mut found = Vec::new();
    for (from, targets) in graph {
        for to in targets.iter().filter(|to| reaches(to, from)) {
            found.push(format!("{from} -> {to}"));
        }
    }
    found
}

/// The library's top-level module of a file under `src/` (`None` for the crate root and
/// the binary's `cli`).
fn module_of(file: &Path) -> Option<String> {
    let relative = file.strip_prefix("src").unwrap();
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.trim_end_matches(".rs");
    (!["lib", "main", "cli"].contains(&name)).then(|| name.to_owned())
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in rust_files(Path::new("src")) {
        let Some(module) = module_of(&file) else {
            continue;
        };
        let entry = graph.entry(module.clone()).or_default();
        for path in paths_of(&file) {
            if let [first, target, ..] = path.as_slice()
                && first == "crate"
                && *target != module
            {
                entry.insert(target.clone());
            }
        }
    }
    assert!(graph.len() > 10, "the modules are read: {graph:?}");
    assert_eq!(cycles(&graph), Vec::<String>::new());
}

#[test]
fn no_file_imports_a_sibling_that_imports_it_back() {
    let mut checked = 0;
    for entry in std::fs::read_dir("src").unwrap() {
        let dir = entry.unwrap().path();
        let module_rs = dir.join("mod.rs");
        if !module_rs.exists() {
            continue;
        }
        let module = dir.file_name().unwrap().to_str().unwrap().to_owned();
        let siblings: BTreeSet<String> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|entry| {
                let path = entry.unwrap().path();
                let stem = path.file_stem()?.to_str()?.to_owned();
                (path.extension().is_some_and(|ext| ext == "rs") && stem != "mod").then_some(stem)
            })
            .collect();
        // What `mod.rs` re-exports, by name: the sibling that defines it.
        let owners: BTreeMap<String, String> = paths_of(&module_rs)
            .into_iter()
            .filter_map(|path| match path.as_slice() {
                [file, .., name] if siblings.contains(file) && path.len() > 1 => {
                    Some((name.clone(), file.clone()))
                }
                _ => None,
            })
            .collect();
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for file in &siblings {
            let edges = graph.entry(file.clone()).or_default();
            for path in paths_of(&dir.join(format!("{file}.rs"))) {
                let rest: &[String] = match path.as_slice() {
                    [first, rest @ ..] if first == "super" => rest,
                    [first, second, rest @ ..] if first == "crate" && *second == module => rest,
                    _ => continue,
                };
                let target = match rest.first() {
                    Some(name) if siblings.contains(name) => name.clone(),
                    Some(name) => match owners.get(name) {
                        Some(owner) => owner.clone(),
                        None => continue,
                    },
                    None => continue,
                };
                if target != *file {
                    edges.insert(target);
                }
            }
        }
        assert_eq!(cycles(&graph), Vec::<String>::new(), "in src/{module}/");
        checked += 1;
    }
    assert!(checked > 5, "only {checked} modules read");
}
