//! URN resource permissions against a naive reference written from the grammar and the
//! covers rules, on generated permissions and grants.

use permspec::eval::urn::covered;
use proptest::prelude::*;

/// The grammar, checked independently of the parser: one `#`, four `:` fields, segments
/// that are names, `*`, or a last `**`, actions without separators, `*` only on `**`.
fn naive_valid(value: &str) -> bool {
    if value.matches('#').count() != 1 {
        return false;
    }
    let (urn, action) = value.split_once('#').unwrap();
    let fields: Vec<&str> = urn.split(':').collect();
    if fields.len() != 4 || fields[0] != "unkey" || fields[1] != "v1" {
        return false;
    }
    let (workspace, path) = (fields[2], fields[3]);
    if workspace.is_empty() || workspace.contains('/') {
        return false;
    }
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len() - 1;
    let segments_ok = segments.iter().enumerate().all(|(index, segment)| {
        !segment.is_empty()
            && (*segment == "*" || (*segment == "**" && index == last) || !segment.contains('*'))
    });
    let action_ok = if action == "*" {
        path == "**"
    } else {
        !action.is_empty()
            && !action.contains([':', '/', '*'])
            && !action.starts_with('_')
            && !action.ends_with('_')
    };
    segments_ok && action_ok
}

/// Whether the granted path covers the required one, recursively.
fn naive_path(granted: &[&str], required: &[&str]) -> bool {
    match (granted, required) {
        (["**"], _) => true,
        ([], []) => true,
        ([first, rest @ ..], [target, others @ ..]) => {
            (*first == "*" || first == target) && naive_path(rest, others)
        }
        _ => false,
    }
}

fn naive_covers(required: &str, grants: &[String]) -> bool {
    if grants.iter().any(|grant| grant == required) {
        return true;
    }
    if !naive_valid(required) {
        return false;
    }
    let split = |value: &str| {
        let (urn, action) = value.split_once('#').unwrap();
        let fields: Vec<&str> = urn.split(':').collect();
        (
            fields[2].to_owned(),
            fields[3].to_owned(),
            action.to_owned(),
        )
    };
    let (workspace, path, action) = split(required);
    let path: Vec<&str> = path.split('/').collect();
    grants
        .iter()
        .filter(|grant| naive_valid(grant))
        .any(|grant| {
            let (granted_workspace, granted_path, granted_action) = split(grant);
            let granted_path: Vec<&str> = granted_path.split('/').collect();
            granted_workspace == workspace
                && (granted_action == "*" || granted_action == action)
                && naive_path(&granted_path, &path)
        })
}

/// URN permissions from a small alphabet, so that grants and requirements meet often,
/// with some malformed pieces.
fn permission() -> impl Strategy<Value = String> {
    let workspace = prop_oneof![Just("ws_1"), Just("ws_2"), Just("*"), Just(""), Just("w/x")];
    let segment = prop_oneof![
        4 => Just("keyspaces"),
        4 => Just("ks_1"),
        3 => Just("keys"),
        4 => Just("*"),
        3 => Just("**"),
        1 => Just("ks_*"),
        1 => Just(""),
        1 => Just("a:b"),
    ];
    let action = prop_oneof![
        4 => Just("read_key"),
        2 => Just("create_key"),
        3 => Just("*"),
        1 => Just("_x"),
        1 => Just(""),
        1 => Just("a/b"),
    ];
    let prefix = prop_oneof![8 => Just("unkey:v1"), 1 => Just("unkey:v2"), 1 => Just("urn:v1")];
    (
        prefix,
        workspace,
        prop::collection::vec(segment, 1..5),
        action,
    )
        .prop_map(|(prefix, workspace, segments, action)| {
            format!("{prefix}:{workspace}:{}#{action}", segments.join("/"))
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn the_evaluator_agrees_with_the_naive_reference(
        required in permission(),
        grants in prop::collection::vec(permission(), 0..5),
    ) {
        prop_assert_eq!(covered(&required, &grants).is_some(), naive_covers(&required, &grants));
    }

    #[test]
    fn adding_a_grant_never_takes_access_away(
        required in permission(),
        grants in prop::collection::vec(permission(), 0..4),
        extra in permission(),
    ) {
        let before = covered(&required, &grants).is_some();
        let mut more = grants.clone();
        more.push(extra);
        prop_assert!(!before || covered(&required, &more).is_some());
    }

    #[test]
    fn the_admin_grant_covers_every_valid_permission_of_its_workspace(required in permission()) {
        let admin = ["unkey:v1:ws_1:**#*".to_owned()];
        let expected = naive_valid(&required) && required.starts_with("unkey:v1:ws_1:");
        prop_assert_eq!(covered(&required, &admin).is_some(), expected || required == admin[0]);
    }
}

/// Valid permissions without wildcards.
fn concrete() -> impl Strategy<Value = (String, Vec<String>, String)> {
    let segment = prop_oneof![Just("keyspaces"), Just("ks_1"), Just("keys"), Just("k_1")];
    (
        prop_oneof![Just("ws_1"), Just("ws_2")],
        prop::collection::vec(segment.prop_map(str::to_owned), 1..5),
        prop_oneof![Just("read_key"), Just("create_key")],
    )
        .prop_map(|(workspace, path, action)| (workspace.to_owned(), path, action.to_owned()))
}

proptest! {
    #[test]
    fn a_subtree_grant_covers_its_base_and_everything_below(
        (workspace, path, action) in concrete(),
        depth in 0usize..3,
    ) {
        let required = format!("unkey:v1:{workspace}:{}#{action}", path.join("/"));
        let base = path[..path.len().saturating_sub(depth).max(1)].join("/");
        let grant = format!("unkey:v1:{workspace}:{base}/**#{action}");
        prop_assert!(covered(&required, &[grant]).is_some());
    }
}
