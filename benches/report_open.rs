//! How fast a generated access report opens and answers in headless Chromium: the
//! navigation's DOMContentLoaded and load times, and how long a filter and a sort of the
//! largest table take (each with the layout it causes), the median of five opens.
//!   cargo bench --bench report_open -- REPORT.html     (benches/report.sh makes one)
//! Chromium is `PERMSPEC_CHROMIUM`, else `/usr/bin/chromium`.

use headless_chrome::{Browser, LaunchOptions};
use std::ffi::OsStr;
use std::path::PathBuf;
use std::time::Duration;

const OPENS: usize = 5;

/// Milliseconds: DOMContentLoaded, load, filter, sort.
const MEASURE: &str = r#"(() => {
    const navigation = performance.getEntriesByType('navigation')[0];
    const input = document.querySelector('#what-can input[type=search]');
    let start = performance.now();
    input.value = 'k12';
    input.dispatchEvent(new Event('input'));
    document.body.offsetHeight;
    const filter = performance.now() - start;
    input.value = '';
    input.dispatchEvent(new Event('input'));
    start = performance.now();
    document.querySelector('#what-can-table th:first-child button').click();
    document.body.offsetHeight;
    const sort = performance.now() - start;
    return JSON.stringify([navigation.domContentLoadedEventEnd, navigation.loadEventEnd, filter, sort]);
})()"#;

fn main() {
    let Some(report) = std::env::args().skip(1).rfind(|arg| !arg.starts_with("--")) else {
        eprintln!("usage: cargo bench --bench report_open -- REPORT.html");
        std::process::exit(2);
    };
    let report = PathBuf::from(report)
        .canonicalize()
        .expect("the report exists");
    let chromium = std::env::var_os("PERMSPEC_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let flags = [
        "--disable-background-networking",
        "--disable-component-update",
    ];
    let options = LaunchOptions {
        path: Some(chromium),
        sandbox: false,
        window_size: Some((1280, 800)),
        idle_browser_timeout: Duration::from_secs(300),
        args: flags.map(OsStr::new).to_vec(),
        ..LaunchOptions::default()
    };
    let browser = Browser::new(options).expect("Chromium starts");
    let mut samples: Vec<Vec<f64>> = Vec::new();
    for _ in 0..OPENS {
        let tab = browser.new_tab().expect("a tab");
        tab.set_default_timeout(Duration::from_secs(120));
        let url = format!("file://{}", report.display());
        tab.navigate_to(&url)
            .and_then(|tab| tab.wait_until_navigated())
            .expect("it opens");
        let value = tab
            .evaluate(MEASURE, false)
            .expect("measured")
            .value
            .expect("a value");
        samples.push(serde_json::from_str(value.as_str().expect("JSON text")).expect("numbers"));
        tab.close(false).expect("closed");
    }
    let names = ["DOMContentLoaded", "load", "filter", "sort"];
    for (column, name) in names.iter().enumerate() {
        let mut values: Vec<f64> = samples.iter().map(|sample| sample[column]).collect();
        values.sort_by(f64::total_cmp);
        println!(
            "{name:<17} {:8.0} ms (median of {OPENS})",
            values[OPENS / 2]
        );
    }
}
