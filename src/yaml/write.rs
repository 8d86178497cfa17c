//! Writing one value into YAML that permspec suggests or edits: plain where a plain scalar
//! reads back as the same string, in block and flow context, else double-quoted.

/// `value` as a YAML scalar that reads back as `value`, in block and flow context.
pub(crate) fn scalar(value: &str) -> String {
    if plain_safe(value) {
        value.to_owned()
    } else {
        serde_json::to_string(value).expect("a string serializes")
    }
}

/// Whether `value` written plain reads back as this string, in block and flow context.
pub(crate) fn plain_safe(value: &str) -> bool {
    let special = ["true", "false", "null", "yes", "no", "on", "off", "~"];
    value
        .chars()
        .next()
        .is_some_and(|first| first.is_ascii_alphanumeric() || first == '_')
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-' | '/' | '*'))
        && !value.ends_with(':')
        && !special.contains(&value.to_ascii_lowercase().as_str())
        && value.parse::<f64>().is_err()
}

#[cfg(test)]
mod tests {
    use super::scalar;

    #[test]
    fn a_scalar_reads_back_as_the_value_it_was_written_from() {
        for value in [
            "documents.read",
            "*",
            "documents.*",
            "a OR b",
            "true",
            "1.5",
            "",
            "x: y",
            "#x",
            "key, other",
            "{a}",
            "it's",
            "\"q\"",
            "tab\there",
            "~",
            "unkey:v1:ws_1:**#*",
        ] {
            let text = format!("{{v: {}}}", scalar(value));
            let read: std::collections::BTreeMap<String, String> =
                serde_yaml::from_str(&text).unwrap_or_else(|error| panic!("{text}: {error}"));
            assert_eq!(read["v"], value, "{text}");
        }
    }
}
