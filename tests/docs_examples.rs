//! The console examples of docs/least-privilege.md run as they are written: each command,
//! from the repository's root, exits 0 and prints the lines shown, in order (`...` stands
//! for lines left out).

mod support;

use support::cli::permspec;

/// The commands and shown output of every ```console block of `doc`.
fn examples(doc: &str) -> Vec<(Vec<String>, Vec<String>)> {
    let mut found = Vec::new();
    for block in doc.split("```console\n").skip(1) {
        let block = block.split("```").next().unwrap();
        let mut lines = block.lines().peekable();
        let mut command = lines.next().unwrap().strip_prefix("$ ").unwrap().to_owned();
        while command.ends_with('\\') {
            command.pop();
            command.push(' ');
            command.push_str(lines.next().unwrap().trim());
        }
        let shown = lines.map(str::to_owned).collect();
        found.push((shell_words(&command), shown));
    }
    found
}

/// `command` split as a shell splits it, for the words the examples use (plain, or in
/// single quotes).
fn shell_words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut started = false;
    for c in command.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                started = true;
            }
            ' ' if !quoted => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            _ => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

#[test]
fn the_least_privilege_examples_print_what_the_page_shows() {
    let doc = std::fs::read_to_string("docs/least-privilege.md").unwrap();
    let examples = examples(&doc);
    assert_eq!(examples.len(), 3, "one example per task");
    for (words, shown) in examples {
        assert_eq!(words[0], "permspec");
        let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
        let run = permspec(&args);
        assert_eq!(run.code, 0, "{words:?}: {}", run.stderr);
        let mut printed = run.stdout.lines();
        for line in shown.iter().filter(|line| *line != "...") {
            assert!(
                printed.any(|out| out == line),
                "{words:?} does not print, in order:\n{line}\n--- it printed:\n{}",
                run.stdout
            );
        }
    }
}
