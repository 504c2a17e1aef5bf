//! Attack 8, reads that write: every load of an organisation's dashboard wrote
//! a look into every consenting circle, and a link on another site could make
//! an intermediary's browser record looks. A dashboard is on a circle's record
//! once a day per intermediary; opening the circle every time; a request
//! another site made records nothing.

use kring_e2e::Backend;
use std::time::Duration;

use reqwest::StatusCode;

use super::common::{circle, consent, looks, organisation, roomy_node, verified};

fn count(looks: &[serde_json::Value], code: &str) -> usize {
    looks.iter().filter(|l| l["code"] == code).count()
}

async fn a_dashboard_is_on_the_record_once_a_day_and_other_sites_record_nothing(backend: Backend) {
    let node = roomy_node(&backend).await;
    let (ina, _) = verified(&node, "Ina").await;
    let org = organisation(&ina).await;
    let (ann, _) = verified(&node, "Ann").await;
    let family = circle(&ann).await;
    consent(&ann, &family, &org, "full").await;

    let dashboard = format!("/api/v1/organisations/{org}/dashboard");
    // The dashboard is a view of its own: wait until it shows the consent.
    kring_testkit::eventually(
        Duration::from_secs(30),
        "the dashboard showing the circle",
        || async {
            let circles = ina.get(&dashboard).await.expect(StatusCode::OK);
            match circles.as_array().map(Vec::len) {
                Some(1) => Ok(()),
                _ => Err(circles.to_string()),
            }
        },
    )
    .await;
    for _ in 0..5 {
        let circles = ina.get(&dashboard).await.expect(StatusCode::OK);
        assert_eq!(circles.as_array().map(Vec::len), Some(1), "{circles}");
    }
    let opened = format!("/api/v1/organisations/{org}/circles/{family}");
    for _ in 0..2 {
        ina.get(&opened).await.expect(StatusCode::OK);
    }
    let record = looks(&ann, &family).await;
    assert_eq!(count(&record, "dashboard-rota"), 1, "{record:?}");
    assert_eq!(count(&record, "circle-full"), 2, "{record:?}");

    // A page or image on another site that makes Ina's browser ask.
    for site in ["cross-site", "same-site"] {
        let lured = ina.with_header("sec-fetch-site", site);
        for path in [&opened, &dashboard] {
            let answer = lured.get(path).await;
            assert_eq!(
                answer.status,
                StatusCode::FORBIDDEN,
                "{site} {path}: {answer:?}"
            );
            assert_eq!(answer.code(), Some("cross-site-look"));
        }
        let page = lured
            .get(&format!("/organisations/{org}/circles/{family}"))
            .await;
        assert_eq!(
            page.status,
            StatusCode::FORBIDDEN,
            "{site}: the page opened: {page:?}"
        );
    }
    // A link followed from a mail or typed in is Ina's own look.
    ina.with_header("sec-fetch-site", "none")
        .get(&opened)
        .await
        .expect(StatusCode::OK);
    let record = looks(&ann, &family).await;
    assert_eq!(count(&record, "dashboard-rota"), 1, "{record:?}");
    assert_eq!(count(&record, "circle-full"), 3, "{record:?}");
}

on_both!(a_dashboard_is_on_the_record_once_a_day_and_other_sites_record_nothing);
