//! The registry of diagnostic codes: `docs/errors.md` is generated from it, every code in it
//! is reported somewhere, and no code is written as a string beside it (read with `syn`).

mod support;

use permspec::error_code::{ErrorCode, reference_markdown};
use std::path::Path;
use support::source::rust_files;
use syn::visit::Visit;

/// String literals and `ErrorCode::` paths of a file.
#[derive(Default)]
struct Seen {
    strings: Vec<String>,
    variants: Vec<String>,
}

impl<'ast> Visit<'ast> for Seen {
    fn visit_lit_str(&mut self, literal: &'ast syn::LitStr) {
        self.strings.push(literal.value());
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if let [.., kind, variant] = names.as_slice()
            && kind == "ErrorCode"
        {
            self.variants.push(variant.clone());
        }
        syn::visit::visit_path(self, path);
    }
}

fn seen_in_src() -> Seen {
    let mut seen = Seen::default();
    for file in rust_files(Path::new("src")) {
        if file.ends_with("error_code.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let syntax = syn::parse_file(&text).unwrap();
        seen.visit_file(&syntax);
    }
    seen
}

#[test]
fn docs_errors_md_is_generated_from_the_registry() {
    let generated = reference_markdown();
    if std::env::var_os("PERMSPEC_WRITE_DOCS").is_some() {
        std::fs::write("docs/errors.md", &generated).unwrap();
    }
    let committed = std::fs::read_to_string("docs/errors.md").unwrap();
    assert!(
        committed == generated,
        "docs/errors.md is out of date: run `PERMSPEC_WRITE_DOCS=1 cargo test --test error_codes`"
    );
}

#[test]
fn every_code_is_reported_somewhere_and_none_is_written_as_a_string() {
    let seen = seen_in_src();
    for code in ErrorCode::ALL {
        let variant = format!("{code:?}");
        assert!(
            seen.variants.contains(&variant),
            "`ErrorCode::{variant}` is never used"
        );
        assert!(
            !seen.strings.iter().any(|text| text == code.code()),
            "`{}` is written as a string: use `ErrorCode::{variant}`",
            code.code()
        );
    }
    let codes: Vec<&str> = ErrorCode::ALL.iter().map(|code| code.code()).collect();
    let mut unique = codes.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), codes.len(), "a code is registered twice");
}
