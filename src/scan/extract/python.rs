//! Python, as tree-sitter's grammar reads it.

use super::grammar::{
    Argument, Binding, Call, EVERY_NAME, Grammar, Kinds, Literal, PathSyntax, SPREAD, dotted_path,
    field, hex, named_children, names_under,
};
use tree_sitter::Node;

/// Python's syntax.
pub(super) struct Python;

/// The kinds of node this syntax reads.
const KINDS: Kinds = Kinds {
    sites: &["call", "comparison_operator"],
    bindings: &[
        "assignment",
        "augmented_assignment",
        "for_statement",
        "for_in_clause",
        "parameters",
        "lambda_parameters",
        "as_pattern_target",
        "global_statement",
        "nonlocal_statement",
        "aliased_import",
        "import_statement",
        "import_from_statement",
        "except_clause",
        "named_expression",
        "function_definition",
        "class_definition",
        "case_pattern",
        "wildcard_import",
        "call",
        "keyword_pattern",
    ],
    identifiers: &["identifier"],
    reasons: &[
        ("dictionary_splat", "a spread"),
        ("list_splat", "a spread"),
        ("dictionary", "a dictionary, not a string"),
        ("list", "a list, not a string"),
        ("binary_operator", "a concatenation"),
        ("string", "an f-string with substitutions"),
        ("call", "the result of a call"),
        (
            "identifier",
            "a name that is not a string constant of this file",
        ),
        ("attribute", "an attribute read at run time"),
        ("subscript", "an attribute read at run time"),
    ],
    scopes: &["function_definition", "lambda"],
};

/// How callees are written.
const PATHS: PathSyntax = PathSyntax {
    member: "attribute",
    object: "object",
    property: "attribute",
    names: &["identifier"],
    opaque: &["call", "parenthesized_expression", "subscript", "await"],
    transparent: &[],
};

impl Grammar for Python {
    fn call<'t>(&self, node: Node<'t>, text: &'t str) -> Option<Call<'t>> {
        if node.kind() != "call" {
            return None;
        }
        let callee = dotted_path(field(node, "function")?, text, &PATHS)?;
        let arguments = field(node, "arguments")?;
        if arguments.kind() != "argument_list" {
            return None; // a generator argument
        }
        let arguments = named_children(arguments)
            .into_iter()
            .filter_map(|argument| match argument.kind() {
                "keyword_argument" => Some(Argument::Keyword(
                    &text[field(argument, "name")?.byte_range()],
                    field(argument, "value")?,
                )),
                "list_splat" | "dictionary_splat" => Some(Argument::Spread(argument)),
                _ => Some(Argument::Positional(argument)),
            })
            .collect();
        Some(Call { callee, arguments })
    }

    fn fields<'t>(&self, node: Node<'t>, text: &'t str) -> Option<Vec<(&'t str, Node<'t>)>> {
        if node.kind() != "dictionary" {
            return None;
        }
        let mut fields = Vec::new();
        for pair in named_children(node) {
            if pair.kind() == "dictionary_splat" {
                fields.push((SPREAD, pair));
                continue;
            }
            let (Some(key), Some(value)) = (field(pair, "key"), field(pair, "value")) else {
                continue;
            };
            // A key names the field only when it is a plain string.
            match self.literal(key, text) {
                Some(Literal::Static {
                    verbatim: Some(start),
                    value: name,
                }) => fields.push((&text[start..start + name.len()], value)),
                // A key written with escapes, or computed, may be any field.
                _ => fields.push((SPREAD, value)),
            }
        }
        Some(fields)
    }

    fn elements<'t>(&self, node: Node<'t>) -> Option<Vec<Node<'t>>> {
        matches!(node.kind(), "list" | "tuple" | "set").then(|| named_children(node))
    }

    fn literal(&self, node: Node<'_>, text: &str) -> Option<Literal> {
        match node.kind() {
            "string" => Some(string(node, text)),
            "concatenated_string" => {
                let mut value = String::new();
                for part in named_children(node) {
                    match string(part, text) {
                        Literal::Static { value: piece, .. } => value.push_str(&piece),
                        dynamic => return Some(dynamic),
                    }
                }
                Some(Literal::Static {
                    value,
                    verbatim: None,
                })
            }
            _ => None,
        }
    }

    fn identifier<'t>(&self, node: Node<'t>, text: &'t str) -> Option<&'t str> {
        (node.kind() == "identifier").then(|| &text[node.byte_range()])
    }

    fn unwrapped<'t>(&self, node: Node<'t>, _text: &'t str) -> Option<Node<'t>> {
        (node.kind() == "parenthesized_expression")
            .then(|| named_children(node).into_iter().next())
            .flatten()
    }

    fn membership<'t>(&self, node: Node<'t>) -> Option<(Node<'t>, Node<'t>)> {
        if node.kind() != "comparison_operator" {
            return None;
        }
        let operands = named_children(node);
        let mut cursor = node.walk();
        let operators: Vec<&str> = node
            .children_by_field_name("operators", &mut cursor)
            .map(|operator| operator.kind())
            .collect();
        match (operands.as_slice(), operators.as_slice()) {
            ([value, collection], ["in" | "not in"]) => Some((*value, *collection)),
            _ => None,
        }
    }

    fn bindings<'t>(&self, node: Node<'t>, text: &'t str, out: &mut Vec<Binding<'t>>) {
        match node.kind() {
            "assignment" => {
                let Some(left) = field(node, "left") else {
                    return;
                };
                let right = field(node, "right").filter(|right| right.kind() != "assignment");
                if left.kind() == "identifier" {
                    out.push((&text[left.byte_range()], right));
                } else {
                    names_under(left, text, out);
                }
            }
            "augmented_assignment" | "for_statement" | "for_in_clause" => {
                if let Some(left) = field(node, "left") {
                    names_under(left, text, out);
                }
            }
            "parameters"
            | "lambda_parameters"
            | "as_pattern_target"
            | "global_statement"
            | "nonlocal_statement"
            | "aliased_import"
            | "import_statement"
            | "import_from_statement"
            | "except_clause"
            | "case_pattern"
            | "keyword_pattern" => names_under(node, text, out),
            // `options.update(...)` and its kind change the dictionary `options` names.
            "call" => {
                let target = field(node, "function")
                    .filter(|callee| callee.kind() == "attribute")
                    .filter(|callee| {
                        field(*callee, "attribute").is_some_and(|method| {
                            matches!(
                                &text[method.byte_range()],
                                "update"
                                    | "setdefault"
                                    | "pop"
                                    | "popitem"
                                    | "clear"
                                    | "__setitem__"
                            )
                        })
                    })
                    .and_then(|callee| field(callee, "object"))
                    .filter(|object| object.kind() == "identifier");
                if let Some(target) = target {
                    out.push((&text[target.byte_range()], None));
                }
            }
            // `from m import *` may rebind any name of the file: none is followed.
            "wildcard_import" => out.push((EVERY_NAME, None)),
            "named_expression" | "function_definition" | "class_definition" => {
                if let Some(name) = field(node, "name") {
                    out.push((&text[name.byte_range()], None));
                }
            }
            _ => {}
        }
    }

    fn kinds(&self) -> &'static Kinds {
        &KINDS
    }
}

/// One string literal: its prefix decides raw, bytes and f-string reading.
fn string(node: Node<'_>, text: &str) -> Literal {
    let children = named_children(node);
    let (Some(open), Some(close)) = (
        children.iter().find(|child| child.kind() == "string_start"),
        children.iter().find(|child| child.kind() == "string_end"),
    ) else {
        return Literal::Dynamic("a string the parser could not read");
    };
    if children.iter().any(|child| child.kind() == "interpolation") {
        return Literal::Dynamic("an f-string with substitutions");
    }
    let opening = &text[open.byte_range()];
    let prefix = opening.trim_end_matches(['"', '\'']).to_ascii_lowercase();
    if prefix.contains('b') {
        return Literal::Dynamic("a bytes literal");
    }
    if prefix.contains('t') {
        return Literal::Dynamic("a template string, not a str");
    }
    let start = open.end_byte();
    let raw = &text[start..close.start_byte()];
    let formatted = prefix.contains('f');
    // Whether an escape that makes a brace is a brace of the format is Python's version's
    // call: an f-string with escapes is not read.
    if formatted && !prefix.contains('r') && raw.contains('\\') {
        return Literal::Dynamic("an f-string with escapes");
    }
    let verbatim = !raw.contains('\r')
        && (prefix.contains('r') || !raw.contains('\\'))
        && !(formatted && (raw.contains("{{") || raw.contains("}}")));
    if verbatim {
        return Literal::Static {
            value: raw.to_owned(),
            verbatim: Some(start),
        };
    }
    let raw = raw.replace("\r\n", "\n").replace('\r', "\n");
    let value = if prefix.contains('r') {
        raw
    } else {
        match unescape(&raw) {
            Ok(value) => value,
            Err(reason) => return Literal::Dynamic(reason),
        }
    };
    let value = if formatted {
        value.replace("{{", "{").replace("}}", "}")
    } else {
        value
    };
    Literal::Static {
        value,
        verbatim: None,
    }
}

/// Python's escapes in a (non-raw) string; an unknown escape keeps its backslash.
fn unescape(raw: &str) -> Result<String, &'static str> {
    let mut value = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            value.push(c);
            continue;
        }
        let Some(escaped) = chars.next() else {
            return Err("a string that ends in a backslash");
        };
        let code = match escaped {
            '\n' => continue,
            '\\' | '\'' | '"' => escaped as u32,
            'a' => 0x07,
            'b' => 0x08,
            'f' => 0x0c,
            'n' => 0x0a,
            'r' => 0x0d,
            't' => 0x09,
            'v' => 0x0b,
            '0'..='7' => {
                let mut code = escaped.to_digit(8).expect("an octal digit");
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(digit) => {
                            code = code * 8 + digit;
                            chars.next();
                        }
                        None => break,
                    }
                }
                code
            }
            'x' => hex(&mut chars, 2).ok_or("a malformed `\\x` escape")?,
            'u' => hex(&mut chars, 4).ok_or("a malformed `\\u` escape")?,
            'U' => hex(&mut chars, 8).ok_or("a malformed `\\U` escape")?,
            'N' => return Err("a `\\N{...}` escape"),
            other => {
                value.push('\\');
                other as u32
            }
        };
        value.push(char::from_u32(code).ok_or("an escape that is not a character")?);
    }
    Ok(value)
}
