//! An organisation's marketplace at the size of a city's welfare organisation:
//! 10,000 volunteers and 1,000 listed requests (one in each of 1,000
//! consenting circles), on SQLite. Measured from outside, over HTTP, against
//! Kring's server in this process with the projector beside it: the p99 of
//! ranking the candidates for one listing and of loading the matchmaker's
//! board, each against the anchor of the same run: reading the organisation
//! itself (`GET /organisations/{org}`: the session and the organisation's
//! stream, the least any marketplace read does). See benches/README.md.

use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use chrono::Utc;
use futures::stream::{self, StreamExt, TryStreamExt};
use kring_app::{Commands, Vault};
use kring_benches::node::{caught_up, Db, Node, People, Projecting};
use kring_benches::{env_number, Run};
use kring_domain::{
    Action, Actor, Category, CircleCommand, CircleId, ConsentScope, Minutes, Neighbourhood,
    OrganisationAction, OrganisationCommand, OrganisationId, PartOfDay, PersonId, Profile,
    RequestId, Services, Slot, TimeWindow, VolunteerAction, VolunteerCommand, VolunteerId,
};
use kring_testkit::history::Rng;
use kring_views::Projector;
use std::sync::Arc;
use uuid::Uuid;

/// Kinds of help volunteers give (those that may reach the cold ring).
const COLD: [Category; 4] = [
    Category::Groceries,
    Category::Transport,
    Category::Visit,
    Category::Chores,
];
/// Neighbourhoods of the city: postcode areas 3500 to 3539.
const AREAS: u16 = 40;
/// Several setup commands at once (SQLite has one writer; this keeps it busy).
const AT_ONCE: usize = 8;

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let volunteers = env_number("KRING_BENCH_VOLUNTEERS", 10_000)?;
    let listings = env_number("KRING_BENCH_LISTINGS", 1_000)?;
    let rounds = env_number("KRING_BENCH_ROUNDS", 200)?;
    let db = Db::open("sqlite", "marketplace").await?;
    db.setting_up().await?;
    let started = Instant::now();
    let market = populate(&db, volunteers, listings).await?;
    let mut projector = Projector::open(db.log.clone()).await?;
    caught_up(&mut projector).await?;
    db.ready().await?;
    println!(
        "setup: {volunteers} volunteers, {listings} listings in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let projecting = Projecting::start(&db.log, projector);
    let node = Node::start(db.log.clone()).await?;
    let client = reqwest::Client::new();
    let people = People::new(db.log.clone());
    let cookie = people.session(market.matchmaker).await?;
    let get = |path: String| {
        let request = client
            .get(format!("{}/api/v1{path}", node.base))
            .header("cookie", cookie.clone());
        async move {
            let started = Instant::now();
            let response = request.send().await?;
            let status = response.status();
            let body = response.bytes().await?;
            ensure!(
                status.is_success(),
                "{status}: {}",
                String::from_utf8_lossy(&body)
            );
            anyhow::Ok((started.elapsed(), body))
        }
    };
    let org = market.organisation.0;
    // The board's first load puts every circle's look on its record (once a day).
    let (_, board) = get(format!("/organisations/{org}/marketplace")).await?;
    let board: serde_json::Value = serde_json::from_slice(&board)?;
    let ids: Vec<String> = board["listings"]
        .as_array()
        .context("a board")?
        .iter()
        .map(|l| l["listing"].as_str().unwrap_or_default().to_owned())
        .collect();
    ensure!(
        ids.len() == listings,
        "{} of {listings} listings on the board",
        ids.len()
    );
    let mut rng = Rng::new(5);
    let (mut anchor, mut rank, mut boards, mut fitting) = (vec![], vec![], vec![], 0usize);
    for _ in 0..rounds {
        anchor.push(get(format!("/organisations/{org}")).await?.0);
        let listing = &ids[rng.below(ids.len())];
        let (took, body) = get(format!(
            "/organisations/{org}/marketplace/{listing}/candidates"
        ))
        .await?;
        fitting += serde_json::from_slice::<Vec<serde_json::Value>>(&body)?.len();
        rank.push(took);
    }
    for _ in 0..(rounds / 4).max(10) {
        boards.push(get(format!("/organisations/{org}/marketplace")).await?.0);
    }
    node.stop().await?;
    projecting.stop().await?;
    db.close().await?;
    let (anchor, rank, boards) = (run(anchor), run(rank), run(boards));
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("anchor (the organisation): {}", anchor.summary());
    println!(
        "rank ({:.0} fitting volunteers a listing on average): {}",
        fitting as f64 / rounds as f64,
        rank.summary()
    );
    println!("board ({listings} listings): {}", boards.summary());
    println!(
        "ratios to the anchor's p99: rank {:.1}, board {:.1}",
        ms(rank.percentile(99.0)) / ms(anchor.percentile(99.0)),
        ms(boards.percentile(99.0)) / ms(anchor.percentile(99.0)),
    );
    println!(
        "marketplace: rank_p99_ms={:.2} board_p99_ms={:.2}",
        ms(rank.percentile(99.0)),
        ms(boards.percentile(99.0))
    );
    Ok(())
}

fn run(latencies: Vec<Duration>) -> Run {
    let total = latencies.iter().sum();
    Run::new(latencies.len(), total, latencies)
}

struct Market {
    organisation: OrganisationId,
    matchmaker: PersonId,
}

/// The organisation, its volunteers and its consenting circles, each with one
/// request listed, through the application's commands (every event decided).
async fn populate(db: &Db, volunteers: usize, listings: usize) -> anyhow::Result<Market> {
    let commands = Arc::new(Commands::new(db.log.clone(), Services::system()));
    let vault = Vault::new(db.log.clone());
    let people = People::new(db.log.clone());
    let mut rng = Rng::new(17);
    let matchmaker: PersonId = rng.id();
    people.register(matchmaker, "Wim Makelaar").await?;
    let organisation: OrganisationId = rng.id();
    let register = OrganisationAction::Register {
        organisation,
        name: "Welzijn Stad".into(),
    };
    commands
        .organisation(
            organisation,
            OrganisationCommand {
                actor: matchmaker,
                action: register,
            },
        )
        .await?;
    let profiles: Vec<(PersonId, Profile)> = (0..volunteers)
        .map(|_| (rng.id(), profile(&mut rng)))
        .collect();
    stream::iter(profiles)
        .map(|(person, profile)| {
            let (commands, people) = (commands.clone(), people.clone());
            async move {
                people.register(person, "Vrijwilliger Van Buren").await?;
                let join = VolunteerAction::Join {
                    organisation,
                    profile,
                };
                commands
                    .volunteer(
                        VolunteerId::of(organisation, person),
                        VolunteerCommand {
                            actor: person,
                            action: join,
                        },
                    )
                    .await?;
                anyhow::Ok(())
            }
        })
        .buffer_unordered(AT_ONCE)
        .try_collect::<()>()
        .await?;
    let circles: Vec<(CircleId, PersonId, Neighbourhood, Category, i64)> = (0..listings)
        .map(|_| {
            let area = Neighbourhood::Postcode(3500 + rng.below(AREAS as usize) as u16);
            (
                rng.id(),
                rng.id(),
                area,
                COLD[rng.below(COLD.len())],
                rng.range(1, 20 * 24),
            )
        })
        .collect();
    stream::iter(circles)
        .map(|(circle, coordinator, area, category, hours)| {
            let (commands, people, vault) = (commands.clone(), people.clone(), vault.clone());
            async move {
                people.register(coordinator, "Dochter").await?;
                let now = Utc::now();
                let start = now + chrono::Duration::hours(hours);
                let request: RequestId = RequestId(Uuid::new_v4());
                let focus = PersonId(Uuid::new_v4());
                let steps = [
                    Action::CreateCircle {
                        circle,
                        focus,
                        focus_name: vault.seal(focus, "Moeder").await?,
                        time_zone: "Europe/Amsterdam".into(),
                        plan: vec![],
                    },
                    Action::GrantConsent {
                        organisation,
                        scope: ConsentScope::Signals,
                        from: now,
                    },
                    Action::NameNeighbourhood {
                        neighbourhood: Some(area),
                    },
                    Action::RequestHelp {
                        request,
                        category,
                        window: TimeWindow::new(start, start + chrono::Duration::hours(3))?,
                        duration: Minutes::new(60)?,
                        details: vault.seal(coordinator, "Wat er nodig is").await?,
                        place: None,
                        on_behalf_of_focus: false,
                    },
                    Action::ListRequest {
                        request,
                        organisation,
                        summary: vault
                            .seal(coordinator, "Een uurtje hulp in de buurt")
                            .await?,
                    },
                ];
                for action in steps {
                    let command = CircleCommand {
                        actor: Actor::person(coordinator),
                        action,
                    };
                    let metadata = kring_store::metadata::of(coordinator.0, None);
                    commands.circle(circle, command, metadata).await?;
                }
                anyhow::Ok(())
            }
        })
        .buffer_unordered(AT_ONCE)
        .try_collect::<()>()
        .await?;
    Ok(Market {
        organisation,
        matchmaker,
    })
}

/// A volunteer: one to three kinds of help, an area, a few parts of the week,
/// one to eight tasks a month.
fn profile(rng: &mut Rng) -> Profile {
    let mut will = std::collections::BTreeSet::new();
    for _ in 0..1 + rng.below(3) {
        will.insert(COLD[rng.below(COLD.len())]);
    }
    let parts = [PartOfDay::Morning, PartOfDay::Afternoon, PartOfDay::Evening];
    let available = (0..2 + rng.below(8))
        .map(|_| Slot {
            weekday: rng.below(7) as u8,
            part: parts[rng.below(3)],
        })
        .collect();
    Profile {
        will,
        neighbourhood: Some(Neighbourhood::Postcode(
            3500 + rng.below(AREAS as usize) as u16,
        )),
        available,
        tasks_per_month: 1 + rng.below(8) as u8,
    }
}
