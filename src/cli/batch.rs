//! `permspec check --batch FILE|-`: many checks, one JSON object per line in, one JSON line
//! out per input line, in order. Each input holds `grants` and exactly one of `query` (with
//! an optional `semantics`), `urn`, `root_query` or `route` (with `params`). A malformed
//! line gets its own `{"error": ...}` line and the run goes on; the exit code is then 2.

use super::Exit;
use super::error::CliError;
use permspec::eval::root_query::RootQuery;
use permspec::eval::routes::{self, Request};
use permspec::eval::urn::{self, UrnPermission};
use permspec::eval::{Access, Decision, Semantics};
use permspec::policy::Limits;
use permspec::printable::json as json_line;
use permspec::report::route_json;
use serde::Deserialize;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;

/// One line of input.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    grants: Vec<String>,
    #[serde(default)]
    query: Option<String>,
    #[serde(default)]
    semantics: Option<Semantics>,
    #[serde(default)]
    urn: Option<String>,
    #[serde(default)]
    root_query: Option<RootQuery>,
    #[serde(default)]
    route: Option<String>,
    #[serde(default)]
    params: Option<Params>,
}

/// A route line's `params`, in order, refusing a name given twice (a JSON object keeps the
/// last value of a repeated name, and which one the caller meant is anyone's guess).
struct Params(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Params {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Pairs;
        impl<'de> serde::de::Visitor<'de> for Pairs {
            type Value = Params;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of params")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Params, A::Error> {
                let mut pairs: Vec<(String, Value)> = Vec::new();
                while let Some((name, value)) = map.next_entry::<String, Value>()? {
                    if pairs.iter().any(|(known, _)| *known == name) {
                        return Err(serde::de::Error::custom(format!(
                            "param `{name}` is given more than once"
                        )));
                    }
                    pairs.push((name, value));
                }
                Ok(Params(pairs))
            }
        }
        deserializer.deserialize_map(Pairs)
    }
}

/// Runs every check of `path` (`-` for standard input), writing one answer per line.
pub fn run(path: &Path) -> Exit {
    let limit = Limits::default().file_bytes;
    let input: Box<dyn Read> = if path == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        match permspec::input::open_regular(path) {
            Ok(file) => Box::new(file),
            Err(error) => {
                return CliError::io(format!("cannot read `{}`: {error}", path.display())).report();
            }
        }
    };
    let mut reader = BufReader::new(input);
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut malformed = false;
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = match reader.by_ref().take(limit + 1).read_until(b'\n', &mut line) {
            Ok(read) => read,
            Err(error) => {
                return CliError::io(format!("cannot read `{}`: {error}", path.display())).report();
            }
        };
        if read == 0 {
            break;
        }
        let answer = if line.len() as u64 > limit {
            if let Err(error) = skip_line(&mut reader) {
                return CliError::io(format!("cannot read `{}`: {error}", path.display())).report();
            }
            Err(format!("the line is longer than {limit} bytes"))
        } else if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        } else {
            answer(&line)
        };
        let written = match answer {
            Ok(answer) => writeln!(out, "{}", json_line(&answer)),
            Err(error) => {
                malformed = true;
                writeln!(out, "{}", json_line(&json!({ "error": error })))
            }
        };
        // The answers go out before the input runs dry: a caller may write one line and
        // wait for its answer (a co-process), while a file or a pipe full of lines is
        // answered in large writes.
        let flushed = written.and_then(|()| {
            if reader.buffer().is_empty() {
                out.flush()
            } else {
                Ok(())
            }
        });
        if let Err(error) = flushed {
            super::output::failed(error);
            return Exit::BadInput;
        }
    }
    if let Err(error) = out.flush() {
        super::output::failed(error);
        return Exit::BadInput;
    }
    if malformed {
        Exit::BadInput
    } else {
        Exit::Success
    }
}

/// Reads past the rest of the current line without keeping it, a buffer at a time.
fn skip_line(reader: &mut impl BufRead) -> std::io::Result<()> {
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok(());
        }
        match buffer.iter().position(|&byte| byte == b'\n') {
            Some(newline) => {
                reader.consume(newline + 1);
                return Ok(());
            }
            None => {
                let length = buffer.len();
                reader.consume(length);
            }
        }
    }
}

/// The answer to one line, or why the line is malformed.
fn answer(line: &[u8]) -> Result<Value, String> {
    let input: Input = serde_json::from_slice(line).map_err(|error| error.to_string())?;
    let given = [
        input.query.is_some(),
        input.urn.is_some(),
        input.root_query.is_some(),
        input.route.is_some(),
    ];
    if given.iter().filter(|&&given| given).count() != 1 {
        return Err("give exactly one of `query`, `urn`, `root_query` and `route`".to_owned());
    }
    if input.params.is_some() && input.route.is_none() {
        return Err("`params` goes with `route`".to_owned());
    }
    if input.semantics.is_some() && input.query.is_none() {
        return Err("`semantics` goes with `query`".to_owned());
    }
    let grants = &input.grants;
    if let Some(text) = &input.query {
        let semantics = input.semantics.unwrap_or_default();
        return Ok(match permspec::query::parse(text) {
            Ok(query) if !permspec::query::unkey_limits(text, &query).is_empty() => {
                let violations = permspec::query::unkey_limits(text, &query);
                let reasons: Vec<String> = violations.iter().map(ToString::to_string).collect();
                json!({"allowed": false, "valid": true, "error": reasons.join("; ")})
            }
            Ok(query) => {
                let decision = Decision::new(&query, semantics, |matching| {
                    Access::new(grants, Vec::<String>::new(), matching)
                });
                json!({"allowed": decision.allowed(), "valid": true, "code": decision.code(),
                       "semantics": semantics, "error": null})
            }
            Err(error) => json!({"allowed": false, "valid": false, "error": error.to_string()}),
        });
    }
    if let Some(required) = &input.urn {
        let parsed = UrnPermission::parse(required);
        return Ok(json!({
            "allowed": urn::covered(required, grants).is_some(),
            "valid": parsed.is_ok(),
            "error": null,
            "grant": urn::covered(required, grants),
            "invalid": parsed.err().map(|error| error.to_string()),
        }));
    }
    if let Some(name) = &input.route {
        let params = input.params.map(|params| params.0).unwrap_or_default();
        return route_answer(name, &params, grants);
    }
    let query = input.root_query.expect("exactly one was given");
    Ok(match query.evaluate(grants) {
        Ok(missing) => {
            json!({"allowed": missing.is_none(), "valid": true, "error": null, "message": missing})
        }
        Err(error) => json!({"allowed": false, "valid": false, "error": error}),
    })
}

/// The answer to a `route` line: params are strings, options `true` or `false`.
fn route_answer(
    name: &str,
    params: &[(String, Value)],
    grants: &[String],
) -> Result<Value, String> {
    let route = routes::table()
        .get(name)
        .map_err(|error| error.to_string())?;
    let mut pairs = Vec::new();
    for (param, value) in params {
        let value = match value {
            Value::String(text) => text.clone(),
            Value::Bool(flag) => flag.to_string(),
            other => {
                return Err(format!(
                    "param `{param}` is {other}: give a string, or `true`/`false` for an option"
                ));
            }
        };
        pairs.push((param.as_str(), value));
    }
    let pairs = pairs.iter().map(|(param, value)| (*param, value.as_str()));
    let request = Request::build(route, pairs).map_err(|error| error.to_string())?;
    Ok(match route.decide(&request, grants) {
        Ok(decision) => route_json(name, &decision),
        Err(error) => {
            json!({"allowed": false, "valid": true, "error": error.to_string(), "route": name})
        }
    })
}
