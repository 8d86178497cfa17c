//! The call shapes of Unkey's SDKs and of the project's declared sinks, matched on any
//! language's syntax through [`Grammar`].

use super::grammar::{Argument, Call, Grammar, Literal, SPREAD, span};
use super::scopes::Scopes;
use crate::policy::QueryText;
use crate::printable::escaped;
use crate::query::Query;
use crate::scan::{Language, Sink, SinkKind, Site, SiteKind, SiteValue, Version};
use crate::span::Span;
use tree_sitter::Node;

/// How many names or wrappers a value is followed through.
const MAX_FOLLOW: usize = 16;

/// How deep a v1 query object is read.
const MAX_V1_DEPTH: usize = 64;

/// Grants are written to these (v2 method names, v1 and Python alike once normalized).
const GRANT_CALLS: &[&str] = &[
    "createkey",
    "updatekey",
    "addpermissions",
    "setpermissions",
    "addroles",
    "setroles",
    "createrole",
    "setrolepermissions",
];

/// Go's request bodies that grant.
const GRANT_BODIES: &[&str] = &[
    "V2KeysCreateKeyRequestBody",
    "V2KeysUpdateKeyRequestBody",
    "V2KeysAddPermissionsRequestBody",
    "V2KeysSetPermissionsRequestBody",
    "V2KeysAddRolesRequestBody",
    "V2KeysSetRolesRequestBody",
    "V2PermissionsCreateRoleRequestBody",
];

/// Text that every site's source holds: a file without any is not parsed.
pub(super) const TRIGGERS: &[&str] = &["ermission", "oles"];

/// What an object's fields say of one of them.
enum Lookup<'t> {
    /// Its value, the last one written.
    Found(Node<'t>),
    /// A spread, or an argument not read here, that may set it.
    Unknown(Node<'t>),
    /// Not there.
    Absent,
}

/// The field `wanted` picks, as the languages read an object: the last one written wins, and
/// a spread after it (or anywhere, when it is not written) may set it.
fn lookup<'t>(fields: &[(&'t str, Node<'t>)], wanted: impl Fn(&str) -> bool) -> Lookup<'t> {
    let mut found = Lookup::Absent;
    for (name, value) in fields {
        if *name == SPREAD {
            found = Lookup::Unknown(*value);
        } else if wanted(name) {
            found = Lookup::Found(*value);
        }
    }
    found
}

/// The kind of site a declared sink's value makes.
fn sink_site_kind(kind: SinkKind) -> SiteKind {
    match kind {
        SinkKind::Query => SiteKind::Query,
        SinkKind::Permission => SiteKind::Permission,
        SinkKind::Grant => SiteKind::Grant,
    }
}

/// `verifyKey`, `verify_key` and `VerifyKey` alike.
fn normalized(name: &str) -> String {
    name.chars()
        .filter(|&c| c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The sites of one file, found node by node.
pub(super) struct Shapes<'t> {
    grammar: &'t dyn Grammar,
    language: Language,
    text: &'t str,
    sinks: &'t [Sink],
    scopes: Scopes<'t>,
    /// What was found, in the order found.
    pub sites: Vec<Site>,
}

impl<'t> Shapes<'t> {
    pub(super) fn new(
        grammar: &'t dyn Grammar,
        language: Language,
        text: &'t str,
        sinks: &'t [Sink],
        scopes: Scopes<'t>,
    ) -> Self {
        Shapes {
            grammar,
            language,
            text,
            sinks,
            scopes,
            sites: Vec::new(),
        }
    }

    /// Looks for a site at `node`.
    pub(super) fn visit(&mut self, node: Node<'t>) {
        if let Some(call) = self.grammar.call(node, self.text) {
            self.call(node, &call);
        } else if let Some(kind) = self.grammar.literal_type(node, self.text) {
            self.go_body(node, kind);
        } else if let Some((value, collection)) = self.grammar.membership(node)
            && self.names_permissions(collection)
        {
            self.push(
                SiteKind::Permission,
                Version::V2,
                "`in` on `permissions`",
                node,
                value,
            );
        }
    }

    fn call(&mut self, node: Node<'t>, call: &Call<'t>) {
        let mut declared = false;
        for sink in self
            .sinks
            .iter()
            .filter(|sink| sink.function == call.name())
        {
            declared = true;
            self.sink(node, call, sink);
        }
        if declared {
            return;
        }
        if self.language == Language::Go {
            // Go's requests are typed bodies, matched as composite literals (`go_body`).
            if let ("Contains", [Argument::Positional(list), Argument::Positional(value)]) =
                (call.name(), call.arguments.as_slice())
                && call.callee.len() == 2
                && call.callee[0] == "slices"
                && self.names_permissions(*list)
            {
                self.push(
                    SiteKind::Permission,
                    Version::V2,
                    "`slices.Contains` on `Permissions`",
                    node,
                    *value,
                );
            }
            return;
        }
        let name = normalized(call.name());
        let parent =
            (call.callee.len() >= 2).then(|| normalized(call.callee[call.callee.len() - 2]));
        let bare = call.callee.len() == 1;
        let script = matches!(
            self.language,
            Language::TypeScript | Language::Tsx | Language::JavaScript
        );
        match (name.as_str(), parent.as_deref()) {
            ("verifykey" | "verifykeyasync", Some("keys")) => {
                let shape = format!("`keys.{}`", call.name());
                self.verify(node, self.request(call), Version::V2, &shape);
            }
            ("keysverifykey", _) => {
                self.verify(node, self.request(call), Version::V2, "`keysVerifyKey`");
            }
            ("verifykey", None) if script => {
                self.verify(node, self.request(call), Version::V1, "v1 `verifyKey`");
            }
            ("verifykey" | "verifykeyasync", None) => {
                let shape = format!("`{}`", call.name());
                self.verify(node, self.request(call), Version::V2, &shape);
            }
            ("verify", Some("keys")) => {
                self.verify(node, self.request(call), Version::V1, "v1 `keys.verify`");
            }
            ("unkey", None) if script => {
                self.verify(
                    node,
                    self.request(call),
                    Version::V2,
                    "`@unkey/hono` `unkey`",
                );
            }
            ("withunkey", _) => {
                self.verify(
                    node,
                    self.request(call),
                    Version::V2,
                    "`@unkey/nextjs` `withUnkey`",
                );
            }
            ("includes", Some("permissions")) => {
                if let Some(Argument::Positional(value)) = call.arguments.first() {
                    self.push(
                        SiteKind::Permission,
                        Version::V2,
                        "`permissions.includes`",
                        node,
                        *value,
                    );
                }
            }
            (grant, _) if GRANT_CALLS.contains(&grant) && !bare || grant == "createrole" => {
                let shape = format!("`{}`", call.name());
                self.grants(node, &self.request(call), &shape);
            }
            _ => self.http(node, call),
        }
    }

    /// A call's request fields: keyword arguments, and the fields of object arguments
    /// (and of a `request=` dictionary).
    fn request(&self, call: &Call<'t>) -> Vec<(&'t str, Node<'t>)> {
        let mut fields = Vec::new();
        for argument in &call.arguments {
            match argument {
                Argument::Keyword("request", value) => match self.object(*value) {
                    Some(object) => fields.extend(object),
                    None => fields.push((SPREAD, *value)),
                },
                Argument::Keyword(name, value) => fields.push((*name, *value)),
                Argument::Positional(value) => match self.object(*value) {
                    Some(object) => fields.extend(object),
                    // An argument that is no object of this file may carry any field.
                    None if self.grammar.literal(*value, self.text).is_none() => {
                        fields.push((SPREAD, *value));
                    }
                    None => {}
                },
                Argument::Spread(value) => fields.push((SPREAD, *value)),
            }
        }
        fields
    }

    fn verify(
        &mut self,
        call: Node<'t>,
        fields: Vec<(&'t str, Node<'t>)>,
        version: Version,
        shape: &str,
    ) {
        let named = |wanted: &'static str| move |name: &str| normalized(name) == wanted;
        // Fields of the other version: v1's on a v2 call, v2's `permissions` on a v1 call.
        let foreign: Vec<(String, Span)> = (fields.iter())
            .filter(|(name, _)| match version {
                Version::V2 => matches!(normalized(name).as_str(), "apiid" | "authorization"),
                Version::V1 => normalized(name) == "permissions",
            })
            .map(|(name, value)| ((*name).to_owned(), span(*value)))
            .collect();
        let (value, shape) = match version {
            Version::V2 => (
                lookup(&fields, named("permissions")),
                format!("{shape} field `permissions`"),
            ),
            Version::V1 => {
                let inner = match lookup(&fields, named("authorization")) {
                    Lookup::Found(authorization) => match self.object(authorization) {
                        Some(inner) => lookup(&inner, named("permissions")),
                        None => Lookup::Unknown(authorization),
                    },
                    other => other,
                };
                (inner, format!("{shape} field `authorization.permissions`"))
            }
        };
        let (value, at) = match value {
            Lookup::Found(node) if version == Version::V2 => {
                self.push(SiteKind::Query, version, &shape, call, node);
                if let Some(site) = self.sites.last_mut() {
                    site.v1_fields = foreign;
                }
                return;
            }
            Lookup::Found(node) => match self.v1_query(node, 0) {
                Ok(query) => (SiteValue::Structured(query), span(node)),
                Err(reason) => (SiteValue::Dynamic(reason), span(node)),
            },
            Lookup::Unknown(node) => (
                SiteValue::Dynamic(format!("{} may set it", self.grammar.dynamic_reason(node))),
                span(node),
            ),
            Lookup::Absent if !foreign.is_empty() => (SiteValue::Absent, foreign[0].1),
            Lookup::Absent => return,
        };
        self.sites.push(Site {
            kind: SiteKind::Query,
            version,
            shape,
            value,
            span: at,
            call: span(call),
            v1_fields: foreign,
        });
    }

    fn grants(&mut self, call: Node<'t>, fields: &[(&'t str, Node<'t>)], shape: &str) {
        for (wanted, kind) in [("permissions", SiteKind::Grant), ("roles", SiteKind::Role)] {
            let shape = format!("{shape} field `{wanted}`");
            match lookup(fields, |name| normalized(name) == wanted) {
                Lookup::Found(value) => self.each(kind, &shape, call, value),
                Lookup::Unknown(value) => self.unknown(kind, &shape, call, value),
                Lookup::Absent => {}
            }
        }
    }

    /// A site whose value a spread or an object not read here may set.
    fn unknown(&mut self, kind: SiteKind, shape: &str, call: Node<'t>, at: Node<'t>) {
        let reason = format!("{} may set it", self.grammar.dynamic_reason(at));
        self.sites.push(Site {
            kind,
            version: Version::V2,
            shape: shape.to_owned(),
            value: SiteValue::Dynamic(reason),
            span: span(at),
            call: span(call),
            v1_fields: Vec::new(),
        });
    }

    /// A list's strings, each a site (v1's `{ name }` objects read for their name); a
    /// value that is no list is one site.
    fn each(&mut self, kind: SiteKind, shape: &str, call: Node<'t>, value: Node<'t>) {
        let Some(elements) = self.list(value) else {
            self.push(kind, Version::V2, shape, call, value);
            return;
        };
        for element in elements {
            let named = self.object(element).and_then(|fields| {
                fields
                    .into_iter()
                    .find(|(name, _)| *name == "name")
                    .map(|(_, value)| value)
            });
            self.push(kind, Version::V2, shape, call, named.unwrap_or(element));
        }
    }

    fn sink(&mut self, call: Node<'t>, found: &Call<'t>, sink: &Sink) {
        let positional = sink.argument.map(|position| {
            let mut arguments = (found.arguments.iter())
                .filter(|argument| !matches!(argument, Argument::Keyword(..)));
            match arguments.nth(position) {
                Some(Argument::Positional(value)) => Lookup::Found(*value),
                Some(Argument::Spread(value)) => Lookup::Unknown(*value),
                _ => match (found.arguments.iter())
                    .find(|argument| matches!(argument, Argument::Spread(_)))
                {
                    Some(Argument::Spread(value)) => Lookup::Unknown(*value),
                    _ => Lookup::Absent,
                },
            }
        });
        let by_name = sink
            .field
            .as_deref()
            .map(|wanted| lookup(&self.request(found), |name| name == wanted));
        let value = match (positional, by_name) {
            (Some(Lookup::Found(value)), _) | (_, Some(Lookup::Found(value))) => Some(value),
            (Some(Lookup::Unknown(value)), _) | (_, Some(Lookup::Unknown(value))) => {
                let kind = sink_site_kind(sink.kind);
                let shape = format!("declared sink `{}` {}", sink.function, sink.place());
                self.unknown(kind, &shape, call, value);
                return;
            }
            _ => None,
        };
        let place = sink.place();
        let shape = format!("declared sink `{}` {place}", sink.function);
        let Some(value) = value else {
            // A call of the sink that passes the value some other way is reported, not
            // passed over.
            self.sites.push(Site {
                kind: sink_site_kind(sink.kind),
                version: Version::V2,
                value: SiteValue::Dynamic(format!("the call passes no {place}")),
                span: span(call),
                call: span(call),
                shape,
                v1_fields: Vec::new(),
            });
            return;
        };
        match sink.kind {
            SinkKind::Query => self.push(SiteKind::Query, Version::V2, &shape, call, value),
            SinkKind::Permission => {
                self.push(SiteKind::Permission, Version::V2, &shape, call, value)
            }
            SinkKind::Grant => self.each(SiteKind::Grant, &shape, call, value),
        }
    }

    /// A raw HTTP call to `keys.verifyKey`: `fetch(url, { body: JSON.stringify({...}) })`,
    /// `requests.post(url, json={...})`.
    fn http(&mut self, node: Node<'t>, call: &Call<'t>) {
        let Some(Argument::Positional(url)) = call.arguments.first() else {
            return;
        };
        // The endpoint is known from the URL's text even when a base is put in front of it
        // at run time (`${base}/v2/keys.verifyKey`): only the body is read as values.
        let url = match self.string(*url) {
            SiteValue::Text { text, .. } => text.text.to_string(),
            _ => self.text[self.resolved(*url).byte_range()].to_owned(),
        };
        if !url.contains("keys.verifyKey") {
            return;
        }
        let version = if url.contains("/v1/") {
            Version::V1
        } else {
            Version::V2
        };
        let mut body = Vec::new();
        for argument in &call.arguments[1..] {
            match argument {
                Argument::Keyword("json", value) => {
                    body.extend(self.object(*value).unwrap_or_default())
                }
                Argument::Keyword("data", value) => body.extend(self.serialized(*value)),
                Argument::Keyword(..) => {}
                Argument::Positional(options) => {
                    let fields = self.object(*options).unwrap_or_default();
                    if let Lookup::Found(value) = lookup(&fields, |name| name == "body") {
                        body.extend(self.serialized(value));
                    }
                }
                Argument::Spread(_) => {}
            }
        }
        self.verify(node, body, version, "HTTP `keys.verifyKey` body");
    }

    /// The object `JSON.stringify(...)` or `json.dumps(...)` serializes.
    fn serialized(&self, value: Node<'t>) -> Vec<(&'t str, Node<'t>)> {
        let value = self.resolved(value);
        match self.grammar.call(value, self.text) {
            Some(call) if matches!(call.name(), "stringify" | "dumps") => {
                match call.arguments.first() {
                    Some(Argument::Positional(object)) => self.object(*object).unwrap_or_default(),
                    _ => Vec::new(),
                }
            }
            _ => Vec::new(),
        }
    }

    /// A v1 query object as the query it means.
    fn v1_query(&self, node: Node<'t>, depth: usize) -> Result<Query, String> {
        if depth > MAX_V1_DEPTH {
            return Err("a v1 query nested too deeply to read".into());
        }
        let node = self.resolved(node);
        if let SiteValue::Text { text, .. } = self.string(node) {
            return Ok(Query::Permission {
                name: text.text.into(),
                span: text.span,
            });
        }
        let combine = |operator: &str, operands: Vec<Node<'t>>| -> Result<Query, String> {
            let mut children = Vec::new();
            for operand in operands {
                let child = self.v1_query(operand, depth + 1)?;
                match (operator, child) {
                    (
                        "and",
                        Query::And {
                            children: inner, ..
                        },
                    )
                    | (
                        "or",
                        Query::Or {
                            children: inner, ..
                        },
                    ) => children.extend(inner),
                    (_, child) => children.push(child),
                }
            }
            let whole = span(node);
            match (children.len(), operator) {
                (0, _) => Err(format!("an empty v1 `{operator}`")),
                (1, _) => Ok(children.pop().expect("one child")),
                (_, "and") => Ok(Query::And {
                    children,
                    span: whole,
                }),
                _ => Ok(Query::Or {
                    children,
                    span: whole,
                }),
            }
        };
        if let Some(fields) = self.object(node) {
            let mut operator =
                fields
                    .iter()
                    .filter_map(|(name, value)| match normalized(name).as_str() {
                        "and" => Some(("and", *value)),
                        "or" => Some(("or", *value)),
                        _ => None,
                    });
            return match (operator.next(), operator.next(), fields.len()) {
                (Some((operator, operands)), None, 1) => match self.list(operands) {
                    Some(operands) => combine(operator, operands),
                    None => Err(format!("a v1 `{operator}` whose operands are not a list")),
                },
                _ => Err("a v1 query object that is not one `and` or one `or`".into()),
            };
        }
        if let Some(call) = self.grammar.call(node, self.text) {
            if call
                .arguments
                .iter()
                .any(|argument| matches!(argument, Argument::Spread(_)))
            {
                return Err("a v1 query helper given a spread of operands".into());
            }
            let positional: Vec<Node<'t>> = call
                .arguments
                .iter()
                .filter_map(|argument| match argument {
                    Argument::Positional(value) => Some(*value),
                    _ => None,
                })
                .collect();
            return match normalized(call.name()).as_str() {
                "and" => combine("and", positional),
                "or" => combine("or", positional),
                "createpermissionquerystr" | "buildquery" => match positional.as_slice() {
                    [only] => self.v1_query(*only, depth + 1),
                    _ => Err("a v1 query helper with other than one argument".into()),
                },
                "createpermissionqueryand" | "createpermissionqueryor" => {
                    let operator = if call.name().ends_with("And") {
                        "and"
                    } else {
                        "or"
                    };
                    let operands = positional
                        .first()
                        .and_then(|body| self.object(*body))
                        .and_then(|fields| fields.first().map(|(_, value)| *value))
                        .and_then(|list| self.list(list));
                    match operands {
                        Some(operands) => combine(operator, operands),
                        None => Err("a v1 query helper whose operands are not a list".into()),
                    }
                }
                _ => Err(self.grammar.dynamic_reason(node).into()),
            };
        }
        if let Some(body) = self.grammar.function_body(node) {
            return self.v1_query(body, depth + 1);
        }
        Err(self.grammar.dynamic_reason(node).into())
    }

    fn go_body(&mut self, node: Node<'t>, kind: &str) {
        let Some(fields) = self.grammar.fields(node, self.text) else {
            return;
        };
        // A body bound to a name that is bound or assigned again (`body.Permissions =
        // &user`) may not hold what it was built with: its fields are not trusted.
        if let Some(name) = self.changed_after_built(node) {
            let reason = format!(
                "`{}` is bound or assigned again after it is built",
                escaped(name)
            );
            self.sites.push(Site {
                kind: SiteKind::Query,
                version: Version::V2,
                shape: format!("Go `{kind}`"),
                value: SiteValue::Dynamic(reason),
                span: span(node),
                call: span(node),
                v1_fields: Vec::new(),
            });
            return;
        }
        match kind {
            "V2KeysVerifyKeyRequestBody" => {
                self.verify(node, fields, Version::V2, "Go `V2KeysVerifyKeyRequestBody`")
            }
            "V1KeysVerifyKeyRequest" => {
                self.verify(node, fields, Version::V1, "Go `V1KeysVerifyKeyRequest`")
            }
            body if GRANT_BODIES.contains(&body) => {
                self.grants(node, &fields, &format!("Go `{body}`"))
            }
            _ => {}
        }
    }

    /// The name the value `node` builds is bound to, if that name does not keep it: the
    /// scopes cannot follow it back to `node` (bound again, or assigned to).
    fn changed_after_built(&self, node: Node<'t>) -> Option<&'t str> {
        let list = node
            .parent()
            .filter(|parent| parent.kind() == "expression_list")?;
        let statement = list.parent()?;
        let names: Vec<Node<'t>> = match statement.kind() {
            "short_var_declaration" | "assignment_statement" => {
                super::grammar::named_children(statement.child_by_field_name("left")?)
            }
            "var_spec" => {
                let mut cursor = statement.walk();
                statement
                    .children_by_field_name("name", &mut cursor)
                    .collect()
            }
            _ => return None,
        };
        let position = (super::grammar::named_children(list).iter())
            .position(|value| value.id() == node.id())?;
        let name = *names.get(position)?;
        let text = self
            .grammar
            .identifier(name, self.text)
            .filter(|text| *text != "_")?;
        let kept = self
            .scopes
            .value(text, name)
            .is_some_and(|value| value.id() == node.id());
        (!kept).then_some(text)
    }

    /// Whether `node` reads a `permissions` field (`result.permissions`, `res.Permissions`).
    fn names_permissions(&self, node: Node<'t>) -> bool {
        let text = &self.text[node.byte_range()];
        let last = text.rsplit('.').next().unwrap_or(text);
        normalized(last) == "permissions" && text.contains('.')
    }

    fn push(
        &mut self,
        kind: SiteKind,
        version: Version,
        shape: &str,
        call: Node<'t>,
        value: Node<'t>,
    ) {
        let read = self.string(value);
        // A literal written at the site is the place; a constant's use is.
        let at = match &read {
            SiteValue::Text { text, via: None } => text.span,
            _ => span(value),
        };
        self.sites.push(Site {
            kind,
            version,
            shape: shape.to_owned(),
            value: read,
            span: at,
            call: span(call),
            v1_fields: Vec::new(),
        });
    }

    /// `node` with wrappers taken off and names followed to the one value they are bound to.
    fn resolved(&self, node: Node<'t>) -> Node<'t> {
        self.followed(node, false)
    }

    /// `node` with wrappers taken off and names followed to the one value they are bound to;
    /// a `mutable` value (an object, a list) only through a name written nowhere else than
    /// where it is bound and here, as any other use may change it (`tweak(options)`).
    fn followed(&self, mut node: Node<'t>, mutable: bool) -> Node<'t> {
        for _ in 0..MAX_FOLLOW {
            if let Some(inner) = self.grammar.unwrapped(node, self.text) {
                node = inner;
            } else if let Some(value) = self
                .grammar
                .identifier(node, self.text)
                .filter(|name| !mutable || self.scopes.uses(name) <= 2)
                .and_then(|name| self.scopes.value(name, node))
            {
                node = value;
            } else {
                break;
            }
        }
        node
    }

    fn object(&self, node: Node<'t>) -> Option<Vec<(&'t str, Node<'t>)>> {
        self.grammar.fields(self.followed(node, true), self.text)
    }

    fn list(&self, node: Node<'t>) -> Option<Vec<Node<'t>>> {
        self.grammar.elements(self.followed(node, true))
    }

    /// The string `node` holds, following wrappers and constants of this file.
    fn string(&self, node: Node<'t>) -> SiteValue {
        let mut via = None;
        let mut at = node;
        for _ in 0..MAX_FOLLOW {
            if let Some(inner) = self.grammar.unwrapped(at, self.text) {
                at = inner;
                continue;
            }
            if let Some(literal) = self.grammar.literal(at, self.text) {
                return match literal {
                    Literal::Static { value, verbatim } => SiteValue::Text {
                        text: QueryText {
                            text: value.into(),
                            span: span(at),
                            offset: verbatim,
                        },
                        via,
                    },
                    Literal::Dynamic(reason) => SiteValue::Dynamic(reason.into()),
                };
            }
            let Some(name) = self.grammar.identifier(at, self.text) else {
                break;
            };
            let Some(value) = self.scopes.value(name, at) else {
                return SiteValue::Dynamic(format!(
                    "`{}` is not bound to a constant in this file",
                    crate::printable::escaped(name)
                ));
            };
            via.get_or_insert_with(|| name.to_owned());
            at = value;
        }
        SiteValue::Dynamic(self.grammar.dynamic_reason(at).into())
    }
}
