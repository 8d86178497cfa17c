//! `permspec report` in a real headless Chromium, opened from `file://`: no console error
//! (a blocked request or script would log one), every key and permission in the page, a
//! key named `<script>` shown as text, filtering, sorting and paging through the browser,
//! every row without JavaScript, a print, and a screenshot of each section.
//!
//! Chromium is `PERMSPEC_CHROMIUM`, else `/usr/bin/chromium` (Debian's `chromium`). Without
//! it the tests fail, saying so; `PERMSPEC_SKIP_BROWSER=1` leaves them out on purpose.

mod support;

use headless_chrome::protocol::cdp::Emulation;
use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::{Browser, LaunchOptions, Tab};
use serde_json::Value;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::cli::{permspec, permspec_in};

fn chromium() -> Option<PathBuf> {
    if std::env::var_os("PERMSPEC_SKIP_BROWSER").is_some() {
        eprintln!("browser tests left out: PERMSPEC_SKIP_BROWSER is set");
        return None;
    }
    let path = std::env::var_os("PERMSPEC_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(
        path.exists(),
        "no Chromium at {}: install Debian's `chromium`, set PERMSPEC_CHROMIUM to another \
         build, or leave these tests out with PERMSPEC_SKIP_BROWSER=1",
        path.display()
    );
    Some(path)
}

/// A page of a report in its own browser, with the errors its console reported.
struct Page {
    _browser: Browser,
    tab: Arc<Tab>,
    errors: Arc<Mutex<Vec<String>>>,
}

impl Page {
    /// Opens `file` at 1280x800, with or without JavaScript.
    fn open(chromium: &Path, file: &Path, javascript: bool) -> Page {
        let profile = tempfile::tempdir().unwrap();
        let args: Vec<&OsStr> = [
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ]
        .map(OsStr::new)
        .to_vec();
        let options = LaunchOptions {
            path: Some(chromium.to_owned()),
            sandbox: false,
            window_size: Some((1280, 800)),
            user_data_dir: Some(profile.keep()),
            idle_browser_timeout: Duration::from_secs(120),
            args,
            ..LaunchOptions::default()
        };
        let browser = Browser::new(options).expect("Chromium starts");
        let tab = browser.new_tab().unwrap();
        tab.set_default_timeout(Duration::from_secs(60));
        let errors = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&errors);
        tab.enable_log().unwrap();
        tab.enable_runtime().unwrap();
        tab.add_event_listener(Arc::new(move |event: &Event| {
            let error = match event {
                Event::LogEntryAdded(entry) => {
                    let entry = &entry.params.entry;
                    (format!("{:?}", entry.level) == "Error").then(|| entry.text.clone())
                }
                Event::RuntimeExceptionThrown(thrown) => {
                    Some(thrown.params.exception_details.text.clone())
                }
                Event::RuntimeConsoleAPICalled(called) => (format!("{:?}", called.params.Type)
                    == "Error")
                    .then(|| format!("{:?}", called.params.args)),
                _ => None,
            };
            if let Some(error) = error {
                seen.lock().unwrap().push(error);
            }
        }))
        .unwrap();
        tab.call_method(Emulation::SetDeviceMetricsOverride {
            width: 1280,
            height: 800,
            device_scale_factor: 1.0,
            mobile: false,
            scale: None,
            screen_width: None,
            screen_height: None,
            position_x: None,
            position_y: None,
            dont_set_visible_size: None,
            screen_orientation: None,
            viewport: None,
            display_feature: None,
            device_posture: None,
        })
        .unwrap();
        if !javascript {
            tab.call_method(Emulation::SetScriptExecutionDisabled { value: true })
                .unwrap();
        }
        let url = format!("file://{}", file.canonicalize().unwrap().display());
        tab.navigate_to(&url)
            .unwrap()
            .wait_until_navigated()
            .unwrap();
        Page {
            _browser: browser,
            tab,
            errors,
        }
    }

    /// The value of `expression`, which returns JSON text.
    fn json(&self, expression: &str) -> Value {
        let result = self.tab.evaluate(expression, false).unwrap();
        let text = result.value.expect("a value");
        serde_json::from_str(text.as_str().expect("JSON text")).unwrap()
    }

    /// The first cells of the rows of table `id` that show.
    fn shown(&self, id: &str) -> Vec<String> {
        let expression = format!(
            "JSON.stringify([...document.querySelectorAll('#{id} > tbody > tr')]
                .filter(row => getComputedStyle(row).display !== 'none')
                .map(row => row.cells[0].firstChild.textContent))"
        );
        serde_json::from_value(self.json(&expression)).unwrap()
    }

    fn assert_no_console_error(&self) {
        let errors = self.errors.lock().unwrap();
        assert!(errors.is_empty(), "console errors: {errors:?}");
    }
}

/// The report of `args` written to `directory/review.html`, and its JSON.
fn reports(directory: &Path, args: &[&str]) -> (PathBuf, Value) {
    let html = directory.join("review.html");
    let json = directory.join("review.json");
    for (format, path) in [("html", &html), ("json", &json)] {
        let mut all = vec![
            "report",
            "--now",
            "2026-12-01T00:00:00Z",
            "--format",
            format,
        ];
        all.extend(args);
        all.extend(["-o", path.to_str().unwrap()]);
        let run = permspec(&all);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    (html, value)
}

fn names(review: &Value, table: &str, field: &str) -> Vec<String> {
    let rows = review[table].as_array().unwrap();
    let names = rows.iter().map(|row| row[field].as_str().unwrap());
    // The page shows control characters escaped, as every output does.
    names
        .map(|name| permspec::printable::escaped(name).into_owned())
        .collect()
}

#[test]
fn every_key_and_permission_shows_and_markup_in_names_stays_text() {
    let Some(chromium) = chromium() else { return };
    let directory = tempfile::tempdir().unwrap();
    let (html, review) = reports(directory.path(), &["fixtures/report/policy.yaml"]);
    let page = Page::open(&chromium, &html, true);
    assert_eq!(page.shown("what-can-table"), names(&review, "keys", "name"));
    assert_eq!(
        page.shown("who-can-table"),
        names(&review, "permissions", "permission")
    );
    assert_eq!(page.shown("roles-table"), names(&review, "roles", "name"));
    assert_eq!(
        page.json("JSON.stringify(typeof window.pwned)"),
        "undefined"
    );
    let scripts = page.json("JSON.stringify(document.scripts.length)");
    assert_eq!(scripts, 1, "only the page's own script");
    page.assert_no_console_error();
}

#[test]
fn filter_sort_and_pages_through_the_browser_and_every_row_without_javascript() {
    let Some(chromium) = chromium() else { return };
    let directory = tempfile::tempdir().unwrap();
    let suite = directory.path().join("suite");
    let generated = permspec_in(
        directory.path(),
        &[
            "generate",
            "suite",
            "--keys",
            "300",
            "--catalog",
            "250",
            "--cases",
            "50",
        ],
    );
    assert_eq!(generated.code, 0, "{}", generated.stderr);
    let (html, _) = reports(directory.path(), &[suite.to_str().unwrap()]);

    let page = Page::open(&chromium, &html, true);
    let first_page = page.shown("what-can-table");
    assert_eq!(first_page.len(), 200, "a page of rows");
    assert_eq!(first_page[0], "k0");
    let status = "JSON.stringify(document.querySelector('#what-can [role=status]').textContent)";
    assert_eq!(page.json(status), "Rows 1\u{2013}200 of 300");
    let next = "#what-can .controls button:nth-of-type(2)";
    page.tab.find_element(next).unwrap().click().unwrap();
    assert_eq!(page.shown("what-can-table").len(), 100, "the second page");

    // Filter from the keyboard: focus the field and type.
    let filter = page
        .tab
        .find_element("#what-can input[type=search]")
        .unwrap();
    filter.focus().unwrap();
    page.tab.type_str("k12").unwrap();
    let shown = page.shown("what-can-table");
    assert_eq!(
        shown,
        [
            "k12", "k120", "k121", "k122", "k123", "k124", "k125", "k126", "k127", "k128", "k129"
        ]
    );
    // Sort by key, then the other way, with Enter on the header's button.
    let sort = page
        .tab
        .find_element("#what-can-table th:first-child button")
        .unwrap();
    sort.focus().unwrap();
    page.tab.press_key("Enter").unwrap();
    page.tab.press_key("Enter").unwrap();
    let shown = page.shown("what-can-table");
    assert_eq!(shown.first().map(String::as_str), Some("k129"));
    assert_eq!(shown.last().map(String::as_str), Some("k12"));
    let order = "JSON.stringify(document.querySelector('#what-can-table th:first-child').getAttribute('aria-sort'))";
    assert_eq!(page.json(order), "descending");
    page.assert_no_console_error();

    let without = Page::open(&chromium, &html, false);
    assert_eq!(
        without.shown("what-can-table").len(),
        300,
        "every row without script"
    );
    let controls = "JSON.stringify(document.querySelectorAll('.controls').length)";
    assert_eq!(without.json(controls), 0);
    without.assert_no_console_error();
}

#[test]
fn prints_and_a_screenshot_of_each_section() {
    let Some(chromium) = chromium() else { return };
    let directory = tempfile::tempdir().unwrap();
    let (html, _) = reports(directory.path(), &["policies"]);
    let page = Page::open(&chromium, &html, true);
    let pdf = page.tab.print_to_pdf(None).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let closed = "window.dispatchEvent(new Event('beforeprint')); \
        JSON.stringify(document.querySelectorAll('details:not([open])').length)";
    assert_eq!(page.json(closed), 0, "a print opens every disclosure");
    page.tab
        .evaluate("window.dispatchEvent(new Event('afterprint'))", false)
        .unwrap();

    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-screenshots");
    std::fs::create_dir_all(&target).unwrap();
    let sections = page.json(
        "JSON.stringify([...document.querySelectorAll('main > section')].map(section => section.id))",
    );
    for section in sections.as_array().unwrap() {
        let id = section.as_str().unwrap();
        page.tab
            .evaluate(
                &match id {
                    "summary" => "window.scrollTo(0, 0)".to_owned(),
                    id => format!(
                        "document.getElementById('{id}').scrollIntoView(); window.scrollBy(0, -40)"
                    ),
                },
                false,
            )
            .unwrap();
        let png = page
            .tab
            .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
            .unwrap();
        assert!(png.len() > 10_000, "{id}: a page, not a blank");
        std::fs::write(target.join(format!("{id}.png")), &png).unwrap();
        if std::env::var_os("PERMSPEC_WRITE_DOCS").is_some() {
            std::fs::write(format!("docs/report/{id}.png"), &png).unwrap();
        }
    }
    page.assert_no_console_error();
}
