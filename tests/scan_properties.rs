//! Properties of reading permission strings out of code: a query written in generated
//! TypeScript, Go or Python, in any supported shape and with any escaping the language
//! allows (quotes, escapes, raw strings, template literals without substitutions, a
//! constant of the same file), is read back exactly.

use permspec::policy::Source;
use permspec::scan::extract::scan_source;
use permspec::scan::{Language, ScanConfig, SiteValue};
use proptest::prelude::*;
use std::path::Path;

/// Query text: the language's words and punctuation, and what escaping must survive.
fn query() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("documents.read".to_owned()),
        Just(" AND ".to_owned()),
        Just(" OR ".to_owned()),
        Just("(".to_owned()),
        Just(")".to_owned()),
        Just("*".to_owned()),
        Just("ns:a-b_c".to_owned()),
        "[\"'`\\\\${}\n\t\r é日\u{1F600}\u{7f}\u{0}a-z.]".prop_map(|c: String| c),
    ];
    prop::collection::vec(piece, 1..12).prop_map(|pieces| pieces.concat())
}

/// One character as TypeScript writes it inside `quote` (`` ` `` for a template).
fn ts_char(c: char, next: Option<char>, quote: char, escape: u8) -> String {
    let must = c == quote
        || c == '\\'
        || (quote != '`' && matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}'))
        || (quote == '`' && (c == '\r' || (c == '$' && next == Some('{'))))
        || c.is_control();
    if !must && escape.is_multiple_of(3) {
        return c.to_string();
    }
    match (escape % 4, c as u32) {
        (0, code) => format!("\\u{{{code:x}}}"),
        (1, code) if code < 0x100 => format!("\\x{code:02x}"),
        (_, code) if code < 0x10000 => format!("\\u{code:04x}"),
        (_, code) => {
            let code = code - 0x10000;
            format!(
                "\\u{:04x}\\u{:04x}",
                0xd800 + (code >> 10),
                0xdc00 + (code & 0x3ff)
            )
        }
    }
}

fn typescript(query: &str, quote: char, escapes: &[u8]) -> String {
    let chars: Vec<char> = query.chars().collect();
    let body: String = (chars.iter().enumerate())
        .map(|(index, &c)| {
            ts_char(
                c,
                chars.get(index + 1).copied(),
                quote,
                escapes[index % escapes.len()],
            )
        })
        .collect();
    format!("{quote}{body}{quote}")
}

fn go(query: &str, escapes: &[u8]) -> String {
    let raw_fits = !query.contains('`')
        && !query
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t');
    if raw_fits && escapes[0].is_multiple_of(2) {
        return format!("`{query}`");
    }
    let mut body = String::new();
    for (index, c) in query.chars().enumerate() {
        let escape = escapes[index % escapes.len()];
        let must = c == '"' || c == '\\' || c == '\n' || c.is_control();
        if !must && escape.is_multiple_of(3) {
            body.push(c);
            continue;
        }
        match escape % 4 {
            // Go's byte escapes: each UTF-8 byte of the character.
            0 => {
                let mut buffer = [0; 4];
                for byte in c.encode_utf8(&mut buffer).bytes() {
                    body.push_str(&format!("\\x{byte:02x}"));
                }
            }
            1 => {
                let mut buffer = [0; 4];
                for byte in c.encode_utf8(&mut buffer).bytes() {
                    body.push_str(&format!("\\{byte:03o}"));
                }
            }
            2 if (c as u32) < 0x10000 => body.push_str(&format!("\\u{:04x}", c as u32)),
            _ => body.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    format!("\"{body}\"")
}

fn python(query: &str, escapes: &[u8]) -> String {
    let raw_fits = !query.contains(['"', '\\']) && !query.chars().any(char::is_control);
    let raw_fits = raw_fits && escapes[0].is_multiple_of(3);
    if raw_fits {
        return format!("r\"{query}\"");
    }
    // An f-string is read only without escapes: its braces are doubled.
    let plain = !query.contains(['"', '\\', '\n', '\r']) && !query.chars().any(char::is_control);
    let formatted = plain && escapes[0] % 3 == 1;
    let mut body = String::new();
    for (index, c) in query.chars().enumerate() {
        let escape = escapes[index % escapes.len()];
        let must = c == '"' || c == '\\' || c == '\n' || c == '\r' || c.is_control();
        if !must && (formatted || escape.is_multiple_of(3)) {
            match c {
                '{' | '}' if formatted => {
                    body.push(c);
                    body.push(c);
                }
                _ => body.push(c),
            }
            continue;
        }
        match (escape % 4, c as u32) {
            (0, code) if code < 0x100 => body.push_str(&format!("\\x{code:02x}")),
            (1, code) if code < 0o400 => body.push_str(&format!("\\{code:03o}")),
            (_, code) if code < 0x10000 => body.push_str(&format!("\\u{code:04x}")),
            (_, code) => body.push_str(&format!("\\U{code:08x}")),
        }
    }
    let prefix = if formatted { "f" } else { "" };
    format!("{prefix}\"{body}\"")
}

/// `literal` in one of the language's shapes, directly or through a constant.
fn program(language: Language, shape: u8, literal: &str) -> String {
    match (language, shape % 4) {
        (Language::Go, 0) => format!(
            "package a\n\nfunc f() {{\n\t_ = components.V2KeysVerifyKeyRequestBody{{Key: k, Permissions: unkey.String({literal})}}\n}}\n"
        ),
        (Language::Go, 1) => format!(
            "package a\n\nconst wanted = {literal}\n\nfunc f() {{\n\ts.Keys.VerifyKey(ctx, components.V2KeysVerifyKeyRequestBody{{Key: k, Permissions: unkey.Pointer(wanted)}})\n}}\n"
        ),
        (Language::Go, _) => format!(
            "package a\n\nfunc f() bool {{\n\treturn slices.Contains(res.Permissions, {literal})\n}}\n"
        ),
        (Language::Python, 0) => format!("res = u.keys.verify_key(key=k, permissions={literal})\n"),
        (Language::Python, 1) => format!(
            "WANTED = {literal}\n\nasync def f(k):\n    return await u.keys.verify_key_async(key=k, permissions=WANTED)\n"
        ),
        (Language::Python, _) => format!(
            "requests.post(\"https://api.unkey.com/v2/keys.verifyKey\", json={{\"key\": k, \"permissions\": {literal}}})\n"
        ),
        (_, 0) => format!("await unkey.keys.verifyKey({{ key, permissions: {literal} }});\n"),
        (_, 1) => format!(
            "const WANTED = {literal};\nexport const f = (key: string) => keysVerifyKey(core, {{ key, permissions: WANTED }});\n"
        ),
        (_, 2) => {
            format!("export default withUnkey(handler, {{ rootKey, permissions: {literal} }});\n")
        }
        (_, _) => format!("if (data.permissions.includes({literal})) {{ ok(); }}\n"),
    }
}

fn read_back(language: Language, text: String) -> Vec<String> {
    let name = match language {
        Language::Go => "a.go",
        Language::Python => "a.py",
        Language::Tsx => "a.tsx",
        _ => "a.ts",
    };
    let (file, errors) = scan_source(
        Source::new(Path::new(name), text),
        language,
        &ScanConfig::default(),
    );
    assert!(errors.is_empty());
    assert!(
        file.damage.is_empty(),
        "the generated program does not parse: {:?}",
        file.source.text()
    );
    file.sites
        .iter()
        .map(|site| match &site.value {
            SiteValue::Text { text, .. } => text.text.to_string(),
            other => format!("{other:?}"),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn typescript_strings_and_templates_read_back_exactly(
        query in query(),
        quote in prop::sample::select(vec!['"', '\'', '`']),
        escapes in prop::collection::vec(any::<u8>(), 1..8),
        shape: u8,
        tsx: bool,
    ) {
        let language = if tsx { Language::Tsx } else { Language::TypeScript };
        let text = program(language, shape, &typescript(&query, quote, &escapes));
        prop_assert_eq!(read_back(language, text), vec![query]);
    }

    #[test]
    fn go_strings_read_back_exactly(
        query in query(),
        escapes in prop::collection::vec(any::<u8>(), 1..8),
        shape: u8,
    ) {
        let text = program(Language::Go, shape, &go(&query, &escapes));
        prop_assert_eq!(read_back(Language::Go, text), vec![query]);
    }

    #[test]
    fn python_strings_read_back_exactly(
        query in query(),
        escapes in prop::collection::vec(any::<u8>(), 1..8),
        shape: u8,
    ) {
        let text = program(Language::Python, shape, &python(&query, &escapes));
        prop_assert_eq!(read_back(Language::Python, text), vec![query]);
    }
}

/// What each query site of `text` holds: its string, or why it is not known.
fn values(language: Language, text: &str) -> Vec<String> {
    let name = match language {
        Language::Go => "a.go",
        Language::Python => "a.py",
        Language::JavaScript => "a.js",
        _ => "a.ts",
    };
    let source = Source::new(Path::new(name), text.to_owned());
    let (file, _) = scan_source(source, language, &ScanConfig::default());
    file.sites
        .iter()
        .map(|site| match &site.value {
            SiteValue::Text { text, .. } => text.text.to_string(),
            SiteValue::Structured(query) => query.to_string(),
            SiteValue::Dynamic(_) => "dynamic".to_owned(),
            SiteValue::Absent => "absent".to_owned(),
        })
        .collect()
}

/// Programs whose value at the call is not the one a careless reading finds: each must be
/// read as the language reads it, or reported as not known. Never a guess.
#[test]
fn names_objects_and_lines_are_read_as_the_languages_read_them() {
    let ts = Language::TypeScript;
    let go = Language::Go;
    let py = Language::Python;
    for (language, text, expected) in [
        // A function's scope ends with the function.
        (
            py,
            "from .perms import READ\ndef log():\n    READ = \"documents.read\"\n    print(READ)\n@app.get(\"/\")\nasync def h(key):\n    return u.keys.verify_key(key=key, permissions=READ)\n",
            "dynamic",
        ),
        (
            ts,
            "import { READ } from \"./perms\";\nfunction log() { const READ = \"documents.read\"; }\napp.get(\"/\", async (c) => unkey.keys.verifyKey({ key, permissions: READ }));\n",
            "dynamic",
        ),
        // A block's binding is not the function's.
        (
            ts,
            "const P = \"x.y\";\nfunction f(key, debug) {\n  if (debug) { const P = \"documents.read\"; log(P); }\n  return unkey.keys.verifyKey({ key, permissions: P });\n}\n",
            "dynamic",
        ),
        (
            go,
            "package a\nconst P = \"x.y\"\nfunc f(debug bool) {\n\tif debug { P := \"documents.read\"; _ = P }\n\t_ = components.V2KeysVerifyKeyRequestBody{Permissions: unkey.String(P)}\n}\n",
            "dynamic",
        ),
        // Bindings of every form count.
        (
            go,
            "package a\nconst P = \"x.y\"\nfunc f(x any) {\n\tswitch P := x.(type) {\n\tcase string:\n\t\t_ = components.V2KeysVerifyKeyRequestBody{Permissions: unkey.String(P)}\n\t}\n}\n",
            "dynamic",
        ),
        (
            py,
            "P = \"documents.read\"\nmatch req:\n    case {\"perm\": P}:\n        u.keys.verify_key(key=k, permissions=P)\n",
            "dynamic",
        ),
        (
            py,
            "P = \"documents.read\"\nfrom config import *\nu.keys.verify_key(key=k, permissions=P)\n",
            "dynamic",
        ),
        (
            py,
            "P = \"documents.read\"\ndef setup():\n    global P\n    P = \"x.y\"\nu.keys.verify_key(key=k, permissions=P)\n",
            "dynamic",
        ),
        (
            go,
            "package a\nvar V = \"documents.read\"\nfunc init() { V = \"admin.all\" }\nvar _ = components.V2KeysVerifyKeyRequestBody{Permissions: unkey.String(V)}\n",
            "dynamic",
        ),
        // An object changed after it is built is not trusted.
        (
            go,
            "package a\nfunc f(user string) {\n\tbody := components.V2KeysVerifyKeyRequestBody{Permissions: unkey.String(\"documents.read\")}\n\tbody.Permissions = &user\n\t_ = body\n}\n",
            "dynamic",
        ),
        (
            ts,
            "const req = { key, permissions: \"documents.read\" };\nObject.assign(req, body);\nunkey.keys.verifyKey(req);\n",
            "dynamic",
        ),
        (
            py,
            "req = {\"key\": k, \"permissions\": \"documents.read\"}\nreq.update(body)\nu.keys.verify(request=req)\n",
            "dynamic",
        ),
        (
            ts,
            "const req = { key, permissions: \"documents.read\" };\ntweak(req);\nunkey.keys.verifyKey(req);\n",
            "dynamic",
        ),
        (
            ts,
            "const req = { key, permissions: \"documents.read\" };\nunkey.keys.verifyKey(req);\n",
            "documents.read",
        ),
        // The last field written wins; a spread after it may set it.
        (
            Language::JavaScript,
            "unkey.keys.verifyKey({ key, permissions: \"documents.read\", permissions: \"x.y\" });\n",
            "x.y",
        ),
        (
            ts,
            "unkey.keys.verifyKey({ key, permissions: \"documents.read\", ...body });\n",
            "dynamic",
        ),
        (
            ts,
            "unkey.keys.verifyKey({ ...body, permissions: \"documents.read\" });\n",
            "documents.read",
        ),
        (
            py,
            "requests.post(\"https://api.unkey.com/v2/keys.verifyKey\", json={\"permissions\": \"documents.read\", **extra})\n",
            "dynamic",
        ),
        // A request not read here is reported, not passed over.
        (ts, "unkey.keys.verifyKey(buildRequest(key));\n", "dynamic"),
        (py, "u.keys.verify_key(**req)\n", "dynamic"),
        // A v2 field on a v1 call checks nothing.
        (
            ts,
            "unkey.keys.verify({ key, apiId, permissions: \"documents.read\" });\n",
            "absent",
        ),
        // Checks and calls written in other ways.
        (
            py,
            "if \"admin\" not in res.data.permissions:\n    deny()\n",
            "admin",
        ),
        (
            ts,
            "await unkey!.keys.verifyKey({ key, permissions: \"documents.read\" });\n",
            "documents.read",
        ),
        // Python ends a line at a lone carriage return.
        (
            py,
            "# note\ru.keys.verify_key(key=k, permissions=\"documents.read\")\n",
            "documents.read",
        ),
    ] {
        let expected: Vec<&str> = if expected.is_empty() {
            vec![]
        } else {
            vec![expected]
        };
        assert_eq!(values(language, text), expected, "{text}");
    }
}
