//! Unkey's state read live from its v2 API: `apis.getApi` and every page of `apis.listKeys`
//! for each API, then every page of `permissions.listRoles` and
//! `permissions.listPermissions`.
//!
//! The HTTP client is `ureq` (blocking, rustls for TLS, no async runtime to carry for a
//! handful of sequential reads), with timeouts. These reads are idempotent, so 429 (after
//! `Retry-After` or `RateLimit-Reset`), 5xx and connection errors are retried with capped
//! exponential backoff. The root key is sent only in the `Authorization` header; it is never
//! printed, and every error message is scrubbed of it.

use super::{Origin, UnkeyKey, UnkeyPermission, UnkeyRole, Workspace};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::fmt;
use std::time::Duration;

/// Unkey's API.
pub const DEFAULT_BASE_URL: &str = "https://api.unkey.com";

/// A page size Unkey accepts for every list endpoint.
const PAGE_SIZE: u32 = 100;
/// The largest response body read: a policy file's own limit.
const MAX_BODY_BYTES: u64 = 16 * 1024 * 1024;
/// The longest one request may take.
const REQUEST_TIME: Duration = Duration::from_secs(60);

/// How failed reads are retried.
#[derive(Clone, Copy, Debug)]
pub struct Retry {
    /// Attempts per request, the first included.
    pub attempts: u32,
    /// The wait before the second attempt; it doubles after each.
    pub first_delay: Duration,
    /// The longest wait, whatever the server asks.
    pub max_delay: Duration,
}

/// How far an import goes before it stops with an error: a server that says more pages
/// follow, forever, must not keep it paging (and growing) without end.
#[derive(Clone, Copy, Debug)]
pub struct Caps {
    /// Pages read, over every endpoint.
    pub pages: usize,
    /// Keys read.
    pub keys: usize,
    /// Time from the first request.
    pub time: Duration,
}

impl Default for Caps {
    fn default() -> Self {
        Caps {
            pages: 10_000,
            keys: 1_000_000,
            time: Duration::from_secs(600),
        }
    }
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 6,
            first_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(30),
        }
    }
}

/// Why the state could not be read. Messages never contain the root key.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LiveError {
    /// 401: Unkey does not know the root key.
    Unauthorized,
    /// 403: the root key lacks a permission, which Unkey names in `detail`.
    Forbidden {
        /// The endpoint, e.g. `permissions.listRoles`.
        endpoint: String,
        /// Unkey's words.
        detail: String,
    },
    /// 404: the API does not exist; for `apis.listKeys`, possibly a permission Unkey hides.
    NotFound {
        /// The endpoint.
        endpoint: String,
        /// The API asked for.
        api: String,
    },
    /// 400: Unkey refused the request.
    BadRequest {
        /// The endpoint.
        endpoint: String,
        /// Unkey's words.
        detail: String,
    },
    /// 429 after every retry.
    RateLimited {
        /// The endpoint.
        endpoint: String,
        /// Attempts made.
        attempts: u32,
    },
    /// 5xx (or another status) after every retry.
    Server {
        /// The endpoint.
        endpoint: String,
        /// The last status.
        status: u16,
        /// Unkey's words, if any.
        detail: String,
    },
    /// No answer after every retry: connection refused, DNS, TLS, timeout.
    Connection {
        /// The endpoint.
        endpoint: String,
        /// What went wrong.
        message: String,
    },
    /// A redirect, which is never followed: the answer must come from the API asked.
    Redirected {
        /// The endpoint.
        endpoint: String,
        /// The 3xx status.
        status: u16,
        /// Where the server sent the request (`Location`), if it said.
        location: String,
    },
    /// A cap was reached: too many pages or keys, or too long.
    Capped {
        /// What was counted, in words: "10000 pages".
        reached: String,
        /// The flag that raises it.
        flag: &'static str,
    },
    /// An answer that is not what Unkey's API documents.
    Malformed {
        /// The endpoint.
        endpoint: String,
        /// What is wrong with it.
        message: String,
    },
}

impl fmt::Display for LiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LiveError::Unauthorized => f.write_str(
                "Unkey does not accept the root key in UNKEY_ROOT_KEY (401): check that it is a \
                 current root key of this workspace",
            ),
            LiveError::Forbidden { endpoint, detail } => write!(
                f,
                "the root key may not call `{endpoint}` (403): {detail}; grant it that \
                 permission, or use a root key that has it"
            ),
            LiveError::NotFound { endpoint, api } if endpoint == "apis.listKeys" => write!(
                f,
                "`apis.listKeys` answered 404 for API `{api}`: the API does not exist, or the \
                 root key lacks `api.*.read_key` or `api.*.read_api` (Unkey answers 404 rather \
                 than 403 here, so as not to reveal that the API exists)"
            ),
            LiveError::NotFound { api, .. } => write!(
                f,
                "there is no API `{api}` in this workspace (404): check the API id (`api_...`)"
            ),
            LiveError::BadRequest { endpoint, detail } => {
                write!(
                    f,
                    "Unkey refused the request to `{endpoint}` (400): {detail}"
                )
            }
            LiveError::RateLimited { endpoint, attempts } => write!(
                f,
                "Unkey rate-limited `{endpoint}` (429) on all {attempts} attempts: try again \
                 later, or raise the workspace's rate limit"
            ),
            LiveError::Server {
                endpoint,
                status,
                detail,
            } => write!(
                f,
                "Unkey failed to answer `{endpoint}` ({status}): {detail}"
            ),
            LiveError::Connection { endpoint, message } => {
                write!(f, "cannot reach Unkey for `{endpoint}`: {message}")
            }
            LiveError::Redirected {
                endpoint,
                status,
                location,
            } => write!(
                f,
                "`{endpoint}` answered {status} with a redirect to `{location}`, which import \
                 does not follow: the state must come from the API asked; check --base-url"
            ),
            LiveError::Capped { reached, flag } => write!(
                f,
                "stopped after {reached}: the server keeps saying more follow; if the \
                 workspace is that large, raise {flag}"
            ),
            LiveError::Malformed { endpoint, message } => {
                write!(
                    f,
                    "Unkey's answer to `{endpoint}` is not as documented: {message}"
                )
            }
        }
    }
}

impl std::error::Error for LiveError {}

/// What the client reports as it goes: pages and keys fetched.
pub trait Progress {
    /// Called after each page.
    fn page(&self, pages: usize, keys: usize);
}

/// A client of Unkey's v2 API for one root key.
pub struct Client {
    agent: ureq::Agent,
    base_url: String,
    root_key: String,
    retry: Retry,
    caps: Caps,
}

/// What an import has read so far, against its [`Caps`].
struct Budget {
    caps: Caps,
    started: std::time::Instant,
    pages: usize,
    keys: usize,
}

impl Budget {
    fn new(caps: Caps) -> Self {
        Budget {
            caps,
            started: std::time::Instant::now(),
            pages: 0,
            keys: 0,
        }
    }

    /// When reading must have ended.
    fn deadline(&self) -> std::time::Instant {
        self.started + self.caps.time
    }

    /// Counts a page of `keys` keys; an error once a cap is passed.
    fn spend(&mut self, keys: usize) -> Result<(), LiveError> {
        self.pages += 1;
        self.keys += keys;
        let capped = |reached: String, flag| Err(LiveError::Capped { reached, flag });
        if self.pages > self.caps.pages {
            return capped(format!("{} pages", self.caps.pages), "--max-pages");
        }
        if self.keys > self.caps.keys {
            return capped(format!("{} keys", self.caps.keys), "--max-keys");
        }
        if self.started.elapsed() > self.caps.time {
            return Err(out_of_time(self.caps));
        }
        Ok(())
    }
}

/// The error of a read that ran out of `--max-time`.
fn out_of_time(caps: Caps) -> LiveError {
    LiveError::Capped {
        reached: format!("{} seconds", caps.time.as_secs()),
        flag: "--max-time",
    }
}

impl Client {
    /// A client of the API at `base_url` (e.g. [`DEFAULT_BASE_URL`]) with `root_key`, that
    /// stops at `caps`.
    pub fn new(base_url: &str, root_key: String, retry: Retry, caps: Caps) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(REQUEST_TIME))
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(concat!("permspec/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Client {
            agent,
            base_url: base_url.trim_end_matches('/').to_owned(),
            root_key,
            retry,
            caps,
        }
    }

    /// The state of the workspace: the keys of `apis`, every role and every permission.
    pub fn workspace(
        &self,
        apis: &[String],
        progress: &dyn Progress,
    ) -> Result<Workspace, LiveError> {
        let mut budget = Budget::new(self.caps);
        let mut keys = Vec::new();
        for api in apis {
            let deadline = budget.deadline();
            self.post("apis.getApi", &json!({ "apiId": api }), api, deadline)?;
            let listed: Vec<UnkeyKey> = self.pages(
                "apis.listKeys",
                json!({ "apiId": api }),
                api,
                deadline,
                &mut |page| {
                    budget.spend(page)?;
                    progress.page(budget.pages, budget.keys);
                    Ok(())
                },
            )?;
            keys.extend(listed.into_iter().map(|key| {
                let origin = Origin {
                    api: Some(api.clone()),
                    at: None,
                };
                (key, origin)
            }));
        }
        let deadline = budget.deadline();
        let mut counted = |_| {
            budget.spend(0)?;
            progress.page(budget.pages, budget.keys);
            Ok(())
        };
        let roles: Vec<UnkeyRole> = self.pages(
            "permissions.listRoles",
            json!({}),
            "",
            deadline,
            &mut counted,
        )?;
        let permissions: Vec<UnkeyPermission> = self.pages(
            "permissions.listPermissions",
            json!({}),
            "",
            deadline,
            &mut counted,
        )?;
        Ok(Workspace {
            keys,
            roles,
            permissions: Some(
                permissions
                    .into_iter()
                    .map(|permission| permission.slug)
                    .collect(),
            ),
            apis: apis.to_vec(),
            partial: false,
            read_at: jiff::Timestamp::now(),
        })
    }

    /// Every item of every page of `endpoint`, following the cursor until `hasMore` is false;
    /// `on_page` is told how many items each page holds, and may stop the reading.
    fn pages<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        body: Value,
        api: &str,
        deadline: std::time::Instant,
        on_page: &mut dyn FnMut(usize) -> Result<(), LiveError>,
    ) -> Result<Vec<T>, LiveError> {
        let malformed = |message: String| LiveError::Malformed {
            endpoint: endpoint.to_owned(),
            message,
        };
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        let mut seen = std::collections::HashSet::new();
        loop {
            let mut request = body.clone();
            request["limit"] = json!(PAGE_SIZE);
            if let Some(cursor) = &cursor {
                request["cursor"] = json!(cursor);
            }
            let mut page = self.post(endpoint, &request, api, deadline)?;
            // A page is `{meta, data, pagination: {hasMore, cursor?}}`, all required: an
            // error beside the data, or a page that does not say with a boolean whether
            // more follow, may hide pages, so neither is read as a last page.
            if !page["error"].is_null() {
                return Err(malformed(format!(
                    "the answer holds an `error` beside its data: {}",
                    page["error"]
                )));
            }
            let data: Vec<T> = serde_json::from_value(page["data"].take())
                .map_err(|error| malformed(format!("`data`: {error}")))?;
            on_page(data.len())?;
            items.extend(data);
            let pagination = &page["pagination"];
            let more = match (pagination, &pagination["hasMore"]) {
                (Value::Object(_), Value::Bool(more)) => *more,
                _ => {
                    return Err(malformed(format!(
                        "`pagination` must be an object whose `hasMore` is true or false, not \
                         {}",
                        excerpt(&pagination.to_string())
                    )));
                }
            };
            if !more {
                return Ok(items);
            }
            let next = pagination["cursor"].as_str().ok_or_else(|| {
                malformed("`hasMore` is true but there is no `cursor`".to_owned())
            })?;
            if !seen.insert(next.to_owned()) {
                return Err(malformed(format!("the cursor `{next}` came back twice")));
            }
            cursor = Some(next.to_owned());
        }
    }

    /// POSTs `body` to `endpoint`, retrying what can be retried, until `deadline` at the
    /// latest (a server that answers a byte at a time is cut off); the parsed 200 body.
    fn post(
        &self,
        endpoint: &str,
        body: &Value,
        api: &str,
        deadline: std::time::Instant,
    ) -> Result<Value, LiveError> {
        let url = format!("{}/v2/{endpoint}", self.base_url);
        let mut delay = self.retry.first_delay;
        let mut attempt = 1;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return Err(out_of_time(self.caps));
            }
            let failure = match self.send(&url, body, left.min(REQUEST_TIME)) {
                Ok((status @ 300..=399, response, _)) => {
                    return Err(LiveError::Redirected {
                        endpoint: endpoint.to_owned(),
                        status,
                        location: self.redact(&response.location.unwrap_or_default()),
                    });
                }
                Ok((200, _, text)) => {
                    return serde_json::from_str(&text).map_err(|error| LiveError::Malformed {
                        endpoint: endpoint.to_owned(),
                        message: format!("invalid JSON: {error}"),
                    });
                }
                Ok((status, response, text)) => {
                    let error = self.failure(endpoint, api, status, &text, attempt)?;
                    if status == 429 {
                        delay = response.wait.unwrap_or(delay);
                    }
                    error
                }
                Err(message) => LiveError::Connection {
                    endpoint: endpoint.to_owned(),
                    message: self.redact(&message),
                },
            };
            if attempt >= self.retry.attempts {
                return Err(failure);
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if delay.min(self.retry.max_delay) >= left {
                return Err(out_of_time(self.caps));
            }
            std::thread::sleep(delay.min(self.retry.max_delay));
            delay = (delay * 2).min(self.retry.max_delay);
            attempt += 1;
        }
    }

    /// What an answer other than a success or a redirect means: an error worth another
    /// attempt (a 429, a 5xx), or, as `Err`, one that ends the reading.
    fn failure(
        &self,
        endpoint: &str,
        api: &str,
        status: u16,
        text: &str,
        attempt: u32,
    ) -> Result<LiveError, LiveError> {
        let detail = self.redact(&detail_of(text));
        let endpoint = endpoint.to_owned();
        match status {
            400 => Err(LiveError::BadRequest { endpoint, detail }),
            401 => Err(LiveError::Unauthorized),
            403 => Err(LiveError::Forbidden { endpoint, detail }),
            404 => Err(LiveError::NotFound {
                endpoint,
                api: api.to_owned(),
            }),
            429 => Ok(LiveError::RateLimited {
                endpoint,
                attempts: attempt,
            }),
            500..=599 => Ok(LiveError::Server {
                endpoint,
                status,
                detail,
            }),
            _ => Err(LiveError::Server {
                endpoint,
                status,
                detail,
            }),
        }
    }

    /// One request, over within `time`: the status, the headers that matter, and the body.
    fn send(
        &self,
        url: &str,
        body: &Value,
        time: Duration,
    ) -> Result<(u16, Headers, String), String> {
        let response = self
            .agent
            .post(url)
            .config()
            .timeout_global(Some(time))
            .build()
            .header("Authorization", &format!("Bearer {}", self.root_key))
            .header("Accept", "application/json")
            .content_type("application/json")
            .send(body.to_string());
        let mut response = response.map_err(|error| error.to_string())?;
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.trim().parse::<u64>().ok())
        };
        let wait = header("Retry-After")
            .or_else(|| header("RateLimit-Reset"))
            .map(Duration::from_secs);
        let location = response
            .headers()
            .get("Location")
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
        let text = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY_BYTES)
            .read_to_string()
            .map_err(|error| error.to_string())?;
        Ok((status, Headers { wait, location }, text))
    }

    /// `text` with the root key replaced, should anything ever echo it.
    fn redact(&self, text: &str) -> String {
        if self.root_key.is_empty() {
            text.to_owned()
        } else {
            text.replace(&self.root_key, "<redacted>")
        }
    }
}

/// What a response's headers say: how long to wait (429), where a redirect points.
struct Headers {
    wait: Option<Duration>,
    location: Option<String>,
}

/// The `detail` of an Unkey error body, or the body itself (shortened) when it is not one.
/// At most this many characters of what a server says are shown.
const SHOWN_CHARS: usize = 300;

/// `text`, cut after [`SHOWN_CHARS`] characters (a server may say a great deal).
fn excerpt(text: &str) -> String {
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((at, _)) => format!("{}… ({} bytes in all)", &text[..at], text.len()),
        None => text.to_owned(),
    }
}

fn detail_of(body: &str) -> String {
    let parsed: Option<Value> = serde_json::from_str(body).ok();
    match parsed
        .as_ref()
        .and_then(|value| value["error"]["detail"].as_str())
    {
        Some(detail) => excerpt(detail),
        None => excerpt(body.trim()),
    }
}
