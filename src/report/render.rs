//! miette reports rendered deterministically: the same input gives the same text, whatever
//! the terminal, so that output can be snapshot-tested and diffed in CI logs.

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, NamedSource, Report};
use std::io::IsTerminal;

/// When to use colour in human output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is unset.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour output written to standard error.
    pub fn for_stderr(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
                    && std::io::stderr().is_terminal()
            }
        }
    }
}

/// Renders diagnostics as miette's graphical reports, 80 columns wide, without hyperlinks.
pub struct Renderer {
    handler: GraphicalReportHandler,
}

impl Renderer {
    /// A renderer with or without colour.
    pub fn new(color: bool) -> Self {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        Renderer {
            handler: GraphicalReportHandler::new_themed(theme)
                .with_width(80)
                .with_links(false),
        }
    }

    /// Renders a diagnostic that carries its own source code (or needs none).
    pub fn render(&self, diagnostic: &dyn Diagnostic) -> String {
        let mut out = String::new();
        self.handler
            .render_report(&mut out, diagnostic)
            .expect("writing to a String cannot fail");
        out
    }

    /// Renders `diagnostic` with labels pointing into `source`, shown under `name`.
    pub fn render_in<D>(&self, diagnostic: D, name: &str, source: &str) -> String
    where
        D: Diagnostic + Send + Sync + 'static,
    {
        let report = Report::new(diagnostic)
            .with_source_code(NamedSource::new(name, source.to_owned()).with_language("text"));
        self.render(report.as_ref())
    }
}
