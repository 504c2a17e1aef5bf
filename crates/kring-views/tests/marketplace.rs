//! The marketplace as the projector keeps it, over random but valid histories
//! (every event from `Circle::decide`): no listing ever carries a name, a
//! place, the details or any other personal text but the summary written for
//! strangers; each listing says what its request says; and folding event by
//! event gives the same listings as a rebuild.

use std::collections::{BTreeMap, BTreeSet};

use kring_domain::{CircleEvent, OrganisationId, Sealed};
use kring_store::ViewStore;
use kring_testkit::history::{generate, Appender, CircleHistory, Rng};
use kring_testkit::{on_both_backends, TestLog};
use kring_views::{listing_id, marketplace, rebuild, Listing, Projector};
use uuid::Uuid;

on_both_backends!(no_listing_carries_a_name_a_place_or_the_details);

/// Every sealed text in the histories that is not a listing's summary.
fn private_texts(histories: &[CircleHistory]) -> BTreeSet<String> {
    let mut texts = BTreeSet::new();
    let mut keep = |s: &Sealed| {
        texts.insert(s.data.clone());
    };
    for event in histories.iter().flat_map(|h| h.decisions.iter().flatten()) {
        use CircleEvent::*;
        match event {
            CircleCreated { focus_name, .. } => keep(focus_name),
            HelpRequested { details, .. } => keep(details),
            RequestPlaceNoted { place, .. } => keep(place),
            ThanksGiven { note: Some(n), .. }
            | OfferMade { note: Some(n), .. }
            | VolunteerProposed { note: Some(n), .. } => keep(n),
            ShiftScheduled { title, .. } => keep(title),
            ShiftReleased { reason, .. } => keep(reason),
            LogbookEntryWritten { text, .. } => keep(text),
            _ => {}
        }
    }
    texts
}

fn organisations(histories: &[CircleHistory]) -> BTreeSet<OrganisationId> {
    histories
        .iter()
        .flat_map(|h| h.decisions.iter().flatten())
        .filter_map(|e| match e {
            CircleEvent::RequestListed { organisation, .. } => Some(*organisation),
            _ => None,
        })
        .collect()
}

async fn listings(
    log: &dyn ViewStore,
    orgs: &BTreeSet<OrganisationId>,
) -> BTreeMap<OrganisationId, BTreeMap<Uuid, Listing>> {
    let mut all = BTreeMap::new();
    for org in orgs {
        all.insert(*org, marketplace(log, *org).await.unwrap());
    }
    all
}

async fn no_listing_carries_a_name_a_place_or_the_details(t: TestLog) {
    let log = t.log.clone();
    let mut rng = Rng::new(29);
    let histories = generate(&mut rng, 30, 250);
    let private = private_texts(&histories);
    let orgs = organisations(&histories);
    assert!(!orgs.is_empty(), "the histories list requests");

    // Folded as the events come, a few at a time.
    let mut appender = Appender::new(5, &histories, 4);
    let mut projector = Projector::open(log.clone()).await.unwrap();
    while appender.append(log.as_ref(), &histories, 300).await > 0 {
        while projector.catch_up_once().await.unwrap() > 0 {}
    }
    while projector.catch_up_once().await.unwrap() > 0 {}
    drop(projector);
    let folded = listings(log.as_ref(), &orgs).await;

    let mut seen = 0;
    for (org, listings) in &folded {
        let body = log
            .load_view(kring_views::ORGANISATION_VIEW, &org.to_string())
            .await
            .unwrap()
            .expect("the organisation's view")
            .body;
        for text in &private {
            assert!(
                !body.contains(text.as_str()),
                "private text {text} on the marketplace of {org}"
            );
        }
        for (id, listing) in listings {
            seen += 1;
            assert_eq!(*id, listing_id(*org, listing.circle, listing.request));
            let history = histories.iter().find(|h| h.id == listing.circle).unwrap();
            let request = &history.state.requests[&listing.request];
            assert_eq!(request.listed_with, Some(*org));
            assert_eq!(
                (listing.category, listing.window, listing.duration),
                (request.category, request.window, request.duration)
            );
            assert_eq!(listing.neighbourhood, history.state.neighbourhood);
            let written = history.decisions.iter().flatten().find_map(|e| match e {
                CircleEvent::RequestListed {
                    request, summary, ..
                } if *request == listing.request => Some(summary),
                _ => None,
            });
            assert_eq!(
                Some(&listing.summary),
                written,
                "the summary is the one written for it"
            );
        }
    }
    assert!(seen > 0, "some listings to check");

    // A rebuild from nothing lists the same.
    rebuild(log.clone(), |_| {}).await.unwrap();
    assert_eq!(listings(log.as_ref(), &orgs).await, folded);
}
