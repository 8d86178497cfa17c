//! `import` writes what Unkey said, exactly: every name and permission, whatever Unicode it
//! holds, reads back from the written file as the server sent it.

use permspec::import::{Responses, from_responses, policy};
use permspec::policy::{Loader, Source};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Any text, with a bias towards what YAML emitters and readers disagree on: line and
/// paragraph separators, NEL, BOM, controls, quotes, YAML indicators and padding.
fn text() -> impl Strategy<Value = String> {
    let tricky = prop::sample::select(vec![
        '\u{2028}', '\u{2029}', '\u{85}', '\u{feff}', '\0', '\t', '\n', '\r', '\u{1b}', '\u{7f}',
        '"', '\'', '\\', '#', ':', '-', '?', '&', '*', '!', '|', '>', '%', '@', '`', ' ', 'ê',
        '\u{200b}', '\u{fffe}', '😀',
    ]);
    let character =
        prop_oneof![3 => any::<char>(), 2 => tricky, 2 => proptest::char::range('a', 'z')];
    prop::collection::vec(character, 1..12).prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn names_and_permissions_read_back_as_the_server_sent_them(
        keys in prop::collection::btree_map(text(), prop::collection::vec(text(), 0..3), 1..6),
        role in text(),
        role_grants in prop::collection::vec(text(), 1..3),
    ) {
        // Blank names give way to the keyId; every other name is the key's.
        let keys: BTreeMap<String, Vec<String>> = keys
            .into_iter()
            .filter(|(name, _)| !name.trim().is_empty())
            .collect();
        let listed: Vec<serde_json::Value> = keys
            .iter()
            .enumerate()
            .map(|(index, (name, grants))| {
                serde_json::json!({"keyId": format!("key_{index}"), "name": name,
                                   "permissions": grants, "roles": [role]})
            })
            .collect();
        let slugs: Vec<serde_json::Value> = role_grants
            .iter()
            .map(|slug| serde_json::json!({"id": "perm", "name": slug, "slug": slug}))
            .collect();
        let response = |value: serde_json::Value| {
            Source::new(Path::new("r.json"), value.to_string())
        };
        let responses = Responses {
            keys: vec![response(serde_json::json!({"data": listed, "pagination": {"hasMore": false}}))],
            roles: vec![response(serde_json::json!({"data": [{"id": "role_1", "name": role, "permissions": slugs}]}))],
            permissions: vec![],
        };
        let workspace = from_responses(&responses, false, jiff::Timestamp::UNIX_EPOCH).unwrap();
        let imported = policy(&workspace).expect("every state can be written");
        let file = Loader::default()
            .load_text(Path::new("unkey.yaml"), imported.yaml.clone())
            .unwrap_or_else(|error| panic!("{error}\n{}", imported.yaml));
        let read = &file.policy;
        prop_assert_eq!(read.roles.len(), 1);
        prop_assert_eq!(&read.roles[0].name.value, &role);
        let mut wanted_role: Vec<&String> = role_grants.iter().collect();
        wanted_role.sort();
        wanted_role.dedup();
        let role_read: Vec<&String> = read.roles[0].permissions.iter().map(|p| &p.value).collect();
        prop_assert_eq!(role_read, wanted_role);
        prop_assert_eq!(read.keys.len(), keys.len());
        for (name, grants) in &keys {
            let key = read.key(name);
            prop_assert!(key.is_some(), "{:?} is missing from\n{}", name, imported.yaml);
            let key = key.unwrap();
            let mut direct: Vec<&String> =
                grants.iter().filter(|grant| !role_grants.contains(grant)).collect();
            direct.sort();
            direct.dedup();
            let read_direct: Vec<&String> = key.permissions.iter().map(|p| &p.value).collect();
            prop_assert_eq!(read_direct, direct);
        }
    }
}
