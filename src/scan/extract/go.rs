//! Go, as tree-sitter's grammar reads it.

use super::grammar::{
    Argument, Binding, Call, Grammar, Kinds, Literal, PathSyntax, dotted_path, field, hex,
    named_children, names_under, quoted,
};
use tree_sitter::Node;

/// Go's syntax.
pub(super) struct Go;

/// The kinds of node this syntax reads.
const KINDS: Kinds = Kinds {
    sites: &["call_expression", "composite_literal"],
    bindings: &[
        "const_spec",
        "var_spec",
        "short_var_declaration",
        "assignment_statement",
        "range_clause",
        "parameter_declaration",
        "variadic_parameter_declaration",
        "function_declaration",
        "type_switch_statement",
        "receive_statement",
    ],
    identifiers: &["identifier"],
    reasons: &[
        ("composite_literal", "a composite literal, not a string"),
        ("binary_expression", "a concatenation"),
        ("call_expression", "the result of a call"),
        (
            "identifier",
            "a name that is not a string constant of this file",
        ),
        ("selector_expression", "a field read at run time"),
        ("index_expression", "a field read at run time"),
    ],
    scopes: &[
        "function_declaration",
        "method_declaration",
        "func_literal",
        "block",
        "if_statement",
        "for_statement",
        "expression_switch_statement",
        "type_switch_statement",
        "select_statement",
        "expression_case",
        "type_case",
        "communication_case",
        "default_case",
    ],
};

/// How callees are written.
const PATHS: PathSyntax = PathSyntax {
    member: "selector_expression",
    object: "operand",
    property: "field",
    names: &["identifier"],
    opaque: &[
        "call_expression",
        "parenthesized_expression",
        "index_expression",
    ],
    transparent: &[],
};

impl Grammar for Go {
    fn call<'t>(&self, node: Node<'t>, text: &'t str) -> Option<Call<'t>> {
        if node.kind() != "call_expression" {
            return None;
        }
        let callee = dotted_path(field(node, "function")?, text, &PATHS)?;
        let arguments = named_children(field(node, "arguments")?)
            .into_iter()
            .map(Argument::Positional)
            .collect();
        Some(Call { callee, arguments })
    }

    fn fields<'t>(&self, node: Node<'t>, text: &'t str) -> Option<Vec<(&'t str, Node<'t>)>> {
        if node.kind() != "composite_literal" {
            return None;
        }
        let mut fields = Vec::new();
        for element in named_children(field(node, "body")?) {
            if element.kind() != "keyed_element" {
                continue;
            }
            let (Some(key), Some(value)) = (field(element, "key"), field(element, "value")) else {
                continue;
            };
            let key = element_value(key);
            if matches!(key.kind(), "identifier" | "field_identifier") {
                fields.push((&text[key.byte_range()], element_value(value)));
            }
        }
        Some(fields)
    }

    fn elements<'t>(&self, node: Node<'t>) -> Option<Vec<Node<'t>>> {
        if node.kind() != "composite_literal" {
            return None;
        }
        let body = named_children(field(node, "body")?);
        body.iter()
            .all(|element| element.kind() == "literal_element")
            .then(|| body.into_iter().map(element_value).collect())
    }

    fn literal(&self, node: Node<'_>, text: &str) -> Option<Literal> {
        if !matches!(
            node.kind(),
            "raw_string_literal" | "interpreted_string_literal"
        ) {
            return None;
        }
        let Some(contents) = quoted(&text[node.byte_range()]) else {
            return Some(Literal::Dynamic("a string the parser could not read"));
        };
        let start = node.start_byte() + 1;
        match node.kind() {
            "raw_string_literal" if contents.contains('\r') => Some(Literal::Static {
                value: contents.replace('\r', ""),
                verbatim: None,
            }),
            "raw_string_literal" => Some(Literal::Static {
                value: contents.to_owned(),
                verbatim: Some(start),
            }),
            "interpreted_string_literal" => Some(decode(contents, start)),
            _ => None,
        }
    }

    fn identifier<'t>(&self, node: Node<'t>, text: &'t str) -> Option<&'t str> {
        (node.kind() == "identifier").then(|| &text[node.byte_range()])
    }

    fn unwrapped<'t>(&self, node: Node<'t>, text: &'t str) -> Option<Node<'t>> {
        match node.kind() {
            "parenthesized_expression" => named_children(node).into_iter().next(),
            "unary_expression" => {
                let operator = field(node, "operator")?;
                (&text[operator.byte_range()] == "&").then(|| field(node, "operand"))?
            }
            // The SDK's pointer helpers: `unkey.String("...")`, `unkey.Pointer(...)`.
            "call_expression" => {
                let call = self.call(node, text)?;
                let helper =
                    call.callee.len() == 2 && matches!(call.name(), "String" | "Pointer" | "Ptr");
                match (helper, call.arguments.as_slice()) {
                    (true, [Argument::Positional(only)]) => Some(*only),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn literal_type<'t>(&self, node: Node<'t>, text: &'t str) -> Option<&'t str> {
        if node.kind() != "composite_literal" {
            return None;
        }
        let kind = &text[field(node, "type")?.byte_range()];
        Some(kind.rsplit('.').next().unwrap_or(kind))
    }

    fn bindings<'t>(&self, node: Node<'t>, text: &'t str, out: &mut Vec<Binding<'t>>) {
        match node.kind() {
            "const_spec" | "var_spec" => {
                let names: Vec<Node<'t>> = {
                    let mut cursor = node.walk();
                    node.children_by_field_name("name", &mut cursor).collect()
                };
                let values = field(node, "value").map(named_children).unwrap_or_default();
                pair_up(&names, &values, text, out);
            }
            "short_var_declaration" => {
                let names = field(node, "left").map(named_children).unwrap_or_default();
                let values = field(node, "right").map(named_children).unwrap_or_default();
                pair_up(&names, &values, text, out);
            }
            "type_switch_statement" => {
                if let Some(alias) = field(node, "alias") {
                    names_under(alias, text, out);
                }
            }
            "assignment_statement" | "range_clause" | "receive_statement" => {
                if let Some(left) = field(node, "left") {
                    names_under(left, text, out);
                }
            }
            "parameter_declaration" | "variadic_parameter_declaration" => {
                if let Some(name) = field(node, "name") {
                    names_under(name, text, out);
                }
            }
            "function_declaration" => {
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

/// `names = values`, one to one: each name bound to its value; otherwise every name is
/// bound to no known value.
fn pair_up<'t>(names: &[Node<'t>], values: &[Node<'t>], text: &'t str, out: &mut Vec<Binding<'t>>) {
    let one_to_one = names.len() == values.len();
    for (index, name) in names.iter().enumerate() {
        if name.kind() == "identifier" {
            let value = values.get(index).copied().filter(|_| one_to_one);
            out.push((&text[name.byte_range()], value));
        }
    }
}

/// A literal element's expression.
fn element_value(node: Node<'_>) -> Node<'_> {
    if node.kind() == "literal_element" {
        named_children(node).into_iter().next().unwrap_or(node)
    } else {
        node
    }
}

/// An interpreted string's value: Go's escapes, where `\x` and octal escapes are bytes.
fn decode(raw: &str, start: usize) -> Literal {
    if !raw.contains('\\') {
        return Literal::Static {
            value: raw.to_owned(),
            verbatim: Some(start),
        };
    }
    let mut bytes = Vec::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buffer = [0; 4];
            bytes.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
            continue;
        }
        let simple = match chars.next() {
            Some('a') => 0x07,
            Some('b') => 0x08,
            Some('f') => 0x0c,
            Some('n') => b'\n',
            Some('r') => b'\r',
            Some('t') => b'\t',
            Some('v') => 0x0b,
            Some('\\') => b'\\',
            Some('"') => b'"',
            Some('x') => match hex(&mut chars, 2) {
                Some(byte) => byte as u8,
                None => return Literal::Dynamic("a malformed `\\x` escape"),
            },
            Some(first @ '0'..='7') => {
                let mut code = first.to_digit(8).expect("an octal digit");
                for _ in 0..2 {
                    match chars.next().and_then(|c| c.to_digit(8)) {
                        Some(digit) => code = code * 8 + digit,
                        None => return Literal::Dynamic("a malformed octal escape"),
                    }
                }
                match u8::try_from(code) {
                    Ok(byte) => byte,
                    Err(_) => return Literal::Dynamic("an octal escape above 255"),
                }
            }
            Some(kind @ ('u' | 'U')) => {
                let digits = if kind == 'u' { 4 } else { 8 };
                let Some(c) = hex(&mut chars, digits).and_then(char::from_u32) else {
                    return Literal::Dynamic("a malformed `\\u` escape");
                };
                let mut buffer = [0; 4];
                bytes.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
                continue;
            }
            _ => return Literal::Dynamic("an escape Go does not allow in a string"),
        };
        bytes.push(simple);
    }
    match String::from_utf8(bytes) {
        Ok(value) => Literal::Static {
            value,
            verbatim: None,
        },
        Err(_) => Literal::Dynamic("a string that is not UTF-8"),
    }
}
