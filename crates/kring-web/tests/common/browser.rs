//! Headless Chromium, driven through chromedriver with fantoccini, and what a
//! test does with it as a person would: open a page, fill a field by its
//! label, press a button by its name, wait until something shows, take a
//! screenshot, run axe-core.
//!
//! Each [`Browser`] has its own chromedriver on a free port and its own fresh
//! Chromium profile (`--user-data-dir`). Dropping it ends the WebDriver
//! session (Chromium quits), stops chromedriver, ends any Chromium process
//! left with its profile, and removes the profile: also when a test fails.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use base64::Engine;
use fantoccini::elements::{Element, ElementRef};
use fantoccini::key::Key;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

use super::{eventually, Server, WAIT};

/// The two window sizes every page is looked at in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// 1280×800.
    Desktop,
    /// 390×844, a phone held upright.
    Phone,
}

impl Size {
    pub const BOTH: [Size; 2] = [Size::Desktop, Size::Phone];

    pub fn pixels(self) -> (u32, u32) {
        match self {
            Size::Desktop => (1280, 800),
            Size::Phone => (390, 844),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Size::Desktop => "desktop",
            Size::Phone => "phone",
        }
    }
}

/// Where Chromium and chromedriver are.
#[derive(Clone, Debug)]
pub struct Tools {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

/// Finds Debian's Chromium and chromedriver (or the ones named by
/// `KRING_CHROMIUM` and `KRING_CHROMEDRIVER`). Fails the test when either is
/// missing: the browser tests are part of the suite, not optional.
pub fn tools() -> Tools {
    let find = |variable: &str, names: &[&str], places: &[&str]| -> Option<PathBuf> {
        if let Some(path) = std::env::var_os(variable) {
            return Some(PathBuf::from(path));
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        for name in names {
            for dir in std::env::split_paths(&path) {
                let candidate = dir.join(name);
                if candidate.is_file() {
                    return Some(candidate);
                }
            }
        }
        places.iter().map(PathBuf::from).find(|p| p.is_file())
    };
    let chromium = find(
        "KRING_CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
        &["/usr/lib/chromium/chromium"],
    );
    let chromedriver = find(
        "KRING_CHROMEDRIVER",
        &["chromedriver"],
        &["/usr/lib/chromium/chromedriver"],
    );
    match (chromium, chromedriver) {
        (Some(chromium), Some(chromedriver)) => Tools {
            chromium,
            chromedriver,
        },
        (chromium, chromedriver) => panic!(
            "the browser tests need Chromium and chromedriver (found: chromium {chromium:?}, \
             chromedriver {chromedriver:?}). Run `bash scripts/test.sh`, which installs them, or \
             `apt-get install chromium chromium-driver`; or name them in KRING_CHROMIUM and \
             KRING_CHROMEDRIVER."
        ),
    }
}

/// A chromedriver process of one browser: killed when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    async fn start(tools: &Tools, log: &Path) -> Driver {
        let mut last = String::new();
        // A free port can be taken between looking and listening: try again.
        for _ in 0..3 {
            let port = free_port();
            // Its own process group, which its Chromium joins: one id to
            // end them all by.
            let child = Command::new(&tools.chromedriver)
                .arg(format!("--port={port}"))
                .arg(format!("--log-path={}", log.display()))
                .process_group(0)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", tools.chromedriver.display()));
            // Should the test process be killed outright (no `Drop` then), a
            // watchdog ends the group once the test process is gone.
            let watchdog = format!(
                "while kill -0 {test} 2>/dev/null && kill -0 {group} 2>/dev/null; do sleep 1; done; \
                 kill -9 -{group} 2>/dev/null",
                test = std::process::id(),
                group = child.id(),
            );
            let _ = Command::new("sh")
                .args(["-c", &watchdog])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn();
            let mut driver = Driver { child, port };
            match driver.ready().await {
                Ok(()) => return driver,
                Err(why) => last = why,
            }
        }
        panic!("chromedriver did not start: {last}");
    }

    /// Waits until chromedriver answers `/status` as ready, or has exited.
    async fn ready(&mut self) -> Result<(), String> {
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("it exited with {status}"));
            }
            if let Ok((200, body)) = http(self.port, "GET", "/status", None) {
                if body.contains("\"ready\":true") {
                    return Ok(());
                }
            }
            if std::time::Instant::now() > deadline {
                return Err(format!("no answer on port {} within {WAIT:?}", self.port));
            }
            tokio::time::sleep(super::POLL).await;
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and whatever Chromium it left.
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A small blocking HTTP/1.1 exchange with chromedriver: used where no async
/// runtime can be relied on (in `Drop`). Status and body.
fn http(port: u16, method: &str, path: &str, body: Option<&str>) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(WAIT))?;
    stream.set_write_timeout(Some(WAIT))?;
    let body = body.unwrap_or("");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    // chromedriver keeps the connection open: read the head, then exactly
    // Content-Length bytes.
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte)? == 0 {
            break;
        }
        raw.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&raw).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let length = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body)?;
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

/// A Chrome DevTools command through chromedriver (`goog/cdp/execute`).
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({ "cmd": self.cmd, "params": self.params }).to_string()),
        )
    }
}

/// One headless Chromium window on a Kring server.
pub struct Browser {
    pub client: Client,
    /// The server's address, `http://127.0.0.1:<port>`.
    pub base: String,
    pub size: Size,
    session: String,
    // Dropped in this order, after `Drop::drop` ended the session.
    driver: Driver,
    profile: tempfile::TempDir,
}

/// Find-by-name in the page: the controls of a kind whose accessible name is
/// `wanted` (exactly; else ignoring case; else starting with it), among the
/// visible ones under `root`. Answers the matches and every name seen.
const FIND_BY_NAME: &str = r#"
const [kind, wanted, root] = arguments;
const scope = root || document;
const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
const visible = (el) => {
  if (el.type === 'radio' || el.type === 'checkbox') {
    const label = el.labels && el.labels[0];
    if (label && (label.checkVisibility ? label.checkVisibility({ checkVisibilityCSS: true })
      : (label.offsetWidth || label.offsetHeight))) return true;
  }
  // checkVisibility also sees through a closed <details> (content-visibility).
  if (el.checkVisibility) return el.checkVisibility({ checkVisibilityCSS: true });
  return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
    && getComputedStyle(el).visibility !== 'hidden';
};
const textOf = (ids) => norm(ids.split(/\s+/).map((id) => {
  const e = document.getElementById(id); return e ? e.textContent : '';
}).join(' '));
const nameOf = (el) => {
  const by = el.getAttribute('aria-labelledby');
  if (by && textOf(by)) return textOf(by);
  const label = el.getAttribute('aria-label');
  if (label && norm(label)) return norm(label);
  if (kind === 'field') {
    if (el.labels && el.labels.length) {
      return norm(Array.from(el.labels).map((l) => {
        const copy = l.cloneNode(true);
        copy.querySelectorAll('select, textarea, input').forEach((c) => c.remove());
        return copy.textContent;
      }).join(' '));
    }
    return norm(el.getAttribute('title') || el.getAttribute('placeholder'));
  }
  if (el.tagName === 'INPUT') return norm(el.value);
  return norm(el.textContent) || norm(el.getAttribute('title'));
};
const selector = {
  field: 'input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]), select, textarea',
  button: 'button, input[type=submit], input[type=button], [role=button], summary',
  link: 'a[href], [role=link]',
}[kind];
const named = Array.from(scope.querySelectorAll(selector)).filter(visible).map((el) => [el, nameOf(el)]);
const lower = wanted.toLowerCase();
let hits = named.filter(([, n]) => n === wanted);
if (!hits.length) hits = named.filter(([, n]) => n.toLowerCase() === lower);
if (!hits.length) hits = named.filter(([, n]) => n.toLowerCase().startsWith(lower));
// Several alike (a link in the header and one in the page): the page's own.
if (hits.length > 1 && !root) {
  const inMain = hits.filter(([el]) => el.closest('main'));
  if (inMain.length) hits = inMain;
}
return {
  found: hits.map(([el]) => el),
  names: named.map(([, n]) => n),
  hits: hits.map(([el, n]) => n + ' = ' + el.outerHTML.slice(0, 160)),
};
"#;

/// The innermost list item, row, article, section, fieldset or form under
/// `root` whose text contains `wanted`: for "the Claim button of Friday's meal".
const FIND_ITEM: &str = r#"
const [wanted, root] = arguments;
const scope = root || document;
const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
const items = Array.from(scope.querySelectorAll('li, tr, article, section, fieldset, form, details, dd'))
  .filter((el) => norm(el.innerText).includes(wanted));
const innermost = items.filter((el) => !items.some((other) => other !== el && el.contains(other)));
return innermost;
"#;

/// What the focused element is, for keyboard journeys: its tag, type and name.
const FOCUSED: &str = r#"
const el = document.activeElement;
if (!el || el === document.body) return 'nothing';
const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
let name = el.getAttribute('aria-label') || '';
if (!name && el.labels && el.labels.length) name = el.labels[0].textContent;
if (!name) name = el.tagName === 'INPUT' ? (el.value || el.name) : el.textContent;
return el.tagName.toLowerCase() + (el.type ? '[' + el.type + ']' : '') + ': ' + norm(name);
"#;

impl Browser {
    /// A fresh browser of `size` on `server`, in English.
    pub async fn open(server: &Server, size: Size) -> Browser {
        Browser::open_in(server, size, "en").await
    }

    /// A fresh browser whose preferred language is `lang` (`en`, `nl`).
    pub async fn open_in(server: &Server, size: Size, lang: &str) -> Browser {
        let tools = tools();
        let profile = tempfile::Builder::new()
            .prefix("kring-chromium-")
            .tempdir()
            .expect("a profile folder");
        let driver = Driver::start(&tools, &profile.path().join("chromedriver.log")).await;
        let (width, height) = size.pixels();
        let user_data = profile.path().join("profile");
        let args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--hide-scrollbars".to_owned(),
            // No smooth scrolling (the pages scroll smoothly unless motion is
            // reduced): WebDriver scrolls a button into view and clicks at
            // once, which misses while the page is still gliding.
            "--force-prefers-reduced-motion".to_owned(),
            format!("--user-data-dir={}", user_data.display()),
            format!("--window-size={width},{height}"),
            format!("--lang={lang}"),
        ];
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": tools.chromium,
                "args": args,
                "prefs": { "intl.accept_languages": lang },
            }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .unwrap_or_else(|e| panic!("cannot start Chromium through chromedriver: {e}"));
        let session = client
            .session_id()
            .await
            .ok()
            .flatten()
            .expect("a WebDriver session");
        let browser = Browser {
            client,
            base: server.base.clone(),
            size,
            session,
            driver,
            profile,
        };
        // The viewport, not the window, is what the page lays out in.
        let mut browser = browser;
        browser.resize(size).await;
        browser
    }

    /// Moves to another server (the same address after a restart needs nothing).
    pub fn on(&mut self, server: &Server) {
        self.base = server.base.clone();
    }

    /// Goes to `path` on the server and waits until the page has loaded.
    pub async fn go(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    /// The current address without the server: path and query.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("the current URL");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Runs `script` in the page with `args`; its answer.
    pub async fn script(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Like [`Browser::script`], an error while the page is changing (a
    /// navigation in flight) being a "not yet".
    async fn try_script(&self, script: &str, args: Vec<Value>) -> Result<Value, String> {
        self.client
            .execute(script, args)
            .await
            .map_err(|e| e.to_string())
    }

    pub async fn cdp(&self, cmd: &'static str, params: Value) -> Value {
        self.client
            .issue_cmd(Cdp { cmd, params })
            .await
            .unwrap_or_else(|e| panic!("DevTools {cmd}: {e}"))
    }

    /// The visible text of the page.
    pub async fn text(&self) -> String {
        self.try_script(
            "return document.body ? document.body.innerText : ''",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
    }

    /// Waits until the page shows `text` (in its visible text).
    pub async fn wait_for_text(&self, text: &str) {
        eventually(WAIT, &format!("{text:?} on the page"), || async {
            let shown = self.text().await;
            if shown.contains(text) {
                Ok(())
            } else {
                Err(self.describe(&shown).await)
            }
        })
        .await
    }

    /// Waits until the page no longer shows `text`.
    pub async fn wait_for_text_gone(&self, text: &str) {
        eventually(WAIT, &format!("{text:?} to leave the page"), || async {
            let shown = self.text().await;
            if shown.contains(text) {
                Err(self.describe(&shown).await)
            } else {
                Ok(())
            }
        })
        .await
    }

    /// The element matching the CSS selector `css`, visible or not; waits for it.
    pub async fn find(&self, css: &str) -> Element {
        eventually(WAIT, &format!("an element {css:?}"), || async {
            match self.client.find(Locator::Css(css)).await {
                Ok(element) => Ok(element),
                Err(e) => Err(format!("{e} at {}", self.path().await)),
            }
        })
        .await
    }

    /// The text of the element matching `css` (waits for it).
    pub async fn text_of(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap_or_default()
    }

    /// Waits until an element matching the CSS selector `css` is visible.
    pub async fn wait_for(&self, css: &str) -> Element {
        eventually(WAIT, &format!("an element {css:?}"), || async {
            match self.client.find(Locator::Css(css)).await {
                Ok(element) if element.is_displayed().await.unwrap_or(false) => Ok(element),
                Ok(_) => Err(format!("{css} is there but hidden")),
                Err(e) => Err(format!("{e} at {}", self.path().await)),
            }
        })
        .await
    }

    /// Waits until the address (path and query) starts with `path`.
    pub async fn wait_for_path(&self, path: &str) {
        eventually(WAIT, &format!("the address {path}"), || async {
            let here = self.path().await;
            if here.starts_with(path) {
                Ok(())
            } else {
                Err(here)
            }
        })
        .await
    }

    async fn describe(&self, shown: &str) -> String {
        let excerpt: String = shown.chars().take(1500).collect();
        format!("at {}: {excerpt}", self.path().await)
    }

    /// The one visible control of `kind` named `name` under `root`; waits for it.
    async fn named(&self, kind: &str, name: &str, root: Option<&Element>) -> Element {
        let root = root.map_or(Value::Null, |r| {
            serde_json::to_value(r).expect("an element")
        });
        eventually(WAIT, &format!("one {kind} named {name:?}"), || {
            let root = root.clone();
            async move {
                let answer = self
                    .try_script(FIND_BY_NAME, vec![json!(kind), json!(name), root])
                    .await?;
                let found = answer["found"].as_array().cloned().unwrap_or_default();
                match found.as_slice() {
                    [one] => Ok(self.element(one)),
                    [] => Err(format!(
                        "none at {}; the {kind}s there are named {}",
                        self.path().await,
                        answer["names"]
                    )),
                    many => Err(format!(
                        "{} of them at {} (name a part of the page with `item`): {}",
                        many.len(),
                        self.path().await,
                        answer["hits"]
                    )),
                }
            }
        })
        .await
    }

    fn element(&self, reference: &Value) -> Element {
        let id = reference
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("not an element: {reference}"));
        Element::from_element_id(self.client.clone(), ElementRef::from(id.to_owned()))
    }

    /// The innermost list item, row, article, section, fieldset or form that
    /// shows `text`: to act on one of several alike (`click_in`, `fill_in`).
    pub async fn item(&self, text: &str) -> Element {
        eventually(
            WAIT,
            &format!("one part of the page showing {text:?}"),
            || async {
                let found = self
                    .try_script(FIND_ITEM, vec![json!(text), Value::Null])
                    .await?;
                match found.as_array().map(Vec::as_slice) {
                    Some([one]) => Ok(self.element(one)),
                    Some([]) | None => Err(self.describe(&self.text().await).await),
                    Some(many) => Err(format!("{} parts show it", many.len())),
                }
            },
        )
        .await
    }

    /// The one element matching the CSS selector `css` that shows `text`
    /// (a member's card, a request): to act on it (`click_in`, `fill_in`).
    pub async fn card(&self, css: &str, text: &str) -> Element {
        eventually(WAIT, &format!("one {css} showing {text:?}"), || async {
            let found = self
                .try_script(
                    "return Array.from(document.querySelectorAll(arguments[0])) \
                       .filter((el) => el.innerText.includes(arguments[1]))",
                    vec![json!(css), json!(text)],
                )
                .await?;
            match found.as_array().map(Vec::as_slice) {
                Some([one]) => Ok(self.element(one)),
                Some(many) => Err(format!("{} of them at {}", many.len(), self.path().await)),
                None => Err(found.to_string()),
            }
        })
        .await
    }

    /// Types `value` into the field labelled `label`, replacing what was
    /// there; a select gets the option shown as `value`.
    pub async fn fill(&self, label: &str, value: &str) {
        self.fill_control(self.named("field", label, None).await, label, value)
            .await;
    }

    /// [`Browser::fill`] within one part of the page (see [`Browser::item`]).
    pub async fn fill_in(&self, item: &Element, label: &str, value: &str) {
        self.fill_control(self.named("field", label, Some(item)).await, label, value)
            .await;
    }

    async fn fill_control(&self, field: Element, label: &str, value: &str) {
        let tag = field.tag_name().await.unwrap_or_default().to_lowercase();
        let kind = field.attr("type").await.ok().flatten().unwrap_or_default();
        if tag == "select" {
            field
                .select_by_label(value)
                .await
                .unwrap_or_else(|e| panic!("choose {value:?} in {label:?}: {e}"));
            return;
        }
        if ["date", "time", "datetime-local", "number"].contains(&kind.as_str()) {
            // Typing into these depends on the browser's locale: set the value
            // as a script would, and tell the page it changed.
            self.script(
                "arguments[0].value = arguments[1]; \
                 arguments[0].dispatchEvent(new Event('input', {bubbles: true})); \
                 arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
                vec![serde_json::to_value(&field).unwrap(), json!(value)],
            )
            .await;
            return;
        }
        field
            .clear()
            .await
            .unwrap_or_else(|e| panic!("clear {label:?}: {e}"));
        field
            .send_keys(value)
            .await
            .unwrap_or_else(|e| panic!("type into {label:?}: {e}"));
    }

    /// Ticks the checkbox or chooses the radio button labelled `label`.
    pub async fn choose(&self, label: &str) {
        let field = self.named("field", label, None).await;
        if !field.is_selected().await.unwrap_or(false) {
            self.press(&field, label).await;
        }
    }

    /// [`Browser::choose`] within one part of the page (see [`Browser::item`]).
    pub async fn choose_in(&self, item: &Element, label: &str) {
        let field = self.named("field", label, Some(item)).await;
        if !field.is_selected().await.unwrap_or(false) {
            self.press(&field, label).await;
        }
    }

    /// Presses the button whose accessible name is `name`.
    pub async fn click(&self, name: &str) {
        let button = self.named("button", name, None).await;
        self.press(&button, name).await;
    }

    /// [`Browser::click`] within one part of the page (see [`Browser::item`]).
    pub async fn click_in(&self, item: &Element, name: &str) {
        let button = self.named("button", name, Some(item)).await;
        self.press(&button, name).await;
    }

    /// Follows the link whose accessible name is `name`.
    pub async fn follow(&self, name: &str) {
        let link = self.named("link", name, None).await;
        self.press(&link, name).await;
    }

    async fn press(&self, element: &Element, name: &str) {
        if element.click().await.is_ok() {
            return;
        }
        // Covered by something (a sticky header): bring it to the middle.
        self.script(
            "arguments[0].scrollIntoView({block: 'center'})",
            vec![serde_json::to_value(element).unwrap()],
        )
        .await;
        if let Err(e) = element.click().await {
            let seen = self
                .script(
                    "const r = arguments[0].getBoundingClientRect(); \
                     const x = r.left + r.width / 2, y = r.top + r.height / 2; \
                     const top = document.elementFromPoint(x, y); \
                     return {rect: [r.left, r.top, r.width, r.height], \
                             viewport: [innerWidth, innerHeight, visualViewport.width, visualViewport.height], \
                             scroll: [scrollX, scrollY], \
                             on_top: top ? top.outerHTML.slice(0, 200) : null}",
                    vec![serde_json::to_value(element).unwrap()],
                )
                .await;
            panic!("press {name:?}: {e}\n{seen}");
        }
    }

    /// Sends keys to whatever has the focus (`Key::Tab`, `Key::Enter`, text).
    pub async fn keys(&self, keys: &str) {
        let focused = self
            .client
            .active_element()
            .await
            .expect("an element with the focus");
        focused
            .send_keys(keys)
            .await
            .unwrap_or_else(|e| panic!("send keys: {e}"));
    }

    /// Presses Tab until the focus is on `wanted` (as [`Browser::focused`]
    /// describes it, e.g. `input[email]: E-mail`), at most `most` times;
    /// the stops on the way.
    pub async fn tab_to(&self, wanted: &str, most: usize) -> Vec<String> {
        let mut stops = vec![];
        for _ in 0..most {
            self.keys(&Key::Tab.to_string()).await;
            let here = self.focused().await;
            stops.push(here.clone());
            if here.contains(wanted) {
                return stops;
            }
        }
        panic!("{wanted:?} never had the focus after {most} tabs: {stops:#?}");
    }

    /// What has the focus: `tag[type]: name`.
    pub async fn focused(&self) -> String {
        self.script(FOCUSED, vec![])
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Looks at the page as it is at both sizes: a screenshot of each
    /// (`<name>-desktop.png`, `<name>-phone.png`) and axe-core's check, which
    /// fails the test on serious or critical violations. The window gets its
    /// own size back afterwards.
    pub async fn look(&mut self, name: &str) {
        let own = self.size;
        for size in [own, other(own)] {
            self.resize(size).await;
            self.screenshot(name).await;
            self.assert_accessible(name).await;
        }
        self.resize(own).await;
    }

    /// Makes the window `size`: the page lays out again at that width.
    pub async fn resize(&mut self, size: Size) {
        let (width, height) = size.pixels();
        // Exactly this viewport, whatever frame the window has around it.
        self.viewport(width, u64::from(height)).await;
        eventually(WAIT, &format!("a {width}×{height} viewport"), || async {
            let viewport = self
                .try_script("return [window.innerWidth, window.innerHeight]", vec![])
                .await?;
            if viewport == json!([width, height]) {
                Ok(())
            } else {
                Err(viewport.to_string())
            }
        })
        .await;
        self.size = size;
    }

    async fn viewport(&self, width: u32, height: u64) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false }),
        )
        .await;
    }

    /// Saves the whole page (beyond the window) as
    /// `target/screenshots/<name>-<desktop|phone>.png`; the file.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let size = self
            .script(
                "const d = document.documentElement; \
                 return [Math.max(d.scrollWidth, window.innerWidth), Math.max(d.scrollHeight, window.innerHeight)]",
                vec![],
            )
            .await;
        let (width, height) = (size[0].as_u64().unwrap_or(1), size[1].as_u64().unwrap_or(1));
        // The page as tall as it is, for the picture only; then the window's
        // own viewport again.
        let (view_width, view_height) = self.size.pixels();
        self.viewport(view_width.max(width as u32), height.min(16_000))
            .await;
        let shot = self
            .cdp(
                "Page.captureScreenshot",
                json!({ "format": "png", "fromSurface": true }),
            )
            .await;
        self.viewport(view_width, u64::from(view_height)).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("screenshot data"))
            .expect("a PNG in base64");
        let dir = screenshots();
        std::fs::create_dir_all(&dir).expect("the screenshots folder");
        let file = dir.join(format!("{name}-{}.png", self.size.name()));
        std::fs::write(&file, png).expect("write the screenshot");
        file
    }

    /// Runs axe-core in the page; its serious and critical violations.
    pub async fn axe(&self) -> Vec<super::axe::Violation> {
        super::axe::run(self).await
    }

    /// Fails the test, listing them, when axe-core finds serious or
    /// critical violations on the page; `what` names the page.
    pub async fn assert_accessible(&self, what: &str) {
        let violations = self.axe().await;
        assert!(
            violations.is_empty(),
            "{what} ({}, {}) has serious accessibility problems:\n{}",
            self.size.name(),
            self.path().await,
            violations
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    /// Logs out with the header's button, and waits until the page says so
    /// (a link to log in where the button was).
    pub async fn log_out(&self) {
        let lang = self
            .script("return document.documentElement.lang", vec![])
            .await;
        let nl = lang.as_str().is_some_and(|l| l.starts_with("nl"));
        let (out, back_in) = if nl {
            ("Uitloggen", "Inloggen")
        } else {
            ("Log out", "Log in")
        };
        self.click(out).await;
        eventually(WAIT, "the log-out to go through", || async {
            let answer = self
                .try_script(
                    FIND_BY_NAME,
                    vec![json!("link"), json!(back_in), Value::Null],
                )
                .await?;
            if answer["found"].as_array().is_some_and(|f| !f.is_empty()) {
                Ok(())
            } else {
                Err(self.describe(&self.text().await).await)
            }
        })
        .await;
    }

    /// Logs in through the log-in page (in the browser's language: the
    /// fields are found by their labels in English or Dutch).
    pub async fn log_in(&self, email: &str, password: &str) {
        self.go("/login").await;
        let lang = self
            .script("return document.documentElement.lang", vec![])
            .await;
        let nl = lang.as_str().is_some_and(|l| l.starts_with("nl"));
        let (address, secret, button) = if nl {
            ("E-mailadres", "Wachtwoord", "Inloggen")
        } else {
            ("E-mail", "Password", "Log in")
        };
        self.fill(address, email).await;
        self.fill(secret, password).await;
        let form = self.client.find(Locator::Css("main form")).await.ok();
        match form {
            Some(form) => self.click_in(&form, button).await,
            None => self.click(button).await,
        }
        eventually(WAIT, "the log-in to go through", || async {
            let here = self.path().await;
            if here.starts_with("/login") {
                Err(self.describe(&self.text().await).await)
            } else {
                Ok(())
            }
        })
        .await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ends the session: chromedriver quits this Chromium. Blocking on
        // purpose: no runtime can be counted on while dropping.
        let _ = http(
            self.driver.port,
            "DELETE",
            &format!("/session/{}", self.session),
            None,
        );
        // Anything still running with this profile is this test's: end it.
        let profile = self.profile.path().to_string_lossy().into_owned();
        for pid in processes_mentioning(&profile) {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
        }
    }
}

fn other(size: Size) -> Size {
    match size {
        Size::Desktop => Size::Phone,
        Size::Phone => Size::Desktop,
    }
}

/// The ids of processes whose command line mentions `needle`.
pub fn processes_mentioning(needle: &str) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return vec![];
    };
    let me = std::process::id();
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| *pid != me)
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .map(|line| String::from_utf8_lossy(&line).contains(needle))
                .unwrap_or(false)
        })
        .collect()
}

/// `target/screenshots` of the workspace (or of `CARGO_TARGET_DIR`).
pub fn screenshots() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("screenshots")
}
