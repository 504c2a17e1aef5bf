//! axe-core in the page under test.
//!
//! `tests/axe/axe.min.js` is axe-core 4.14.1 (Deque Systems, MPL-2.0, its
//! licence header at the top of the file), unchanged from the npm package:
//! `npm pack axe-core@4.14.1`, then `package/axe.min.js` from the tarball
//! (sha256 29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c).
//! To update, replace the file with a newer release's and change this note.
//!
//! The rules run are WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best
//! practices; a test fails on the violations axe rates serious or critical.

use std::fmt;

use serde_json::{json, Value};

use super::browser::Browser;

const AXE: &str = include_str!("../axe/axe.min.js");

const RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  resultTypes: ['violations'],
}).then((results) => done(results.violations.map((v) => ({
  id: v.id,
  impact: v.impact,
  help: v.help,
  nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
})))).catch((e) => done({ error: String(e) }));
"#;

/// One rule axe found broken, with the elements that break it.
#[derive(Clone, Debug)]
pub struct Violation {
    pub rule: String,
    pub impact: String,
    pub help: String,
    /// (CSS selector, HTML, why) of each element.
    pub nodes: Vec<(String, String, String)>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "- {} ({}): {}", self.rule, self.impact, self.help)?;
        for (target, html, why) in &self.nodes {
            let html: String = html.chars().take(200).collect();
            writeln!(f, "    {target}: {html}")?;
            for line in why.lines() {
                writeln!(f, "      {line}")?;
            }
        }
        Ok(())
    }
}

/// Every violation axe finds in the page, whatever its impact.
pub async fn all(browser: &Browser) -> Vec<Violation> {
    let loaded = browser
        .script("return typeof window.axe === 'object'", vec![])
        .await;
    if loaded != json!(true) {
        browser.script(AXE, vec![]).await;
    }
    let answer = browser
        .client
        .execute_async(RUN, vec![])
        .await
        .unwrap_or_else(|e| panic!("axe did not run: {e}"));
    if let Some(error) = answer.get("error") {
        panic!("axe failed: {error}");
    }
    answer
        .as_array()
        .expect("a list of violations")
        .iter()
        .map(|v| Violation {
            rule: text(&v["id"]),
            impact: text(&v["impact"]),
            help: text(&v["help"]),
            nodes: v["nodes"]
                .as_array()
                .map(|nodes| {
                    nodes
                        .iter()
                        .map(|n| (text(&n["target"]), text(&n["html"]), text(&n["summary"])))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}

/// The serious and critical ones.
pub async fn run(browser: &Browser) -> Vec<Violation> {
    all(browser)
        .await
        .into_iter()
        .filter(|v| v.impact == "serious" || v.impact == "critical")
        .collect()
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}
