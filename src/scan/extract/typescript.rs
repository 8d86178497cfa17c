//! TypeScript and JavaScript (JSX and TSX included), as tree-sitter's grammars read them.

use super::grammar::{
    Argument, Binding, Call, Grammar, Kinds, Literal, PathSyntax, SPREAD, dotted_path, field, hex,
    named_children, names_under, quoted,
};
use tree_sitter::Node;

/// TypeScript's and JavaScript's syntax.
pub(super) struct TypeScript;

/// The kinds of node this syntax reads.
const KINDS: Kinds = Kinds {
    sites: &["call_expression", "new_expression"],
    bindings: &[
        "variable_declarator",
        "formal_parameters",
        "catch_clause",
        "import_clause",
        "import_specifier",
        "namespace_import",
        "arrow_function",
        "assignment_expression",
        "augmented_assignment_expression",
        "for_in_statement",
        "function_declaration",
        "class_declaration",
        "generator_function_declaration",
        "function_expression",
        "call_expression",
    ],
    identifiers: &["identifier", "shorthand_property_identifier"],
    reasons: &[
        ("spread_element", "a spread"),
        ("object", "an object, not a string"),
        ("array", "a list, not a string"),
        ("binary_expression", "a concatenation"),
        ("template_string", "a template with substitutions"),
        ("call_expression", "the result of a call"),
        (
            "identifier",
            "a name that is not a string constant of this file",
        ),
        ("member_expression", "a property read at run time"),
        ("subscript_expression", "a property read at run time"),
    ],
    scopes: &[
        "statement_block",
        "for_statement",
        "for_in_statement",
        "switch_body",
        "class_body",
        "function_declaration",
        "function_expression",
        "arrow_function",
        "method_definition",
        "generator_function",
        "generator_function_declaration",
    ],
};

/// How callees are written.
const PATHS: PathSyntax = PathSyntax {
    member: "member_expression",
    object: "object",
    property: "property",
    names: &["identifier", "this", "super"],
    opaque: &[
        "call_expression",
        "parenthesized_expression",
        "await_expression",
    ],
    transparent: &["non_null_expression"],
};

impl Grammar for TypeScript {
    fn call<'t>(&self, node: Node<'t>, text: &'t str) -> Option<Call<'t>> {
        if !matches!(node.kind(), "call_expression" | "new_expression") {
            return None;
        }
        let callee = field(node, "function").or_else(|| field(node, "constructor"))?;
        let arguments = field(node, "arguments")?;
        if arguments.kind() != "arguments" {
            return None; // a tagged template
        }
        Some(Call {
            callee: dotted_path(callee, text, &PATHS)?,
            arguments: named_children(arguments)
                .into_iter()
                .map(|argument| match argument.kind() {
                    "spread_element" => Argument::Spread(argument),
                    _ => Argument::Positional(argument),
                })
                .collect(),
        })
    }

    fn fields<'t>(&self, node: Node<'t>, text: &'t str) -> Option<Vec<(&'t str, Node<'t>)>> {
        if node.kind() != "object" {
            return None;
        }
        let mut fields = Vec::new();
        for child in named_children(node) {
            match child.kind() {
                "pair" => {
                    let (Some(key), Some(value)) = (field(child, "key"), field(child, "value"))
                    else {
                        continue;
                    };
                    let name = match key.kind() {
                        "property_identifier" => &text[key.byte_range()],
                        "string" => match self.literal(key, text) {
                            // A quoted key names the field only when it is written plainly.
                            Some(Literal::Static {
                                verbatim: Some(_), ..
                            }) => match quoted(&text[key.byte_range()]) {
                                Some(name) => name,
                                None => continue,
                            },
                            _ => continue,
                        },
                        // A computed key may be any field.
                        "computed_property_name" => match named_children(key).first() {
                            Some(inner) if inner.kind() == "string" => {
                                match quoted(&text[inner.byte_range()]) {
                                    Some(name) if !name.contains('\\') => name,
                                    _ => SPREAD,
                                }
                            }
                            _ => SPREAD,
                        },
                        _ => continue,
                    };
                    fields.push((name, value));
                }
                "shorthand_property_identifier" => {
                    fields.push((&text[child.byte_range()], child));
                }
                "spread_element" => fields.push((SPREAD, child)),
                _ => {}
            }
        }
        Some(fields)
    }

    fn elements<'t>(&self, node: Node<'t>) -> Option<Vec<Node<'t>>> {
        (node.kind() == "array").then(|| named_children(node))
    }

    fn literal(&self, node: Node<'_>, text: &str) -> Option<Literal> {
        if !matches!(node.kind(), "string" | "template_string") {
            return None;
        }
        let Some(contents) = quoted(&text[node.byte_range()]) else {
            return Some(Literal::Dynamic("a string the parser could not read"));
        };
        match node.kind() {
            "string" => Some(decode(contents, node.start_byte() + 1, false)),
            "template_string" => {
                let mut cursor = node.walk();
                if node
                    .named_children(&mut cursor)
                    .any(|child| child.kind() == "template_substitution")
                {
                    return Some(Literal::Dynamic("a template with substitutions"));
                }
                Some(decode(contents, node.start_byte() + 1, true))
            }
            _ => None,
        }
    }

    fn identifier<'t>(&self, node: Node<'t>, text: &'t str) -> Option<&'t str> {
        matches!(node.kind(), "identifier" | "shorthand_property_identifier")
            .then(|| &text[node.byte_range()])
    }

    fn unwrapped<'t>(&self, node: Node<'t>, _text: &'t str) -> Option<Node<'t>> {
        match node.kind() {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion" => named_children(node).into_iter().find(|child| {
                !matches!(
                    child.kind(),
                    "type_arguments" | "type_annotation" | "predefined_type" | "type_identifier"
                ) && !child.kind().ends_with("_type")
            }),
            _ => None,
        }
    }

    fn function_body<'t>(&self, node: Node<'t>) -> Option<Node<'t>> {
        (node.kind() == "arrow_function")
            .then(|| field(node, "body"))
            .flatten()
            .filter(|body| body.kind() != "statement_block")
    }

    fn bindings<'t>(&self, node: Node<'t>, text: &'t str, out: &mut Vec<Binding<'t>>) {
        match node.kind() {
            "variable_declarator" => {
                let Some(name) = field(node, "name") else {
                    return;
                };
                let constant = node.parent().is_some_and(|declaration| {
                    declaration.kind() == "lexical_declaration"
                        && field(declaration, "kind")
                            .is_some_and(|kind| &text[kind.byte_range()] == "const")
                });
                if name.kind() == "identifier" {
                    let value = field(node, "value").filter(|_| constant);
                    out.push((&text[name.byte_range()], value));
                } else {
                    names_under(name, text, out);
                }
            }
            "formal_parameters" | "catch_clause" | "import_clause" | "import_specifier"
            | "namespace_import" => names_under(node, text, out),
            "arrow_function" => {
                if let Some(parameter) = field(node, "parameter") {
                    names_under(parameter, text, out);
                }
            }
            "assignment_expression" | "augmented_assignment_expression" | "for_in_statement" => {
                if let Some(left) = field(node, "left") {
                    names_under(left, text, out);
                }
            }
            // `Object.assign(target, ...)` changes the object `target` names.
            "call_expression" => {
                let assigns = field(node, "function")
                    .is_some_and(|callee| &text[callee.byte_range()] == "Object.assign");
                let target =
                    field(node, "arguments").and_then(|list| named_children(list).first().copied());
                if let Some(target) =
                    target.filter(|target| assigns && target.kind() == "identifier")
                {
                    out.push((&text[target.byte_range()], None));
                }
            }
            "function_declaration"
            | "class_declaration"
            | "generator_function_declaration"
            | "function_expression" => {
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

/// The value of a string's or an untagged template's contents (`raw`, starting at `start`),
/// with JavaScript's escapes; a template's line breaks read as line feeds.
pub(super) fn decode(raw: &str, start: usize, template: bool) -> Literal {
    if !(raw.contains('\\') || template && raw.contains('\r')) {
        return Literal::Static {
            value: raw.to_owned(),
            verbatim: Some(start),
        };
    }
    let mut value = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    let mut pending_high: Option<u32> = None;
    while let Some(c) = chars.next() {
        let unit = if c == '\\' {
            let Some(escaped) = chars.next() else {
                return Literal::Dynamic("a string that ends in a backslash");
            };
            match escaped {
                'n' => Some('\n' as u32),
                'r' => Some('\r' as u32),
                't' => Some('\t' as u32),
                'b' => Some(0x08),
                'f' => Some(0x0c),
                'v' => Some(0x0b),
                '0' if !chars.peek().is_some_and(char::is_ascii_digit) => Some(0),
                '0'..='7' => return Literal::Dynamic("a legacy octal escape"),
                '8' | '9' => return Literal::Dynamic("a legacy `\\8` or `\\9` escape"),
                'x' => match hex(&mut chars, 2) {
                    Some(code) => Some(code),
                    None => return Literal::Dynamic("a malformed `\\x` escape"),
                },
                'u' => {
                    let code = if chars.peek() == Some(&'{') {
                        chars.next();
                        let digits: String = chars.by_ref().take_while(|&c| c != '}').collect();
                        u32::from_str_radix(&digits, 16)
                            .ok()
                            .filter(|&code| code <= 0x10ffff)
                    } else {
                        hex(&mut chars, 4)
                    };
                    match code {
                        Some(code) => Some(code),
                        None => return Literal::Dynamic("a malformed `\\u` escape"),
                    }
                }
                '\r' => {
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    None
                }
                '\n' | '\u{2028}' | '\u{2029}' => None,
                other => Some(other as u32),
            }
        } else if template && c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            Some('\n' as u32)
        } else {
            Some(c as u32)
        };
        let Some(unit) = unit else { continue };
        // UTF-16 surrogates written as escapes pair up into one character.
        match (pending_high.take(), unit) {
            (Some(high), 0xdc00..=0xdfff) => {
                let code = 0x10000 + ((high - 0xd800) << 10) + (unit - 0xdc00);
                value.push(char::from_u32(code).expect("a surrogate pair is a character"));
                continue;
            }
            (Some(_), _) => return Literal::Dynamic("a lone UTF-16 surrogate"),
            (None, 0xd800..=0xdbff) => pending_high = Some(unit),
            (None, _) => match char::from_u32(unit) {
                Some(c) => value.push(c),
                None => return Literal::Dynamic("a lone UTF-16 surrogate"),
            },
        }
    }
    if pending_high.is_some() {
        return Literal::Dynamic("a lone UTF-16 surrogate");
    }
    Literal::Static {
        value,
        verbatim: None,
    }
}
