//! A real HTTP server on 127.0.0.1 that answers as Unkey's v2 API does (pages, errors,
//! injected 429 and 500), started on a free port for each test and stopped when the test
//! ends (or after a minute, whatever happens); and a workspace for it to serve.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const ROOT_KEY: &str = "unkey_root_SECRET1234567890";

/// What the fake workspace answers: endpoint and body in, status, headers and body out.
pub type Handler = dyn Fn(&str, &Value) -> (u16, Vec<(&'static str, String)>, Value) + Send + Sync;

/// A local HTTP server, stopped on drop.
pub struct Server {
    server: Arc<tiny_http::Server>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
    requests: Arc<Mutex<Vec<(String, Value)>>>,
}

impl Server {
    pub fn start(handler: Box<Handler>) -> Server {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (server, requests) = (Arc::clone(&server), Arc::clone(&requests));
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let deadline = Instant::now() + Duration::from_secs(60);
                while Instant::now() < deadline && !stop.load(Ordering::SeqCst) {
                    let Ok(Some(mut request)) = server.recv_timeout(Duration::from_millis(100))
                    else {
                        continue;
                    };
                    let mut text = String::new();
                    request.as_reader().read_to_string(&mut text).unwrap();
                    let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    let endpoint = request.url().trim_start_matches("/v2/").to_owned();
                    let authorized = request.headers().iter().any(|header| {
                        header.field.equiv("Authorization")
                            && header.value.as_str() == format!("Bearer {ROOT_KEY}")
                    });
                    requests
                        .lock()
                        .unwrap()
                        .push((endpoint.clone(), body.clone()));
                    let (status, headers, answer) = if authorized {
                        handler(&endpoint, &body)
                    } else {
                        error(
                            401,
                            "Unauthorized",
                            "The provided root key is invalid. We could not find the requested key.",
                        )
                    };
                    let mut response = tiny_http::Response::from_string(answer.to_string())
                        .with_status_code(status);
                    for (name, value) in headers {
                        response.add_header(
                            tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes())
                                .unwrap(),
                        );
                    }
                    let _ = request.respond(response);
                }
            })
        };
        Server {
            server,
            stop,
            thread: Some(thread),
            requests,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.server.server_addr().to_ip().unwrap())
    }

    pub fn calls(&self, endpoint: &str) -> usize {
        let requests = self.requests.lock().unwrap();
        requests
            .iter()
            .filter(|(called, _)| called == endpoint)
            .count()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

pub fn error(status: u16, title: &str, detail: &str) -> (u16, Vec<(&'static str, String)>, Value) {
    (
        status,
        Vec::new(),
        json!({"meta": {"requestId": "req_test12345"},
               "error": {"title": title, "detail": detail, "status": status,
                         "type": "https://unkey.com/docs/errors/unkey/test"}}),
    )
}

/// The workspace: its roles' permissions, and per API its keys (as Unkey stores them:
/// direct grants apart from roles).
pub struct Fixture {
    pub roles: BTreeMap<String, Vec<String>>,
    pub keys: BTreeMap<String, Vec<StoredKey>>,
}

#[derive(Clone)]
pub struct StoredKey {
    pub id: String,
    pub name: Option<String>,
    pub enabled: bool,
    pub expires: Option<i64>,
    pub roles: Vec<String>,
    pub direct: Vec<String>,
}

impl Fixture {
    pub fn new() -> Fixture {
        let mut roles = BTreeMap::new();
        for index in 0..130 {
            roles.insert(
                format!("role{index:03}"),
                vec![format!("svc{index}.read"), "documents.read".to_owned()],
            );
        }
        roles.insert(
            "editor".to_owned(),
            vec!["documents.read".to_owned(), "documents.write".to_owned()],
        );
        let mut api_1 = Vec::new();
        for index in 0..250 {
            api_1.push(StoredKey {
                id: format!("key_a{index:04}"),
                name: (index % 7 != 0).then(|| format!("service-{index}")),
                enabled: index % 5 != 0,
                expires: (index % 3 == 0).then_some(1_800_000_000_000 + index as i64),
                roles: if index % 2 == 0 {
                    vec!["editor".to_owned()]
                } else {
                    vec![format!("role{:03}", index % 130)]
                },
                direct: if index % 4 == 0 {
                    vec!["documents.read".to_owned(), format!("extra.{index}")]
                } else {
                    Vec::new()
                },
            });
        }
        let api_2 = vec![StoredKey {
            id: "key_b0001".to_owned(),
            name: Some("service-1".to_owned()),
            enabled: true,
            expires: None,
            roles: Vec::new(),
            direct: vec!["*".to_owned(), "documents.*".to_owned()],
        }];
        Fixture {
            roles,
            keys: BTreeMap::from([("api_1".to_owned(), api_1), ("api_2".to_owned(), api_2)]),
        }
    }

    /// The key as Unkey's API returns it: permissions are the union, in no order.
    pub fn response_of(&self, key: &StoredKey) -> Value {
        let mut union: Vec<String> = key.direct.clone();
        for role in &key.roles {
            union.extend(self.roles[role].iter().cloned());
        }
        union.sort();
        union.dedup();
        union.reverse();
        let mut value = json!({"keyId": key.id, "start": "sk_live_ab", "enabled": key.enabled,
                               "createdAt": 1_700_000_000_000i64, "meta": {"team": "x"},
                               "identity": {"id": "id_1", "externalId": "user_1"}});
        if let Some(name) = &key.name {
            value["name"] = json!(name);
        }
        if let Some(expires) = key.expires {
            value["expires"] = json!(expires);
        }
        if !union.is_empty() {
            value["permissions"] = json!(union);
        }
        if !key.roles.is_empty() {
            value["roles"] = json!(key.roles);
        }
        value
    }

    /// One page of `items` from the cursor on (an index, as an opaque string).
    pub fn page(items: Vec<Value>, body: &Value) -> Value {
        let start: usize = body["cursor"]
            .as_str()
            .map_or(0, |cursor| cursor.trim_start_matches("c_").parse().unwrap());
        let limit = body["limit"].as_u64().unwrap_or(100) as usize;
        let end = (start + limit).min(items.len());
        let mut pagination = json!({"hasMore": end < items.len()});
        if end < items.len() {
            pagination["cursor"] = json!(format!("c_{end}"));
        }
        json!({"meta": {"requestId": "req_test12345"}, "data": items[start..end], "pagination": pagination})
    }

    pub fn answer(
        &self,
        endpoint: &str,
        body: &Value,
    ) -> (u16, Vec<(&'static str, String)>, Value) {
        let api = body["apiId"].as_str().unwrap_or_default();
        match endpoint {
            "apis.getApi" if self.keys.contains_key(api) => (
                200,
                Vec::new(),
                json!({"meta": {"requestId": "r"}, "data": {"id": api, "name": "docs"}}),
            ),
            "apis.getApi" => error(
                404,
                "Not Found",
                "The requested API does not exist or has been deleted.",
            ),
            "apis.listKeys" => {
                let keys = self.keys[api]
                    .iter()
                    .map(|key| self.response_of(key))
                    .collect();
                (200, Vec::new(), Fixture::page(keys, body))
            }
            "permissions.listRoles" => {
                let roles = self.roles.iter().enumerate().map(|(index, (name, permissions))| {
                    let permissions: Vec<Value> = permissions.iter().map(|slug| json!({"id": format!("perm_{slug}"), "name": slug, "slug": slug})).collect();
                    json!({"id": format!("role_{index}"), "name": name, "permissions": permissions})
                });
                (200, Vec::new(), Fixture::page(roles.collect(), body))
            }
            "permissions.listPermissions" => {
                // Every permission a role or key holds exists in the workspace, as in Unkey.
                let slugs: std::collections::BTreeSet<&String> = self
                    .roles
                    .values()
                    .flatten()
                    .chain(self.keys.values().flatten().flat_map(|key| &key.direct))
                    .collect();
                let permissions = slugs
                    .iter()
                    .map(|slug| json!({"id": format!("perm_{slug}"), "name": slug, "slug": slug}));
                (200, Vec::new(), Fixture::page(permissions.collect(), body))
            }
            _ => error(404, "Not Found", "no such route"),
        }
    }
}
