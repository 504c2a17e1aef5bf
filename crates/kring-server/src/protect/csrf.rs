//! Cross-site request forgery: another site making a visitor's browser send a
//! write to Kring, with Kring's session cookie attached, or without it: a
//! cross-site log-in or sign-up would give the visitor's browser the
//! attacker's session (log-in CSRF), and what the visitor does next lands in
//! the attacker's account.
//!
//! A write (any method but GET, HEAD, OPTIONS and TRACE) to any path, the API
//! under `/api/v1` and the pages' forms alike, with or without the session
//! cookie, is refused with 403 when the browser says it comes from elsewhere:
//! `Sec-Fetch-Site: cross-site` or `same-site` (another host under the same
//! domain is not Kring either), or an `Origin` that is not Kring's own.
//! Kring's own origin is the public URL's when one is set, and otherwise
//! `http://` plus the request's `Host`.
//!
//! A request with neither header passes: browsers send at least one of them
//! on every cross-origin write, so such a request comes from curl or an app,
//! which hold their own cookies. Older browsers without either header are
//! still covered by the API taking only `application/json` bodies: a
//! cross-site HTML form cannot send that type, and a script can only after a
//! CORS preflight, which Kring never grants. The pages' forms (kring-web) do
//! take form bodies; for them the cookie's `SameSite=Lax` is the second
//! guard: browsers leave it off a cross-site post.
//!
//! One write passes whatever it carries: `POST /m/<token>`, the page of a
//! link in a mail. Its token is its authority, and mail clients post there
//! from elsewhere by design: RFC 8058's one-click unsubscribe is a cross-site
//! POST. Only an organisation's invitation also needs the invitee's session,
//! which a cross-site post does not carry (`SameSite=Lax`).

use axum::http::{header, HeaderMap, Method, Uri};

use crate::ApiError;

pub(crate) struct SameOrigin {
    /// The public URL's origin, the only one allowed; `None`: the request's own.
    public_origin: Option<String>,
}

impl SameOrigin {
    pub(crate) fn new(public_url: Option<&str>) -> SameOrigin {
        SameOrigin {
            public_origin: public_url.and_then(origin_of),
        }
    }

    pub(crate) fn check(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
    ) -> Result<(), ApiError> {
        let safe = matches!(
            *method,
            Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
        );
        if safe || is_mail_link(method, uri) {
            return Ok(());
        }
        let elsewhere = headers.get_all("sec-fetch-site").iter().any(|site| {
            let site = site.as_bytes();
            site.eq_ignore_ascii_case(b"cross-site") || site.eq_ignore_ascii_case(b"same-site")
        });
        if elsewhere {
            return Err(refusal());
        }
        let mut origins = headers.get_all(header::ORIGIN).iter().peekable();
        if origins.peek().is_some() {
            let own = self.own_origin(uri, headers);
            for origin in origins {
                let origin = origin.to_str().ok().and_then(origin_of);
                if own.is_none() || origin != own {
                    tracing::info!(
                        origin = ?headers.get(header::ORIGIN),
                        own = ?own,
                        "refused a write from another origin"
                    );
                    return Err(refusal());
                }
            }
        }
        Ok(())
    }

    /// The origin a browser on Kring's own pages sends.
    fn own_origin(&self, uri: &Uri, headers: &HeaderMap) -> Option<String> {
        if let Some(public) = &self.public_origin {
            return Some(public.clone());
        }
        // HTTP/1.1 has `Host`; HTTP/2 carries the same in the URI (`:authority`).
        let host = match headers.get(header::HOST) {
            Some(host) => host.to_str().ok()?,
            None => uri.authority()?.as_str(),
        };
        origin_of(&format!("http://{host}"))
    }
}

/// `POST /m/<token>`: a link in a mail, authorised by its token alone.
fn is_mail_link(method: &Method, uri: &Uri) -> bool {
    *method == Method::POST
        && uri
            .path()
            .strip_prefix("/m/")
            .is_some_and(kring_notify::links::looks_like_token)
}

fn refusal() -> ApiError {
    ApiError::NotAllowed(
        crate::error::Code::CrossSite,
        "this request came from another site; Kring refuses it to protect your account".into(),
    )
}

/// `scheme://host[:port]` of a URL or an `Origin` header, in lower case and
/// without the scheme's default port, so that equal origins compare equal.
/// `None` for anything else (such as the `Origin: null` of sandboxed pages).
fn origin_of(url: &str) -> Option<String> {
    let url = url.trim().to_ascii_lowercase();
    let (scheme, rest) = url.split_once("://")?;
    let default_port = match scheme {
        "https" => ":443",
        "http" => ":80",
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = host.strip_suffix(default_port).unwrap_or(host);
    if host.is_empty() {
        return None;
    }
    Some(format!("{scheme}://{host}"))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_static(value));
        }
        headers
    }

    fn plain() -> SameOrigin {
        SameOrigin::new(None)
    }

    const COOKIE: (&str, &str) = ("cookie", "kring_session=abc");
    const HOST: (&str, &str) = ("host", "kring.test:8080");

    fn allowed(
        guard: &SameOrigin,
        method: Method,
        path: &str,
        pairs: &[(&'static str, &'static str)],
    ) -> bool {
        let uri: Uri = path.parse().unwrap();
        guard.check(&method, &uri, &headers(pairs)).is_ok()
    }

    #[test]
    fn a_write_with_the_cookie_from_elsewhere_is_refused() {
        let guard = plain();
        let circles = "/api/v1/circles";
        for pairs in [
            [COOKIE, HOST, ("sec-fetch-site", "cross-site")],
            [COOKIE, HOST, ("sec-fetch-site", "same-site")],
            [COOKIE, HOST, ("sec-fetch-site", "Cross-Site")],
            [COOKIE, HOST, ("origin", "http://evil.test")],
            [COOKIE, HOST, ("origin", "null")],
            [COOKIE, HOST, ("origin", "https://kring.test:8080")],
            [COOKIE, HOST, ("origin", "http://kring.test:8081")],
            [COOKIE, HOST, ("origin", "http://kring.test")],
        ] {
            for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
                assert!(
                    !allowed(&guard, method.clone(), circles, &pairs),
                    "{method} {pairs:?}"
                );
            }
        }
        let error = guard
            .check(
                &Method::POST,
                &circles.parse().unwrap(),
                &headers(&[COOKIE, ("origin", "http://evil.test")]),
            )
            .unwrap_err();
        assert_eq!(error.problem().status, 403);
        assert!(error.to_string().contains("another site"), "{error}");
        // Without a Host there is no own origin to compare with.
        assert!(!allowed(
            &guard,
            Method::POST,
            circles,
            &[COOKIE, ("origin", "http://kring.test")]
        ));
        // Each of two Origin headers must be right.
        assert!(!allowed(
            &guard,
            Method::POST,
            circles,
            &[
                COOKIE,
                HOST,
                ("origin", "http://kring.test:8080"),
                ("origin", "http://evil.test")
            ]
        ));
    }

    #[test]
    fn own_pages_and_curl_pass_and_cross_site_log_ins_do_not() {
        let guard = plain();
        let circles = "/api/v1/circles";
        for pairs in [
            vec![
                COOKIE,
                HOST,
                ("origin", "http://kring.test:8080"),
                ("sec-fetch-site", "same-origin"),
            ],
            vec![COOKIE, HOST, ("origin", "HTTP://Kring.Test:8080")],
            vec![COOKIE, HOST, ("sec-fetch-site", "same-origin")],
            vec![COOKIE, HOST, ("sec-fetch-site", "none")],
            vec![COOKIE, HOST],
            vec![COOKIE],
            // curl or an app: no browser headers, with or without a session.
            vec![HOST],
        ] {
            assert!(allowed(&guard, Method::POST, circles, &pairs), "{pairs:?}");
        }
        // Without the session cookie a cross-site write is refused too: a
        // cross-site log-in would give the visitor the attacker's session.
        for pairs in [
            vec![
                HOST,
                ("origin", "http://evil.test"),
                ("sec-fetch-site", "cross-site"),
            ],
            vec![("cookie", "theme=dark"), ("origin", "http://evil.test")],
        ] {
            assert!(
                !allowed(&guard, Method::POST, "/api/v1/session", &pairs),
                "{pairs:?}"
            );
            assert!(
                !allowed(&guard, Method::POST, "/login", &pairs),
                "{pairs:?}"
            );
        }
        let evil = [
            COOKIE,
            HOST,
            ("origin", "http://evil.test"),
            ("sec-fetch-site", "cross-site"),
        ];
        assert!(
            allowed(&guard, Method::GET, circles, &evil),
            "reads are not writes"
        );
        assert!(allowed(&guard, Method::HEAD, circles, &evil));
        // The pages' forms are writes like the API's.
        for path in [
            "/api/v1",
            "/api/v1x",
            "/healthz",
            "/login",
            "/logout",
            "/circles/c1/logbook",
            "/circles/c1/rota/claim",
        ] {
            assert!(!allowed(&guard, Method::POST, path, &evil), "{path}");
        }
        assert!(allowed(
            &guard,
            Method::POST,
            "/circles/c1/logbook",
            &[COOKIE, HOST, ("origin", "http://kring.test:8080")]
        ));
        // The default port is the same origin, spelled or not.
        let host = [
            COOKIE,
            ("host", "kring.test:80"),
            ("origin", "http://kring.test"),
        ];
        assert!(allowed(&guard, Method::POST, circles, &host));
        // HTTP/2: no Host header, the authority is in the URI.
        assert!(allowed(
            &guard,
            Method::POST,
            "http://kring.test:8080/api/v1/circles",
            &[COOKIE, ("origin", "http://kring.test:8080")]
        ));
    }

    #[test]
    fn with_a_public_url_only_its_origin_may_write() {
        let url = "https://Kring.example.org:443/start?x=1";
        let guard = SameOrigin::new(Some(url));
        let cookie = ("cookie", "__Host-kring_session=abc");
        let host = ("host", "10.0.0.5:8080");
        let circles = "/api/v1/circles";
        assert!(allowed(
            &guard,
            Method::POST,
            circles,
            &[cookie, host, ("origin", "https://kring.example.org")]
        ));
        assert!(!allowed(
            &guard,
            Method::POST,
            circles,
            &[cookie, host, ("origin", "http://kring.example.org")]
        ));
        assert!(!allowed(
            &guard,
            Method::POST,
            circles,
            &[cookie, host, ("origin", "http://10.0.0.5:8080")]
        ));
        assert!(!allowed(
            &guard,
            Method::POST,
            circles,
            &[
                cookie,
                ("host", "evil.test"),
                ("origin", "http://evil.test")
            ]
        ));
        // Whatever cookie it carries (here one of another setting), a write
        // from another origin is refused.
        assert!(!allowed(
            &guard,
            Method::POST,
            circles,
            &[COOKIE, host, ("origin", "http://evil.test")]
        ));
    }

    #[test]
    fn only_a_post_to_a_mail_links_page_passes_from_elsewhere() {
        let guard = plain();
        let evil = [
            COOKIE,
            HOST,
            ("origin", "http://mail.evil.test"),
            ("sec-fetch-site", "cross-site"),
        ];
        let token = "a".repeat(43);
        assert!(allowed(&guard, Method::POST, &format!("/m/{token}"), &evil));
        for path in [
            format!("/m/{}", "a".repeat(42)),
            format!("/m/{token}/x"),
            format!("/m/{}", "a!".repeat(21) + "a"),
            format!("/api/v1/links/{token}"),
            format!("/x/m/{token}"),
            "/me/mail".to_owned(),
        ] {
            assert!(!allowed(&guard, Method::POST, &path, &evil), "{path}");
        }
        for method in [Method::PUT, Method::DELETE, Method::PATCH] {
            assert!(!allowed(&guard, method, &format!("/m/{token}"), &evil));
        }
    }

    #[test]
    fn origins_are_compared_in_one_spelling() {
        assert_eq!(
            origin_of("https://A.example:443/x").as_deref(),
            Some("https://a.example")
        );
        assert_eq!(
            origin_of("http://a.example:80").as_deref(),
            Some("http://a.example")
        );
        assert_eq!(
            origin_of("http://a.example:8080").as_deref(),
            Some("http://a.example:8080")
        );
        assert_eq!(
            origin_of("https://a.example:80").as_deref(),
            Some("https://a.example:80")
        );
        assert_eq!(
            origin_of("http://[::1]:80").as_deref(),
            Some("http://[::1]")
        );
        assert_eq!(
            origin_of("http://[::1]:8080").as_deref(),
            Some("http://[::1]:8080")
        );
        assert_eq!(
            origin_of("http://me@a.example/").as_deref(),
            Some("http://a.example")
        );
        for nothing in ["null", "", "ftp://a.example", "http://", "a.example"] {
            assert_eq!(origin_of(nothing), None, "{nothing}");
        }
    }
}
